from django.urls import include, path

from metrics.apis.trickle import TrickleStatusApi, trickle

urlpatterns = [
    # pcc posts to this exact path: no trailing-slash redirect (anything but 200 stops it).
    path("v1/trickle", trickle, name="trickle"),
    path("v1/trickle/", trickle),
    path("api/trickle/ingest/", trickle, name="trickle-ingest"),
    path("api/trickle/status/", TrickleStatusApi.as_view(), name="trickle-status"),
    path("api/collectors/", include("metrics.collector_urls")),
]
