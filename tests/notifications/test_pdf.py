import io

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
