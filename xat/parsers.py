"""The one JSON parser of every JSON body XAT reads (DRF's DEFAULT_PARSER_CLASSES and the
perf-dashboard's views): orjson, as the agent paths (metrics/envelope.py) and captures
(metrics/uploads/pcc_raw.py) parse theirs.

Why not DRF's JSONParser: the standard library's decoder recurses once per level, so a 2 kB
body of 1,000 '[' raised RecursionError, a 500. orjson stops at its depth bound (1,024
levels) with "depth limit exceeded", and refuses what PostgreSQL could not store anyway
(invalid UTF-8, lone surrogates) and NaN/Infinity: all a 400 naming the reason."""

import orjson
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        # JSON is UTF-8 (RFC 8259): a charset parameter is not consulted.
        try:
            return orjson.loads(stream.read())
        except orjson.JSONDecodeError as error:
            raise ParseError(f"JSON parse error - {error}") from None
