"""The event-loop floor for bench/ingest.py: a raw ASGI app on the agent service's uvicorn
settings that only reads and parses the agent's JSON body and answers 200."""

import orjson


async def application(scope, receive, send):
    if scope["type"] != "http":
        return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    orjson.loads(body)
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": b'{"error":null}'})
