"""Gunicorn settings shared by `make run`, the Docker image and the benchmarks.

Threaded workers (gthread): one process per core (WEB_CONCURRENCY) of XAT_WEB_THREADS
threads by default. An agent's request waits for its group's commit
(metrics/ingest_groups.py) while the worker's other threads parse the next requests and
its ingest writers (started below, XAT_INGEST_WRITERS) store the next group: fewer
processes make larger groups. Measured with bench/ingest.py, 32 agents, on the shared
development machine: 2 workers x 16 threads 166 ticks/s, 2 x 8 130, 3 x 8 88, 5 x 8 39
(docs/performance.md).
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
    """Each worker's ingest writers: they exist only in a server's worker (elsewhere each
    agent request is stored in its own transaction). And the URLconf loaded now, with every
    view module: else a fresh worker's first requests import them all at once, each
    thread waiting on the others' import locks."""
    from django.conf import settings
    from django.urls import get_resolver

    from metrics.ingest_groups import ingest_writers_start

    get_resolver().url_patterns
    ingest_writers_start(writers=settings.XAT_INGEST_WRITERS, group_ticks=settings.XAT_INGEST_GROUP_TICKS)


def worker_exit(server, worker):
    from metrics.ingest_groups import ingest_writers_stop

    ingest_writers_stop()
