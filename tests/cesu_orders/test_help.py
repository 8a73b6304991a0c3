import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Organization
from cesu_orders.models import HelpRequest
from cesu_orders.services.help import help_request_create
from notifications.models import Notification
from tests.accounts.factories import MembershipFactory
from tests.cesu_orders.factories import FunderFactory
from tests.common.factories import image_bytes, pdf_bytes

HELP = reverse("cesu_orders:help")
SENT = "Votre demande a bien été envoyée\u00a0; le service clients vous répondra par e-mail."
MESSAGE = "Bonjour, notre commande de novembre n’est pas arrivée. Pouvez-vous vérifier ?"


def _post(client, attachment=None, **fields):
    data = {"subject": HelpRequest.Subject.ORDER, "message": MESSAGE, **fields}
    if attachment is not None:
        data["attachment"] = attachment
    return client.post(HELP, data)


def _attachment_url(help_request):
    return reverse("cesu_orders:help_attachment", kwargs={"public_id": help_request.public_id})


def _help_request(organization, user, attachment=None, message=MESSAGE):
    return help_request_create(
        organization=organization,
        user=user,
        subject=HelpRequest.Subject.INVOICE,
        message=message,
        attachment=attachment,
    )


def _pdf(name="releve.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def test_it_shows_the_phone_number_and_opening_hours(client, bob):
    client.force_login(bob)
    page = client.get(HELP).content.decode()
    assert "N°&nbsp;Indigo 0&nbsp;820&nbsp;20&nbsp;20&nbsp;01" in page
    assert "0,09&nbsp;€&nbsp;TTC&nbsp;/&nbsp;mn" in page
    assert "de 8&nbsp;h&nbsp;30 à 18&nbsp;h" in page


def test_it_stores_the_request_and_redirects_with_a_message(client, org_a, bob):
    client.force_login(bob)

    response = _post(client)

    assert response.status_code == 302
    assert response.url == HELP
    help_request = HelpRequest.objects.get()
    assert (help_request.organization, help_request.user) == (org_a, bob)
    assert help_request.subject == HelpRequest.Subject.ORDER
    assert help_request.message == MESSAGE
    assert not help_request.attachment
    page = client.get(HELP).content.decode()
    assert SENT in page


def test_it_emails_the_default_customer_service_and_acknowledges_to_the_manager(
    client, org_a, bob, django_capture_on_commit_callbacks
):
    client.force_login(bob)
    with django_capture_on_commit_callbacks(execute=True):
        _post(client)

    help_request = HelpRequest.objects.get()
    to_service, to_manager = mail.outbox
    assert to_service.to == ["service-clients@portail.example"]
    assert to_service.subject == "Besoin d’aide\u00a0: Alpha Conseil – Une commande"
    assert "Financeur\u00a0: Alpha Conseil" in to_service.body
    assert "(bob@example.com), bob@example.com" in to_service.body
    assert "Objet\u00a0: Une commande" in to_service.body
    assert MESSAGE in to_service.body
    admin_url = reverse("admin:cesu_orders_helprequest_change", args=[help_request.pk])
    assert f"http://testserver{admin_url}" in to_service.body
    assert to_manager.to == ["bob@example.com"]
    assert to_manager.subject == "Votre demande d’aide a bien été reçue\u00a0: Une commande"
    assert MESSAGE in to_manager.body
    assert "Objet\u00a0: Une commande" in to_manager.body


def test_it_emails_the_financeur_s_own_customer_service(
    org_a, alice, django_capture_on_commit_callbacks
):
    FunderFactory(organization=org_a, customer_service_email="aide@alpha.example")
    with django_capture_on_commit_callbacks(execute=True):
        _help_request(org_a, alice)
    assert [message.to for message in mail.outbox] == [
        ["aide@alpha.example"],
        ["alice@example.com"],
    ]


def test_it_keys_both_notifications_on_the_request(org_a, alice):
    help_request = _help_request(org_a, alice)
    keys = set(Notification.objects.values_list("idempotency_key", flat=True))
    assert keys == {
        f"help-request:{help_request.public_id}:email",
        f"help-acknowledged:{help_request.public_id}:email",
    }


@pytest.mark.parametrize(
    ("name", "content", "extension"),
    [
        ("releve.pdf", pdf_bytes(), ".pdf"),
        ("capture.png", image_bytes("PNG"), ".png"),
        # The stored extension follows the content, not the name the file was given.
        ("photo.pdf", image_bytes("JPEG"), ".jpg"),
    ],
)
def test_it_stores_a_valid_attachment_under_a_uuid(client, bob, name, content, extension):
    client.force_login(bob)
    _post(client, attachment=SimpleUploadedFile(name, content))
    help_request = HelpRequest.objects.get()
    assert help_request.attachment.name.startswith("help/")
    assert help_request.attachment.name.endswith(extension)
    assert name not in help_request.attachment.name
    assert help_request.attachment.read() == content


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"Ceci est un simple texte.", "Ce fichier n’est pas accepté. Formats acceptés\u00a0: "),
        (b"%PDF-1.4\nfaux", "Ce fichier est illisible ou endommagé."),
        (b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024), "dépasse la taille maximale de 10\u00a0Mo"),
    ],
    ids=["text-renamed-pdf", "fake-pdf", "11-mb"],
)
def test_it_refuses_a_bad_attachment_next_to_the_field(client, bob, content, error):
    client.force_login(bob)

    response = _post(client, attachment=SimpleUploadedFile("document.pdf", content))

    assert response.status_code == 200
    assert error in " ".join(response.context["form"].errors["attachment"])
    assert 'id="id_attachment_error"' in response.content.decode()
    assert not HelpRequest.objects.exists()
    assert not Notification.objects.exists()


def test_it_requires_a_message(client, bob):
    client.force_login(bob)
    response = _post(client, message="   ")
    assert response.context["form"].errors["message"] == ["Saisissez votre message."]
    assert not HelpRequest.objects.exists()


def test_it_refuses_a_message_over_5000_characters(client, bob):
    client.force_login(bob)
    response = _post(client, message="a" * 5001)
    assert "5\u00a0000\u00a0caractères" in response.context["form"].errors["message"][0]
    assert not HelpRequest.objects.exists()


def test_it_lists_the_organization_s_past_requests_newest_first(
    client, org_a, org_b, alice, bob, charlie
):
    _help_request(org_a, alice, message="La première demande d’Alice")
    _help_request(org_a, bob, message="La seconde demande, de Bob", attachment=_pdf())
    _help_request(org_b, charlie, message="Une demande de Charlie")
    client.force_login(alice)

    response = client.get(HELP)

    messages = [r.message for r in response.context["past_requests"]]
    assert messages == ["La seconde demande, de Bob", "La première demande d’Alice"]
    page = response.content.decode()
    assert "Charlie" not in page
    assert "La facturation" in page
    latest = response.context["past_requests"][0]
    assert _attachment_url(latest) in page


def test_it_shows_the_first_words_of_a_long_message(client, org_a, alice):
    _help_request(org_a, alice, message=" ".join(f"mot{n}" for n in range(100)))
    client.force_login(alice)
    page = client.get(HELP).content.decode()
    assert "mot14 …" in page
    assert "mot15" not in page


def test_it_lists_past_requests_in_a_constant_number_of_queries(
    client, org_a, alice, bob, django_assert_num_queries
):
    _help_request(org_a, alice)
    client.force_login(alice)
    with CaptureQueriesContext(connection) as one_request:
        client.get(HELP)
    for _ in range(10):
        _help_request(org_a, bob, attachment=_pdf())
    with django_assert_num_queries(len(one_request)):
        response = client.get(HELP)
    assert len(response.context["past_requests"]) == 11


def test_it_streams_the_attachment_to_a_manager_of_the_organization(client, org_a, alice, bob):
    help_request = _help_request(org_a, alice, attachment=_pdf())
    client.force_login(bob)

    response = client.get(_attachment_url(help_request))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="piece-jointe-')
    assert response["X-Content-Type-Options"] == "nosniff"


def test_it_hides_another_financeur_s_attachment(client, org_a, alice, charlie):
    help_request = _help_request(org_a, alice, attachment=_pdf())
    client.force_login(charlie)
    assert client.get(_attachment_url(help_request)).status_code == 404


def test_it_answers_404_for_a_request_without_attachment(client, org_a, alice):
    help_request = _help_request(org_a, alice)
    client.force_login(alice)
    assert client.get(_attachment_url(help_request)).status_code == 404


def test_it_sends_an_anonymous_visitor_to_the_login(client, db):
    response = client.get(HELP)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_it_refuses_a_domiciliataire_member(client, db):
    member = MembershipFactory(organization__kind=Organization.Kind.PROVIDER).user
    client.force_login(member)
    assert client.get(HELP).status_code == 403
