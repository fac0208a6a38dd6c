"""The perf-dashboard's API (metrics/perfdash/apis/), at the contract's exact paths: a
trailing slash where the contract has one, none under /api/v1/pcc/ (§1.1). {id} is a
lower-case UUID (Django's uuid converter); anything else matches no route (404).
Mounted at the root by xat's URLconf. The agents' /v1/trickle: metrics/urls.py; the load
tests and benchmarks: metrics/loadtests/urls.py; the cloud inventories: metrics/cloud/urls.py."""

from django.urls import path, re_path

from accounts.routing import by_method
from metrics.perfdash.apis import agents, auth, captures, charts, collectors, files, index, sessions

collector = "<uuid:collector_uuid>"

urlpatterns = [
    path("", index.api_index, name="perfdash-root"),
    path("api/v1/", index.api_index, name="perfdash-index"),
    # Authentication (§4): XAT's users, passwords and throttles.
    path("api/v1/auth/token/", by_method(POST=auth.TokenApi.as_view()), name="perfdash-token"),
    path("api/v1/auth/token/refresh/", by_method(POST=auth.TokenRefreshApi.as_view()), name="perfdash-token-refresh"),
    path("api/v1/auth/token/verify/", by_method(POST=auth.TokenVerifyApi.as_view()), name="perfdash-token-verify"),
    path("api/v1/auth/user/", by_method(GET=auth.UserApi.as_view()), name="perfdash-user"),
    path("api/v1/auth/register/", by_method(POST=auth.RegisterApi.as_view()), name="perfdash-register"),
    path("api/v1/auth/logout/", by_method(POST=auth.LogoutApi.as_view()), name="perfdash-logout"),
    path("api/v1/auth/password/change/", by_method(POST=auth.PasswordChangeApi.as_view()),
         name="perfdash-password-change"),
    # Collector management (§5).
    path("api/v1/collectors/", by_method(GET=collectors.CollectorListApi.as_view(),
                                         POST=collectors.CollectorCreateApi.as_view()),
         name="perfdash-collectors"),
    path(f"api/v1/collectors/{collector}/", by_method(GET=collectors.CollectorDetailApi.as_view(),
                                                     PUT=collectors.CollectorUpdateApi.as_view(),
                                                     PATCH=collectors.CollectorUpdateApi.as_view(),
                                                     DELETE=collectors.CollectorDeleteApi.as_view()),
         name="perfdash-collector"),
    path(f"api/v1/collectors/{collector}/regenerate-key/",
         by_method(POST=collectors.CollectorKeyRegenerateApi.as_view()), name="perfdash-collector-key"),
    # Uploaded files (§9.6).
    path(f"api/v1/collectors/{collector}/data/", by_method(GET=files.UploadListApi.as_view(),
                                                          POST=files.UploadCreateApi.as_view()),
         name="perfdash-collector-data"),
    path("api/v1/data/<uuid:upload_uuid>/", by_method(GET=files.UploadDetailApi.as_view(),
                                                     DELETE=files.UploadDeleteApi.as_view()),
         name="perfdash-data"),
    # Agents (§8.1, §8.2): no slash-append redirect for them.
    re_path(r"^api/v1/register/?$", agents.agent_register, name="agent-register"),
    re_path(r"^api/v1/metrics/?$", agents.agent_metrics, name="agent-metrics"),
    # Replay (§9.2, §9.3).
    path("api/v1/pcc/captures", by_method(GET=captures.CaptureListApi.as_view()), name="perfdash-captures"),
    path("api/v1/pcc/captures/<uuid:upload_uuid>/data", by_method(GET=captures.CaptureDataApi.as_view()),
         name="perfdash-capture-data"),
    # Charts (§6).
    path("dashboard/api/collectors/", by_method(GET=collectors.CollectorMenuApi.as_view()),
         name="perfdash-collector-menu"),
    path(f"dashboard/api/collectors/{collector}/cpu/", by_method(GET=charts.CpuChartApi.as_view()),
         name="perfdash-cpu"),
    path(f"dashboard/api/collectors/{collector}/memory/", by_method(GET=charts.MemoryChartApi.as_view()),
         name="perfdash-memory"),
    path(f"dashboard/api/collectors/{collector}/disk/", by_method(GET=charts.DiskChartApi.as_view()),
         name="perfdash-disk"),
    path(f"dashboard/api/collectors/{collector}/network/", by_method(GET=charts.NetworkChartApi.as_view()),
         name="perfdash-network"),
    # Live view and sessions (§7).
    path(f"dashboard/api/collectors/{collector}/live/", by_method(GET=sessions.LiveApi.as_view()),
         name="perfdash-live"),
    path(f"dashboard/api/collectors/{collector}/trickle-status/",
         by_method(GET=sessions.TrickleStatusApi.as_view()), name="perfdash-trickle-status"),
    path("dashboard/api/trickle/active/", by_method(GET=sessions.ActiveSessionsApi.as_view()),
         name="perfdash-trickle-active"),
    path("dashboard/api/trickle/check-inactive/", by_method(POST=sessions.CheckInactiveApi.as_view()),
         name="perfdash-check-inactive"),
    path(f"dashboard/api/collectors/{collector}/sessions/", by_method(GET=sessions.SessionListApi.as_view()),
         name="perfdash-sessions"),
    path(f"dashboard/api/collectors/{collector}/session-dates/",
         by_method(GET=sessions.SessionDatesApi.as_view()), name="perfdash-session-dates"),
    path("dashboard/api/sessions/<uuid:session_id>/", by_method(GET=sessions.SessionDetailApi.as_view()),
         name="perfdash-session"),
    path("dashboard/api/sessions/<uuid:session_id>/complete/",
         by_method(POST=sessions.SessionCompleteApi.as_view()), name="perfdash-session-complete"),
]
