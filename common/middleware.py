"""A stored file that cannot be read or written, wherever it happens in a request (a
download, an upload, a PDF merged before signing), is a page in French that says so,
with the status a proxy and a browser understand: 404 for a missing file, 503 for a
storage that does not answer. Never a 500."""

import logging

from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from .storage import StorageUnavailable, StoredFileMissing

logger = logging.getLogger(__name__)


class StoredFileErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, StoredFileMissing):
            # A row names a file the storage does not have: the operator must know.
            logger.error("Stored file missing: %s (%s)", exception.name, request.path)
            title, status = "Fichier introuvable", 404
        elif isinstance(exception, StorageUnavailable):
            title, status = "Fichier momentanément indisponible", 503
        else:
            return None
        response = render(
            request,
            "common/file_unavailable.html",
            {"title": title, "error": exception, "back_url": _back_url(request)},
            status=status,
        )
        if status == 503:
            response["Retry-After"] = "60"
        return response


def _back_url(request) -> str:
    """The page the user came from when it is one of ours, else the home page."""
    referer = request.headers.get("referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return "/"
