"""Gunicorn settings shared by `make run`, the Docker image and the benchmarks.

Threaded workers (gthread): one process per core (WEB_CONCURRENCY) of XAT_WEB_THREADS
threads by default. The agents' ticks go to the agent service (metrics/agent_service/, its
own process); an agent request that reaches Django anyway is stored as a group of its own.
"""

import multiprocessing
import os

bind = os.environ.get("XAT_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("XAT_WEB_THREADS", 16))
graceful_timeout = 10
timeout = 30
# One line per request on stdout; XAT_ACCESS_LOG=0 turns it off (benchmarks).
accesslog = "-" if os.environ.get("XAT_ACCESS_LOG", "1") != "0" else None
# Request lines may carry query strings but never keys: agents send them in headers.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
# gunicorn 27's control socket sits at one path per user (~/.gunicorn/gunicorn.ctl): a
# second server of the same user (tests, benchmarks beside `make run`) would take it over.
# Nothing here uses it.
control_socket_disable = True


def post_worker_init(worker):
    """The URLconf loaded now, with every view module: else a fresh worker's first requests
    import them all at once, each thread waiting on the others' import locks."""
    from django.urls import get_resolver

    get_resolver().url_patterns
