"""Every PDF of the portal is rendered here, with WeasyPrint, from a template extending
pdf/base.html. WeasyPrint reads only `data:` URIs and the portal's own static files: a
value a user typed (a company name, an address, an HTML-looking string) can never make a
render fetch a URL of the network or a file of the server."""

from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher


def _static_roots() -> list[Path]:
    roots = [Path(directory).resolve() for directory in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


class PortalURLFetcher(URLFetcher):
    """A WeasyPrint fetcher that refuses everything but `data:` URIs and files under the
    static directories (relative URLs in a PDF template resolve from static/)."""

    def fetch(self, url, headers=None):
        scheme = urlparse(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = Path(unquote(urlparse(url).path)).resolve()
            if any(path.is_relative_to(root) for root in _static_roots()):
                return super().fetch(url, headers)
        raise ValueError(f"Resource refused in a PDF: {url[:200]}")


def render_pdf(template_name: str, context: dict) -> bytes:
    """Renders a template extending pdf/base.html to PDF bytes; relative URLs (images,
    stylesheets) resolve from the first static directory."""
    html = render_to_string(template_name, context)
    base_url = Path(settings.STATICFILES_DIRS[0]).resolve().as_uri() + "/"
    return HTML(string=html, base_url=base_url, url_fetcher=PortalURLFetcher()).write_pdf()
