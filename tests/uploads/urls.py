"""XAT's URLs plus the upload job's route, which metrics/urls.py does not have yet (the
line to add there is this one): the upload tests run with `pytest.mark.urls(__name__)`.
Delete this module and those marks once metrics/urls.py serves the route."""

from django.urls import path

from accounts.routing import by_method
from metrics.apis.uploads import UploadDetailApi
from xat.urls import urlpatterns as xat_urlpatterns

urlpatterns = [
    path("api/performance/uploads/<uuid:upload_uuid>/", by_method(GET=UploadDetailApi.as_view()),
         name="performance-upload-detail"),
    *xat_urlpatterns,
]
