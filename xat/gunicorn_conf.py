"""Gunicorn settings shared by `make run`, the Docker image and the benchmarks.

Threaded workers (gthread): one process per core (WEB_CONCURRENCY) of XAT_WEB_THREADS
threads by default. The agents' ticks go to the agent service (metrics/agent_service/, its
own process); an agent request that reaches Django anyway is stored as a group of its own.
"""

import gc
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
    import them all at once, each thread waiting on the others' import locks.

    Then everything loaded so far (Django, DRF, the URLconf: ~110,000 objects) is moved out of
    the cyclic garbage collector's sight (gc.freeze): it lives as long as the worker, and a
    full collection scanning it paused a request for ~45 ms every hundred chart requests or so
    (docs/performance.md, "Dashboard")."""
    from django.urls import get_resolver

    get_resolver().url_patterns
    gc.collect()
    gc.freeze()


# What gunicorn (27) discards of a body the application left unread before it serves the next
# request on the connection; past it, gunicorn closes the connection instead.
_DRAINED_BYTES = 64 * 1024


def pre_request(worker, req):
    """A body that gunicorn may not drain (larger than _DRAINED_BYTES, or chunked: of unknown
    length) closes its connection after the answer, and the answer says `Connection: close`.
    An early answer (401, 403, 413, 503) leaves such a body unread; the answer said
    `keep-alive`, then gunicorn closed the socket, so the client's next request on it failed.
    An application cannot say `close` itself: gunicorn drops hop-by-hop headers from it."""
    length = next((value for name, value in req.headers if name == "CONTENT-LENGTH"), None)
    chunked = any(name == "TRANSFER-ENCODING" for name, _ in req.headers)
    if chunked or (length is not None and length.isdigit() and int(length) > _DRAINED_BYTES):
        req.must_close = True
