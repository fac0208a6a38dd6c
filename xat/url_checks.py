"""A NUL byte in a URL's path or query answers 400 before any view runs.

PostgreSQL's text cannot hold NUL, nor be compared with a value holding one: a query
parameter or a path segment with %00 reaching a lookup or a filter raised DataError, a 500
(the hostile corpus, tests/fuzz/test_hostile_corpus.py, found it on the cloud instance paths
and the sessions' ?status=). No URL of XAT's has a use for one; bodies go through
serializers, whose CharField refuses NUL itself."""

from django.http import JsonResponse


class NulRefusedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any("\x00" in key or any("\x00" in value for value in values)
                                         for key, values in request.GET.lists()):
            return JsonResponse({"detail": "The URL holds a NUL byte."}, status=400)
        return self.get_response(request)
