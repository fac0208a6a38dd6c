from django.urls import path

from accounts.routing import by_method
from metrics.uploads import apis

urlpatterns = [
    path("api/performance/upload/", by_method(POST=apis.UploadApi.as_view()), name="performance-upload"),
    path("api/performance/uploads/", by_method(GET=apis.UploadListApi.as_view()), name="performance-uploads"),
    path("api/performance/uploads/<uuid:upload_uuid>/", by_method(GET=apis.UploadDetailApi.as_view()),
         name="performance-upload-detail"),
]
