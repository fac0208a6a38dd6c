"""`python -m metrics.agent_service`: the agent service on uvicorn (uvloop, httptools).

Listens on XAT_AGENTS_BIND (default 127.0.0.1:$XAT_AGENTS_PORT, port 8001) with
XAT_AGENT_WORKERS processes (default: one per core), each with its own event loop, cache
and writers; uvicorn's master starts a worker again if it dies. Access log: XAT_ACCESS_LOG
as for gunicorn (keys travel in headers, never in the logged request line).
"""

import multiprocessing
import os

import uvicorn

if __name__ == "__main__":
    host, _, port = os.environ.get("XAT_AGENTS_BIND", f"127.0.0.1:{os.environ.get('XAT_AGENTS_PORT', '8001')}") \
        .rpartition(":")
    uvicorn.run("metrics.agent_service.app:application", host=host, port=int(port),
                workers=int(os.environ.get("XAT_AGENT_WORKERS", multiprocessing.cpu_count())),
                loop="uvloop", http="httptools", lifespan="on",
                access_log=os.environ.get("XAT_ACCESS_LOG", "1") != "0", timeout_graceful_shutdown=10,
                # Agents connect anew for every tick: a fleet's connections queue here while
                # a worker is busy (Linux caps it at net.core.somaxconn, 4,096 by default).
                backlog=4096)
