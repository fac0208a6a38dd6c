"""xat/gunicorn_conf.py's worker hook."""

import gc

from xat.gunicorn_conf import post_worker_init


def test_it_hides_what_a_worker_loaded_from_the_garbage_collector():
    gc.unfreeze()
    try:
        post_worker_init(worker=None)
        # Django, DRF and the URLconf: tens of thousands of objects no collection scans again.
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
