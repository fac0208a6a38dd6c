"""The live view and trickle sessions (contract §7; metrics/sessions.py).

Collectors and sessions are the caller's organization's (url_objects): another
organization's answers the same 404 body as a missing one, for every role (the reference
let any user read any collector's live data and sessions, §11.2 S1).
"""

from datetime import timedelta

from rest_framework import serializers
from rest_framework.response import Response

from accounts.models import Role
from accounts.tenancy import IsAdmin
from metrics.apis.perfdash.base import COLLECTOR, COLLECTOR_NOT_FOUND, SESSION, PerfdashApi
from metrics.dashboard import instant_parse
from metrics.sessions import (ALL_STATUSES, LIVE_MINUTES_DEFAULT, SESSION_IDLE, SessionNotActive,
                              collector_trickle_status, live, session_complete, session_dates, session_detail,
                              session_history, sessions_active, sessions_complete)

SESSION_NOT_FOUND = {"error": "Session not found"}
TIMEOUT_MINUTES_MAX = 366 * 24 * 60  # check-inactive's timeout: a year at most (bounds the timedelta)


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

    def get(self, request, collector_uuid):
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        return Response(live(collector=request.url_objects["collector_uuid"], minutes=params.validated_data["minutes"],
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

    def get(self, request, collector_uuid):
        return Response(collector_trickle_status(collector=request.url_objects["collector_uuid"]))


class ActiveSessionsApi(PerfdashApi):
    """GET /dashboard/api/trickle/active/ (§7.3): the organization's active sessions. No side
    effect: ingest opens and joins sessions."""

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

    def get(self, request, collector_uuid):
        status = request.query_params.get("status", "all")
        return Response(session_history(collector=request.url_objects["collector_uuid"],
                                        statuses=ALL_STATUSES if status == "all" else (status,)))


class SessionDatesApi(_CollectorApi):
    """GET /dashboard/api/collectors/{id}/session-dates/ (§7.6)."""

    def get(self, request, collector_uuid):
        return Response(session_dates(collector=request.url_objects["collector_uuid"]))


class SessionDetailApi(_SessionApi):
    """GET /dashboard/api/sessions/{id}/ (§7.7)."""

    def get(self, request, session_id):
        return Response(session_detail(session=request.url_objects["session_id"]))


class SessionCompleteApi(_SessionApi):
    """POST /dashboard/api/sessions/{id}/complete/ {"name": optional} (§7.8). Admins, as
    every change in this API. XAT has no blob export: blob_target_id and export_format are
    ignored."""

    permission_classes = [IsAdmin]

    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

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
