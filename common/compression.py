"""Compressed answers (gzip), for the text the portal writes: a 2,000-row order table is
megabytes of HTML and a tenth of that compressed. Django's GZipMiddleware does the work,
with its defence against BREACH (a random-length padding in each answer, « Heal The
Breach »); docs/decisions/0007-compressed-responses-and-breach.md says why that, with the
per-answer masking of CSRF tokens and SameSite cookies, is enough here. Files that are
compressed already (PDF, XLSX, images) go as they are: compressing them again costs time
and saves nothing.

A big answer is compressed at gzip's fastest level: for the 5,000-row order table (7 MB)
level 1 takes a quarter of level 6's time for an answer a sixth bigger; the time is the
worker's, the bytes travel after it is free."""

import gzip
import secrets

from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.utils.cache import patch_vary_headers

COMPRESSIBLE = ("text/", "application/json", "application/javascript", "image/svg+xml")
BIG = 256 * 1024
FAST = 1


class TextGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith(COMPRESSIBLE):
            return response
        if response.streaming or len(response.content) < BIG:
            return super().process_response(request, response)
        if response.has_header("Content-Encoding"):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        if not re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            return response
        response.content = compress(response.content, level=FAST)
        response.headers["Content-Length"] = str(len(response.content))
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag
        response.headers["Content-Encoding"] = "gzip"
        return response


def compress(content: bytes, *, level: int) -> bytes:
    """gzip at `level`, with the random-length file name Django's `compress_string`
    writes against BREACH (0 to 99 bytes)."""
    data = memoryview(gzip.compress(content, compresslevel=level, mtime=0))
    header = bytearray(data[:10])
    header[3] = gzip.FNAME
    padding = b"a" * secrets.randbelow(GZipMiddleware.max_random_bytes) + b"\x00"
    return bytes(header) + padding + data[10:]
