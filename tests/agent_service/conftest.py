"""The agent service (metrics/agent_service/) served by uvicorn on a thread of the test
process, against the test database: its cache and committer are this process's objects,
so a test can read them (groups formed) and change settings (the cache's check period).
Every request it stores commits, so its tests are transactional. The subprocess form, as
deployed with several workers, is the fault suite's (tests/faults/)."""

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import uvicorn
from django.db import connection, connections

from metrics.agent_service import app
from tests.conftest import free_port


@dataclass
class ServiceOnThread:
    port: str

    @property
    def service(self) -> app.AgentService:
        return app._service


@pytest.fixture
def agent_cache_seconds() -> int:
    """XAT_AGENT_CACHE_SECONDS of the service; a test changes it by parametrizing this name."""
    return 2


@pytest.fixture
def agent_writers() -> int:
    """XAT_INGEST_WRITERS of the service; a test changes it by parametrizing this name. Two
    (the default is one): groups may then run at once, and must not share a collector."""
    return 2


@pytest.fixture
def agent_service(transactional_db, settings, monkeypatch, agent_cache_seconds,
                  agent_writers) -> Iterator[ServiceOnThread]:
    # Django's own requests (the paths the service hands to Django) close their connections,
    # so that none is left open on the test database; the service closes its own.
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    settings.XAT_AGENT_CACHE_SECONDS = agent_cache_seconds
    settings.XAT_INGEST_WRITERS = agent_writers
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app.application, host="127.0.0.1", port=int(port), lifespan="on",
                                          loop="uvloop", http="httptools", access_log=False, log_level="warning"))
    thread = threading.Thread(target=server.run, name="agent-service", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "the agent service did not start"
            time.sleep(0.05)
        yield ServiceOnThread(port)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        connections.close_all()
