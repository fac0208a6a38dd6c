"""PLACEHOLDER: replaced by its area's implementation (issue 11)."""


def api_index(request):
    raise NotImplementedError
