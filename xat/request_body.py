"""Reading a request body within a size limit, gzip or not, without trusting the sender.

A gzip body is inflated chunk by chunk and abandoned as soon as it passes the limit, so a
small "zip bomb" costs no more memory than the limit itself.

ChunkedBodyMiddleware gives a chunked body (Transfer-Encoding: chunked, no Content-Length)
the length it lacks. Without one, every reader takes the body for an empty one (Django's
forms and multipart parser, DRF's parsers, request_body_read), so pcc's measurements or a
user's JSON would be silently lost. It reads the body first, up to the largest body an
endpoint of its kind accepts (multipart: the upload limit plus the other form fields';
anything else: the larger of the agent limit and DATA_UPLOAD_MAX_MEMORY_SIZE), in memory
up to FILE_UPLOAD_MAX_MEMORY_SIZE and in a temporary file beyond; then each endpoint
applies its own limit to the declared length, as for any request. Past that bound: 413 at
once. A server that cannot tell where a chunked body ends (no `wsgi.input_terminated`:
Django's runserver; gunicorn can) answers 411: a length is required there.
"""

import tempfile
import zlib

from django.conf import settings
from django.http import JsonResponse

_CHUNK = 64 * 1024


class BodyTooLarge(Exception):
    pass


class BodyUnreadable(ValueError):
    pass


def request_body_read(request, *, limit: int) -> bytes:
    gzipped = body_gzipped(request.headers.get("Content-Encoding", "identity"))
    if body_declared_length(request.headers.get("Content-Length")) > limit:
        raise BodyTooLarge
    raw = request.read(limit + 1)
    if len(raw) > limit:
        raise BodyTooLarge
    return body_inflated(raw, limit=limit) if gzipped else raw


def body_gzipped(content_encoding: str) -> bool:
    """Whether a body of this Content-Encoding is gzip; BodyUnreadable for any encoding
    but gzip and none."""
    encoding = content_encoding.strip().lower()
    if encoding not in ("identity", "", "gzip"):
        raise BodyUnreadable(f"Content-Encoding {encoding!r} is not supported (use gzip or none)")
    return encoding == "gzip"


def body_declared_length(content_length: str | None) -> int:
    try:
        return int(content_length or 0)
    except ValueError:
        raise BodyUnreadable("Content-Length is not a number") from None


def body_inflated(raw: bytes, *, limit: int) -> bytes:
    """A gzip body inflated, BodyTooLarge as soon as it passes `limit` bytes."""
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


def chunked_body_bound(content_type: str) -> int:
    """The most bytes of a chunked body read before answering 413."""
    if content_type.split(";")[0].strip().lower() == "multipart/form-data":
        return settings.XAT_UPLOAD_MAX_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return max(settings.XAT_TRICKLE_MAX_BYTES, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


class ChunkedBodyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        if not chunked or request.META.get("CONTENT_LENGTH"):
            return self.get_response(request)
        if not request.META.get("wsgi.input_terminated"):
            return JsonResponse({"detail": "A request body needs a Content-Length here."}, status=411)
        bound = chunked_body_bound(request.content_type or "")
        with tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE) as body:
            while data := request.META["wsgi.input"].read(_CHUNK):
                body.write(data)
                if body.tell() > bound:
                    return JsonResponse({"detail": f"The request body is larger than {bound} bytes."}, status=413)
            request.META["CONTENT_LENGTH"] = str(body.tell())
            body.seek(0)
            # Django's request made its stream of the length the server announced (none:
            # 0 bytes) before any middleware ran; this one is the body read above.
            request._stream = body
            return self.get_response(request)
