"""The bundled agent (metrics/agent.py): this host's /proc to a XAT server, every 5 s.

    xat_agent --key xat_... [--url http://host:8000] [--interval 5] [--once]
    xat_agent --demo      development only: posts as the demo collector with a key made now

The key comes from --key or XAT_AGENT_KEY and is never printed. Stops on SIGTERM/SIGINT.
"""

import logging
import os
import signal
import threading
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from metrics.agent import agent_run, machine_id
from metrics.demo import DemoMissing, demo_agent_key_issue

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Post this host's /proc to /v1/trickle in pcc's wire format, every --interval seconds."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--url", default=f"http://127.0.0.1:{os.environ.get('PORT', '8000')}",
                            help="the XAT server (default: http://127.0.0.1:$PORT, PORT 8000)")
        parser.add_argument("--key", default=os.environ.get("XAT_AGENT_KEY", ""),
                            help="an ingest key (default: $XAT_AGENT_KEY); prefer the variable: "
                                 "arguments are visible to every user of the host")
        parser.add_argument("--demo", action="store_true",
                            help="development only: post as the demo collector with a key made for this run")
        parser.add_argument("--identifier", default="", help="the host's id (default: /etc/machine-id)")
        parser.add_argument("--interval", type=int, default=5, help="seconds between ticks (default 5)")
        parser.add_argument("--proc-root", type=Path, default=Path("/proc"), help="where /proc is (default /proc)")
        parser.add_argument("--once", action="store_true", help="post one tick and exit (status 1 if not stored)")

    def handle(self, *args, url, key, demo, identifier, interval, proc_root, once, **options):
        if interval < 1:
            raise CommandError("--interval: at least 1 second")
        if demo:
            key, identifier = self._demo_key(identifier)
        if not key:
            raise CommandError("no key: pass --key or set XAT_AGENT_KEY (or --demo in development)")
        try:
            identifier = identifier or machine_id()
        except FileNotFoundError as error:
            raise CommandError(str(error)) from None
        stop = threading.Event()
        logger.info("posting %s every %s s to %s as %s", proc_root, interval, url, identifier)
        with _stopped_by_signals(stop):
            result = agent_run(url=url, key=key, identifier=identifier, interval=interval, proc_root=proc_root,
                               stop=stop, once=once)
        if once and not (result and result.ok):
            raise CommandError("the tick was not stored")

    def _demo_key(self, identifier: str) -> tuple[str, str]:
        """The demo collector's new key, and the identifier to post as: the collector's own
        once it has one (a checkout moved to another host keeps feeding it)."""
        if settings.PRODUCTION:
            raise CommandError("--demo is for development: in production, create a collector key and pass --key")
        try:
            collector, key = demo_agent_key_issue()
        except DemoMissing as error:
            raise CommandError(str(error)) from None
        return key, identifier or collector.identifier


@contextmanager
def _stopped_by_signals(stop: threading.Event):
    """SIGTERM and SIGINT end the loop cleanly (between ticks, or after the post under way)."""
    handlers = {number: signal.signal(number, lambda *_: stop.set()) for number in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
