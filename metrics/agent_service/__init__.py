"""The agent service: the agents' hot paths on an event loop (uvicorn, uvloop, httptools),
as a process of its own beside Django's gunicorn.

    uvicorn metrics.agent_service.app:application     (scripts/agent_service.sh runs it)

It serves natively, without Django's request cycle:
- POST /v1/trickle (and /v1/trickle/), POST /api/trickle/ingest/: pcc's ticks;
- POST /api/v1/metrics/ with JSON measurements (a multipart file goes to Django, below).
Every other path, or a multipart upload to /api/v1/metrics/, is handed to Django's own ASGI
handler in the same process, so the service answers everything XAT answers (pcc's
/api/v1/register/ included) and an agent may be pointed at it alone.

    app.py      the ASGI application: body, key, envelope, answer (metrics.trickle's shapes)
    cache.py    keys and collectors in memory, checked against the database every
                XAT_AGENT_CACHE_SECONDS: no query per request in steady state
    groups.py   group commit as a coroutine: the requests waiting when a writer is free form
                one transaction (metrics.ingest_groups.group_store) on a writer thread
"""
