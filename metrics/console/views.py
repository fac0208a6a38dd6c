"""The console's files, served by XAT itself from static/console/ in development and under
gunicorn alike, the way accounts/apis/schema.py serves Swagger UI's: one route per file
(urls.py), public, no object from the URL.

Why not Django's staticfiles or WhiteNoise: nothing serves /static/ here (the image runs
collectstatic, but neither gunicorn nor nginx's template answers that path), and a dozen
small files need neither another dependency nor a collectstatic step that `make run` would
have to run too. They change with XAT's own code, not with a version in their names, so
the browser revalidates each load (`no-cache` with `Last-Modified`: a 304 when unchanged)
instead of keeping a stale copy for a year.
"""

from pathlib import Path

from django.http import FileResponse, HttpResponseNotModified
from django.utils.http import http_date
from django.views.static import was_modified_since
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema

from accounts.tenancy import PublicAPIView

STATIC = Path(__file__).resolve().parent / "static" / "console"
PAGE = "index.html"
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}
# The page runs only its own files: no inline script or style, no other origin (not even a
# CDN), no frames, no plugins. uPlot sets its styles through the DOM (element.style), which
# style-src does not govern; its canvas needs nothing more.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
                           "frame-ancestors 'none'")


def console_files() -> list[str]:
    """The files under static/console/ that are served, as paths relative to it (the page aside)."""
    return sorted(path.relative_to(STATIC).as_posix() for path in STATIC.rglob("*")
                  if path.suffix in CONTENT_TYPES and path.name != PAGE)


class ConsoleFileApi(PublicAPIView):
    """GET /console/ (the page) and /console/<file> (its scripts and styles): the file, from
    this server, under a Content-Security-Policy that admits only this origin."""

    schema_complete = True
    asset = PAGE

    @extend_schema(responses={(200, "text/html"): OpenApiResponse(OpenApiTypes.STR, "The console's page."),
                              (200, "text/javascript"): OpenApiResponse(OpenApiTypes.STR, "A script of the page."),
                              (200, "text/css"): OpenApiResponse(OpenApiTypes.STR, "A style sheet of the page."),
                              304: OpenApiResponse(description="Unchanged since `If-Modified-Since`.")}, auth=[])
    def get(self, request):
        path = STATIC / self.asset
        modified = path.stat().st_mtime
        if not was_modified_since(request.headers.get("If-Modified-Since"), int(modified)):
            response = HttpResponseNotModified()
        else:
            response = FileResponse(path.open("rb"), content_type=CONTENT_TYPES[path.suffix])
        response["Last-Modified"] = http_date(modified)
        response["Cache-Control"] = "no-cache"
        response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        return response
