"""The perf-dashboard's API (metrics/perfdash/apis/), at the contract's exact paths: a
trailing slash where the contract has one, none under /api/v1/pcc/ (§1.1). {id} is a
lower-case UUID (Django's uuid converter); anything else matches no route (404).
Mounted at the root by xat's URLconf. The agents' /v1/trickle: metrics/urls.py."""

from django.urls import path, re_path

from accounts.routing import by_method
from metrics.cloud import apis as cloud
from metrics.loadtests.apis import benchmarks, loadtests
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

# Load tests (§9.1), at /api/v1/loadtests/ and its singular alias /api/v1/loadtest/ alike.
for _prefix, _name in (("loadtests", "perfdash-loadtests"), ("loadtest", "perfdash-loadtest-alias")):
    urlpatterns += [
        path(f"api/v1/{_prefix}/", by_method(GET=loadtests.LoadTestListApi.as_view(),
                                             POST=loadtests.LoadTestCreateApi.as_view()), name=_name),
        path(f"api/v1/{_prefix}/compare/", by_method(GET=loadtests.LoadTestCompareQueryApi.as_view(),
                                                     POST=loadtests.LoadTestCompareApi.as_view()),
             name=f"{_name}-compare"),
        path(f"api/v1/{_prefix}/run/{collector}/", by_method(POST=loadtests.LoadTestRunApi.as_view()),
             name=f"{_name}-run"),
        path(f"api/v1/{_prefix}/<uuid:loadtest_uuid>/", by_method(GET=loadtests.LoadTestDetailApi.as_view(),
                                                                  PUT=loadtests.LoadTestUpdateApi.as_view(),
                                                                  PATCH=loadtests.LoadTestUpdateApi.as_view(),
                                                                  DELETE=loadtests.LoadTestDeleteApi.as_view()),
             name=f"{_name}-detail"),
    ]
# Benchmarks (§9.5) and the benchmark comparison (§9.4, no trailing slash under pcc/).
urlpatterns += [
    path("api/v1/benchmarks/", by_method(GET=benchmarks.BenchmarkListApi.as_view(),
                                        POST=benchmarks.BenchmarkCreateApi.as_view()), name="perfdash-benchmarks"),
    path("api/v1/benchmarks/stats/", by_method(GET=benchmarks.BenchmarkStatsApi.as_view()),
         name="perfdash-benchmark-stats"),
    path("api/v1/benchmarks/<uuid:benchmark_uuid>/", by_method(GET=benchmarks.BenchmarkDetailApi.as_view(),
                                                              PUT=benchmarks.BenchmarkUpdateApi.as_view(),
                                                              PATCH=benchmarks.BenchmarkUpdateApi.as_view(),
                                                              DELETE=benchmarks.BenchmarkDeleteApi.as_view()),
         name="perfdash-benchmark"),
    path("api/v1/pcc/benchmark/compare", by_method(POST=benchmarks.ComparisonStartApi.as_view()),
         name="perfdash-benchmark-compare"),
    path("api/v1/pcc/benchmark/compare/<uuid:comparison_uuid>",
         by_method(GET=benchmarks.ComparisonDetailApi.as_view()), name="perfdash-benchmark-comparison"),
]

# Cloud inventories (Appendix A): no trailing slash; JWT and the organization's own credentials
# (metrics/cloud/apis.py). Instance ids are the providers' (Azure: "<resource group>:<vm name>").
for _provider in ("oci", "aws", "azure"):
    _instance = "<str:instance_id>"
    _root, _name = f"api/v1/cloud/{_provider}", f"cloud-{_provider}"
    urlpatterns += [
        path(f"{_root}/status", by_method(GET=cloud.CloudStatusApi.as_view(provider=_provider)),
             name=f"{_name}-status"),
        path(f"{_root}/connect", by_method(POST=cloud.CloudConnectApi.as_view(provider=_provider)),
             name=f"{_name}-connect"),
        path(f"{_root}/disconnect", by_method(POST=cloud.CloudDisconnectApi.as_view(provider=_provider)),
             name=f"{_name}-disconnect"),
        path(f"{_root}/instances", by_method(GET=cloud.CloudInstanceListApi.as_view(provider=_provider)),
             name=f"{_name}-instances"),
        path(f"{_root}/instances/{_instance}/start",
             by_method(POST=cloud.CloudInstancePowerApi.as_view(provider=_provider, action="start")),
             name=f"{_name}-start"),
        path(f"{_root}/instances/{_instance}/stop",
             by_method(POST=cloud.CloudInstancePowerApi.as_view(provider=_provider, action="stop")),
             name=f"{_name}-stop"),
        path(f"{_root}/instances/{_instance}/status",
             by_method(GET=cloud.CloudInstanceStatusApi.as_view(provider=_provider)), name=f"{_name}-instance-status"),
        path(f"{_root}/instances/{_instance}/deploy-pcc",
             by_method(POST=cloud.CloudPccDeployApi.as_view(provider=_provider)), name=f"{_name}-deploy-pcc"),
        path(f"{_root}/instances/{_instance}/validate-pcc",
             by_method(GET=cloud.CloudPccValidateApi.as_view(provider=_provider)), name=f"{_name}-validate-pcc"),
    ]
urlpatterns += [
    path("api/v1/cloud/aws/regions", by_method(GET=cloud.CloudLocationsApi.as_view(provider="aws")),
         name="cloud-aws-regions"),
    path("api/v1/cloud/oci/compartments", by_method(GET=cloud.CloudLocationsApi.as_view(provider="oci")),
         name="cloud-oci-compartments"),
    path("api/v1/cloud/audit", by_method(GET=cloud.CloudAuditApi.as_view()), name="cloud-audit"),
]
