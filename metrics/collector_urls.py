"""Mounted under api/collectors/ (metrics/urls.py)."""

from django.urls import path

from accounts.routing import by_method
from metrics.apis import collectors

urlpatterns = [
    path(
        "",
        by_method(GET=collectors.CollectorListApi.as_view(), POST=collectors.CollectorCreateApi.as_view()),
        name="collectors",
    ),
    path(
        "<int:collector_id>/",
        by_method(
            GET=collectors.CollectorDetailApi.as_view(),
            PATCH=collectors.CollectorUpdateApi.as_view(),
            DELETE=collectors.CollectorDeleteApi.as_view(),
        ),
        name="collector",
    ),
]
