"""The load tests', benchmarks' and comparisons' API (metrics/loadtests/apis/), at the
perf-dashboard contract's exact paths (docs/perf-dashboard.md; a trailing slash where the
contract has one, none under /api/v1/pcc/). Mounted at the root by xat's URLconf, after the
rest of the perf-dashboard's API (metrics/perfdash/urls.py)."""

from django.urls import path

from accounts.routing import by_method
from metrics.loadtests.apis import benchmarks, loadtests

collector = "<uuid:collector_uuid>"

# Load tests (§9.1), at /api/v1/loadtests/ and its singular alias /api/v1/loadtest/ alike.
urlpatterns = []
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
