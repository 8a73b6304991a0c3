"""Compressed answers (gzip), for the text the portal writes: a 2,000-row order table is
megabytes of HTML and a tenth of that compressed. Django's GZipMiddleware does the work,
with its defence against BREACH (a random-length padding in each answer, « Heal The
Breach »); docs/decisions/0004-compressed-responses-and-breach.md says why that, with the
per-answer masking of CSRF tokens and SameSite cookies, is enough here. Files that are
compressed already (PDF, XLSX, images) go as they are: compressing them again costs time
and saves nothing."""

from django.middleware.gzip import GZipMiddleware

COMPRESSIBLE = ("text/", "application/json", "application/javascript", "image/svg+xml")


class TextGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        content_type = response.get("Content-Type", "")
        if not content_type.startswith(COMPRESSIBLE):
            return response
        return super().process_response(request, response)
