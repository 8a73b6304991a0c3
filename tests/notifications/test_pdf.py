import io

import pytest
from pypdf import PdfReader

from notifications.pdf import render_pdf


def test_it_renders_a_pdf_with_the_text_and_page_numbers(add_templates):
    add_templates(
        {
            "pdf/recu.html": (
                '{% extends "pdf/base.html" %}'
                "{% block header %}Portail – reçu{% endblock %}"
                "{% block content %}<h1>Reçu n° {{ number }} — {{ amount }}</h1>{% endblock %}"
            )
        }
    )

    pdf = render_pdf("pdf/recu.html", {"number": 42, "amount": "1 234,56 €"})

    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata.title == "Portail"
    text = reader.pages[0].extract_text()
    assert "Reçu n° 42 — 1 234,56 €" in text
    assert "Portail – reçu" in text
    assert "Page 1 sur 1" in text


# What WeasyPrint may read: data: URIs and the portal's static files, nothing else.


def test_the_fetcher_reads_data_uris_and_static_files():
    from django.conf import settings

    from notifications.pdf import PortalURLFetcher

    fetcher = PortalURLFetcher()
    stylesheet = (settings.BASE_DIR / "static" / "css" / "portal.css").resolve().as_uri()
    assert b"body" in fetcher.fetch(stylesheet).read()
    assert fetcher.fetch("data:text/plain,bonjour").read() == b"bonjour"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file:///work/main/static/../config/settings/base.py",
        "http://127.0.0.1:9/",
        "https://exemple.invalid/image.png",
        "ftp://127.0.0.1/fichier",
    ],
)
def test_the_fetcher_refuses_everything_else(url):
    from notifications.pdf import PortalURLFetcher

    with pytest.raises(ValueError, match="Resource refused"):
        PortalURLFetcher().fetch(url)


def test_a_pdf_never_requests_a_url_a_user_typed(add_templates):
    """A company name that looks like HTML is escaped; even a template that embeds a URL
    (a bug) never reaches the network: a local server sees no request."""
    import http.server
    import threading

    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/espion.png"
    add_templates(
        {
            "pdf/espion.html": (
                '{% extends "pdf/base.html" %}{% block content %}'
                '<p>{{ name }}</p><img src="' + url + '">'
                '<link rel="stylesheet" href="file:///etc/passwd">'
                "{% endblock %}"
            )
        }
    )
    try:
        pdf = render_pdf("pdf/espion.html", {"name": f'<img src="{url}?nom">'})
    finally:
        server.shutdown()

    assert hits == []
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "<img src=" in text  # the name is printed, not fetched
