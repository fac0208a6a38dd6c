"""PLACEHOLDER: replaced by its area's implementation (issue 11)."""

from metrics.apis.collectors import agent_register  # noqa: F401


def agent_metrics(request):
    raise NotImplementedError
