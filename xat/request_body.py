"""Reading a request body within a size limit, gzip or not, without trusting the sender.

A gzip body is inflated chunk by chunk and abandoned as soon as it passes the limit, so a
small "zip bomb" costs no more memory than the limit itself.
"""

import zlib

_CHUNK = 64 * 1024


class BodyTooLarge(Exception):
    pass


class BodyUnreadable(ValueError):
    pass


def request_body_read(request, *, limit: int) -> bytes:
    encoding = request.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding not in ("identity", "", "gzip"):
        raise BodyUnreadable(f"Content-Encoding {encoding!r} is not supported (use gzip or none)")
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        raise BodyUnreadable("Content-Length is not a number") from None
    if declared > limit:
        raise BodyTooLarge
    raw = request.read(limit + 1)
    if len(raw) > limit:
        raise BodyTooLarge
    if encoding != "gzip":
        return raw
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    out = bytearray()
    try:
        data = raw
        while data:
            out += inflater.decompress(data, limit + 1 - len(out))
            if len(out) > limit:
                raise BodyTooLarge
            data = inflater.unconsumed_tail
        out += inflater.flush()
    except zlib.error as error:
        raise BodyUnreadable(f"the gzip body cannot be inflated ({error})") from None
    if len(out) > limit or not inflater.eof:
        raise BodyTooLarge if len(out) > limit else BodyUnreadable("the gzip body is truncated")
    return bytes(out)
