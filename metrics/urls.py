from django.urls import include, path

from accounts.routing import by_method
from metrics.apis import exports
from metrics.apis.trickle import TrickleStatusApi, trickle
from metrics.apis import dashboard

urlpatterns = [
    # pcc posts to this exact path: no trailing-slash redirect (anything but 200 stops it).
    path("v1/trickle", trickle, name="trickle"),
    path("v1/trickle/", trickle),
    path("api/trickle/ingest/", trickle, name="trickle-ingest"),
    path("api/trickle/status/", TrickleStatusApi.as_view(), name="trickle-status"),
    path("api/collectors/", include("metrics.collector_urls")),
    path("api/performance/export/", by_method(GET=exports.ExportApi.as_view()), name="performance-export"),
    path("api/dashboard/collectors/<int:collector_id>/cpu/", dashboard.CpuChartApi.as_view(), name="dashboard-cpu"),
    path("api/dashboard/collectors/<int:collector_id>/memory/", dashboard.MemoryChartApi.as_view(),
         name="dashboard-memory"),
    path("api/dashboard/collectors/<int:collector_id>/disk/", dashboard.DiskChartApi.as_view(), name="dashboard-disk"),
    path("api/dashboard/collectors/<int:collector_id>/network/", dashboard.NetworkChartApi.as_view(),
         name="dashboard-network"),
    path("api/dashboard/collectors/<int:collector_id>/filesystem/", dashboard.FilesystemChartApi.as_view(),
         name="dashboard-filesystem"),
    path("api/dashboard/collectors/<int:collector_id>/summary/", dashboard.SummaryApi.as_view(),
         name="dashboard-summary"),
    path("api/dashboard/collectors/<int:collector_id>/live/", dashboard.LiveApi.as_view(), name="dashboard-live"),
]
