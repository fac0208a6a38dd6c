"""One URL, one API class per HTTP method (GET/POST /api/collectors/ are two operations).

    path("", by_method(GET=CollectorListApi.as_view(), POST=CollectorCreateApi.as_view()))

The views stay separate classes; `view.views` lists them for introspection (the isolation
matrix walks it). Another method answers 405 with an Allow header and DRF's JSON body.
"""

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt


def by_method(**views):
    views = {method.upper(): view for method, view in views.items()}

    @csrf_exempt  # each DRF view is exempt itself; the dispatcher must be too
    def dispatch(request, *args, **kwargs):
        view = views.get(request.method)
        if view is None:
            response = JsonResponse({"detail": f'Method "{request.method}" not allowed.'}, status=405)
            response["Allow"] = ", ".join(sorted(views))
            return response
        return view(request, *args, **kwargs)

    dispatch.views = views
    return dispatch
