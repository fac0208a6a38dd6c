"""The live view and trickle sessions (contract §7; metrics/sessions.py).

Collectors and sessions are the caller's organization's (url_objects): another
organization's answers the same 404 body as a missing one, for every role (the reference
let any user read any collector's live data and sessions, §11.2 S1).
"""

from datetime import timedelta
from typing import TypedDict

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from accounts.models import Role
from accounts.tenancy import IsAdmin
from metrics.perfdash.apis.base import COLLECTOR, COLLECTOR_NOT_FOUND, SESSION, PerfdashApi
from metrics.dashboard import instant_parse
from metrics.sessions import (ALL_STATUSES, LIVE_MINUTES_DEFAULT, SESSION_IDLE, ActiveSession, Live, SessionDates,
                              SessionDetail, SessionHistory, SessionNotActive, TrickleStatus,
                              collector_trickle_status, live, session_complete, session_dates, session_detail,
                              session_history, sessions_active, sessions_complete)
from xat import replicas
from xat.openapi import shape

SESSION_NOT_FOUND = {"error": "Session not found"}
TIMEOUT_MINUTES_MAX = 366 * 24 * 60  # check-inactive's timeout: a year at most (bounds the timedelta)


class ActiveSessions(TypedDict):
    active_count: int
    sessions: list[ActiveSession]


class _CollectorApi(PerfdashApi):
    """An endpoint about one collector of the organization, {"error": ...} bodies."""

    url_objects = {"collector_uuid": COLLECTOR}
    not_found = COLLECTOR_NOT_FOUND
    error_shape = "custom"


class _SessionApi(PerfdashApi):
    url_objects = {"session_id": SESSION}
    not_found = SESSION_NOT_FOUND
    error_shape = "custom"


class LiveApi(_CollectorApi):
    """GET /dashboard/api/collectors/{id}/live/?minutes=10&since=<ISO 8601> (§7.1)."""

    class InputSerializer(serializers.Serializer):
        minutes = serializers.IntegerField(default=LIVE_MINUTES_DEFAULT)
        since = serializers.CharField(required=False, allow_blank=True)

    @extend_schema(responses=shape(Live), examples=[OpenApiExample(
        "A session's first tick, then one 5 s later (§10.5)", response_only=True, value={
            "collector_id": "3f6c2a9e-8b1d-4c7e-9a51-2d0e7b4c1f88", "collector_name": "azure-b2s-01",
            "has_live_data": True, "sample_count": 2,
            "timestamps": ["2026-01-22T14:05:01+00:00", "2026-01-22T14:05:06+00:00"],
            "cpu": {"user": [0, 11.8], "system": [0, 2.3], "iowait": [0, 0.2], "idle": [0, 85.7], "steal": [0, 0.0]},
            "memory": {"total_mb": [3921.45, 3921.45], "used_mb": [1204.1, 1207.66],
                       "available_mb": [2501.3, 2497.8], "buffers_mb": [98.2, 98.2], "cached_mb": [1402.77, 1402.9]},
            "disk": {"read_bytes": [912336896, 912336896], "write_bytes": [2231418880, 2231623680],
                     "read_ops": [22364, 22364], "write_ops": [81240, 81263], "read_iops": [None, 0.0],
                     "write_iops": [None, 4.6], "read_mbps": [None, 0.0], "write_mbps": [None, 0.0391]},
            "network": {"rx_bytes": [5120044811, 5120102211], "tx_bytes": [731100200, 731130818],
                        "rx_packets": [4100221, 4100302], "tx_packets": [1200110, 1200171],
                        "rx_mbps": [None, 0.0918], "tx_mbps": [None, 0.049], "rx_pps": [None, 16.2],
                        "tx_pps": [None, 12.2]}})])
    def get(self, request, collector_uuid):
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        return Response(replicas.read(live, collector=request.url_objects["collector_uuid"],
                                      minutes=params.validated_data["minutes"],
                                      since=_instant_or_none(params.validated_data.get("since"))))


def _instant_or_none(text: str | None):
    """`since` as a date-time; None when absent or unparsable (the window falls back to
    `minutes`, as in the reference)."""
    try:
        return instant_parse(text) if text else None
    except ValueError:
        return None


class TrickleStatusApi(_CollectorApi):
    """GET /dashboard/api/collectors/{id}/trickle-status/ (§7.2)."""

    @extend_schema(responses=shape(TrickleStatus))
    def get(self, request, collector_uuid):
        return Response(collector_trickle_status(collector=request.url_objects["collector_uuid"]))


class ActiveSessionsApi(PerfdashApi):
    """GET /dashboard/api/trickle/active/ (§7.3): the organization's active sessions. No side
    effect: ingest opens and joins sessions."""

    @extend_schema(responses=shape(ActiveSessions))
    def get(self, request):
        sessions = sessions_active(organization=request.organization)
        return Response({"active_count": len(sessions), "sessions": sessions})


class CheckInactiveApi(PerfdashApi):
    """POST /dashboard/api/trickle/check-inactive/?timeout_minutes=2 (§7.4). Any member may
    apply the upkeep's rule sooner; only an admin may end sessions idle for less than its
    2 minutes (a shorter timeout of another role counts as 2 minutes)."""

    error_shape = "custom"

    class InputSerializer(serializers.Serializer):
        timeout_minutes = serializers.IntegerField(default=SESSION_IDLE // timedelta(minutes=1), min_value=0,
                                                   max_value=TIMEOUT_MINUTES_MAX)

    @extend_schema(request=None, parameters=[InputSerializer], responses=inline_serializer(
        "PerfdashCompletedSessions", fields={"completed_count": serializers.IntegerField(),
                                             "completed_sessions": serializers.ListField(child=inline_serializer(
                                                 "PerfdashCompletedSession", fields={
                                                     "session_id": serializers.UUIDField(),
                                                     "collector_name": serializers.CharField(),
                                                     "sample_count": serializers.IntegerField()}))}))
    def post(self, request):
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        timeout = timedelta(minutes=params.validated_data["timeout_minutes"])
        if request.membership.role != Role.ADMIN:
            timeout = max(timeout, SESSION_IDLE)
        completed = sessions_complete(organization=request.organization, idle_for=timeout)
        return Response({"completed_count": len(completed), "completed_sessions": [
            {"session_id": session["session_id"], "collector_name": session["collector_name"],
             "sample_count": session["sample_count"]} for session in completed]})


class SessionListApi(_CollectorApi):
    """GET /dashboard/api/collectors/{id}/sessions/?status=all (§7.5). Another status than
    active, completed, saved or all matches no session (as in the reference)."""

    @extend_schema(responses=shape(SessionHistory), parameters=[OpenApiParameter(
        "status", str, description="active, completed, saved or all (default); another value matches nothing.")])
    def get(self, request, collector_uuid):
        status = request.query_params.get("status", "all")
        return Response(session_history(collector=request.url_objects["collector_uuid"],
                                        statuses=ALL_STATUSES if status == "all" else (status,)))


class SessionDatesApi(_CollectorApi):
    """GET /dashboard/api/collectors/{id}/session-dates/ (§7.6)."""

    @extend_schema(responses=shape(SessionDates))
    def get(self, request, collector_uuid):
        return Response(session_dates(collector=request.url_objects["collector_uuid"]))


class SessionDetailApi(_SessionApi):
    """GET /dashboard/api/sessions/{id}/ (§7.7)."""

    @extend_schema(responses=shape(SessionDetail))
    def get(self, request, session_id):
        return Response(replicas.read(session_detail, session=request.url_objects["session_id"]))


class SessionCompleteApi(_SessionApi):
    """POST /dashboard/api/sessions/{id}/complete/ {"name": optional} (§7.8). Admins, as
    every change in this API. XAT has no blob export: blob_target_id and export_format are
    ignored."""

    permission_classes = [IsAdmin]

    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    @extend_schema(responses=inline_serializer("PerfdashSessionCompleted", fields={
        "session_id": serializers.UUIDField(), "status": serializers.CharField(),
        "ended_at": serializers.DateTimeField(), "sample_count": serializers.IntegerField(),
        "message": serializers.CharField()}))
    def post(self, request, session_id):
        body = self.InputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            completed = session_complete(session=request.url_objects["session_id"], name=body.validated_data["name"])
        except SessionNotActive:
            return Response({"error": "Session is not active"}, status=400)
        return Response({"session_id": completed["session_id"], "status": "completed",
                         "ended_at": completed["ended_at"], "sample_count": completed["sample_count"],
                         "message": "Session marked as completed"})
