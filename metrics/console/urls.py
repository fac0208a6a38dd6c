"""The console (metrics/console/views.py): its page at /console/ and each of its files
beside it, mounted at the root by xat's URLconf."""

from django.urls import path

from metrics.console.views import ConsoleFileApi, console_files

urlpatterns = [
    path("console/", ConsoleFileApi.as_view(), name="console"),
    *(path(f"console/{asset}", ConsoleFileApi.as_view(asset=asset), name=f"console-{asset}")
      for asset in console_files()),
]
