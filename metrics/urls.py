from django.urls import include, path

from accounts.routing import by_method
from metrics.apis import exports, uploads
from metrics.apis.trickle import TrickleStatusApi, trickle

urlpatterns = [
    # pcc posts to this exact path: no trailing-slash redirect (anything but 200 stops it).
    path("v1/trickle", trickle, name="trickle"),
    path("v1/trickle/", trickle),
    path("api/trickle/ingest/", trickle, name="trickle-ingest"),
    path("api/trickle/status/", TrickleStatusApi.as_view(), name="trickle-status"),
    path("api/collectors/", include("metrics.collector_urls")),
    path("api/performance/upload/", by_method(POST=uploads.UploadApi.as_view()), name="performance-upload"),
    path("api/performance/uploads/", by_method(GET=uploads.UploadListApi.as_view()), name="performance-uploads"),
    path("api/performance/export/", by_method(GET=exports.ExportApi.as_view()), name="performance-export"),
]
