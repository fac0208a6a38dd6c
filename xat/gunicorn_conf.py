"""Gunicorn settings shared by `make run`, the Docker image and the benchmarks.

Sync workers, (2 x cores) + 1 by default as gunicorn's documentation suggests for
workers that wait on the database part of the time; each request is short (one tick).
"""

import multiprocessing
import os

bind = os.environ.get("XAT_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
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
