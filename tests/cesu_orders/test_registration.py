import datetime
import re
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, User
from cesu_orders.models import RegistrationRequest
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.cesu_orders.factories import FunderFactory, InvoiceFactory

URL = "/cesu/inscription/"
NOT_VERIFIED = "Nous n’avons pas pu vérifier votre inscription avec ces informations."
TOO_MANY = "Trop de demandes d’inscription. Veuillez réessayer plus tard."
NEW_PASSWORD = "Nouveau-mot-de-passe-2026"
Reason = RegistrationRequest.Reason
Status = RegistrationRequest.Status


@pytest.fixture
def funder(db):
    """A financeur with four invoices: F-OLD is the fourth most recent; F-B is for
    1 234,56 € TTC. Its contact address on file is Claire Martin's."""
    funder = FunderFactory(
        client_reference="C300001",
        legal_name="Alpha Conseil",
        contact_email="Claire.Martin@example.com",
    )
    for number, day in [("F-OLD", 1), ("F-A", 2), ("F-B", 3), ("F-LATEST", 4)]:
        InvoiceFactory(
            organization=funder.organization,
            number=number,
            issue_date=datetime.date(2026, 3, day),
            amount_incl_tax=Decimal("1234.56") if number == "F-B" else Decimal("1200.00"),
        )
    return funder


def form_data(**overrides):
    return {
        "client_reference": " c300001 ",
        "invoice_number": " F-B ",
        "invoice_amount": "1\u202f234,56 €",
        "last_name": "Martin",
        "first_name": "Claire",
        "email": "claire.martin@example.com",
        "phone": "06 12 34 56 78",
        "accept_terms": "on",
        **overrides,
    }


def submit(client, django_capture_on_commit_callbacks, **overrides):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(URL, form_data(**overrides), REMOTE_ADDR="203.0.113.7")


def temporary_password(message) -> str:
    return re.search(r"Mot de passe temporaire\s*:\s*(\S+)", message.body).group(1)


def test_it_shows_the_form_to_an_anonymous_visitor(client, db):
    response = client.get(URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>S’inscrire en ligne</h1>" in page
    for label in [
        "Référence client",
        "Numéro de l’une de vos trois dernières factures",
        "Adresse e-mail",
        "Téléphone",
        "J’accepte les conditions d’utilisation du service",
    ]:
        assert label in page
    assert "Munissez-vous de l’une de vos trois dernières factures" in page


def test_it_creates_the_primary_manager_when_everything_matches(
    client, funder, django_capture_on_commit_callbacks
):
    response = submit(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response.url == reverse("cesu_orders:registration_done")
    user = User.objects.get(username="C300001")
    assert (user.email, user.first_name, user.last_name) == (
        "claire.martin@example.com",
        "Claire",
        "Martin",
    )
    assert user.phone == "+33612345678"
    assert user.must_change_password is True
    expected_expiry = timezone.now() + timedelta(hours=72)
    assert abs(user.temporary_password_expires_at - expected_expiry) < timedelta(minutes=1)
    membership = Membership.objects.get(user=user)
    assert (membership.organization, membership.role) == (funder.organization, "primary")
    assert EmailAddress.objects.filter(user=user, email=user.email, verified=True).exists()
    registration = RegistrationRequest.objects.get()
    assert (registration.status, registration.reason) == (Status.APPROVED, Reason.MATCHED)
    assert (registration.funder, registration.user) == (funder, user)
    assert registration.client_reference == "C300001"
    assert registration.invoice_number == "F-B"
    assert registration.ip_address == "203.0.113.7"

    [message] = mail.outbox
    assert message.to == ["claire.martin@example.com"]
    assert "Identifiant\u00a0: C300001" in message.body
    assert "http://testserver/compte/connexion/" in message.body
    expiry = timezone.localtime(user.temporary_password_expires_at)
    assert f"à {expiry:%H}\u00a0h\u00a0{expiry:%M}" in message.body
    password = temporary_password(message)
    assert len(password) >= 14
    assert client.login(username="C300001", password=password)


def test_the_confirmation_page_says_an_email_was_sent(client, db):
    page = client.get(reverse("cesu_orders:registration_done")).content.decode()
    assert "mot de passe temporaire vient de vous être envoyé" in page


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"client_reference": "C999999"}, Reason.UNKNOWN_REFERENCE),
        ({"invoice_number": "F-OTHER"}, Reason.INVOICE_MISMATCH),
        ({"invoice_number": "F-OLD"}, Reason.INVOICE_MISMATCH),
        ({"invoice_amount": "1200"}, Reason.AMOUNT_MISMATCH),
    ],
    ids=[
        "unknown-reference",
        "invoice-of-another-funder",
        "fourth-most-recent-invoice",
        "amount-of-another-invoice",
    ],
)
def test_it_gives_one_generic_message_when_nothing_matches(
    client, funder, django_capture_on_commit_callbacks, overrides, reason
):
    InvoiceFactory(number="F-OTHER")  # Belongs to another financeur.

    response = submit(client, django_capture_on_commit_callbacks, **overrides)

    assert response.status_code == 200
    page = response.content.decode()
    assert NOT_VERIFIED in page
    assert "contactez le service clients\u00a0: votre demande lui a été transmise." in page
    assert not User.objects.exists()
    assert not mail.outbox
    registration = RegistrationRequest.objects.get()
    assert (registration.status, registration.reason) == (Status.PENDING, reason)
    assert registration.user is None


def test_a_second_submission_for_a_registered_funder_creates_nothing(
    client, funder, django_capture_on_commit_callbacks
):
    submit(client, django_capture_on_commit_callbacks)
    response = submit(client, django_capture_on_commit_callbacks, email="autre@example.com")

    assert NOT_VERIFIED in response.content.decode()
    assert User.objects.count() == 1
    assert len(mail.outbox) == 1
    second = RegistrationRequest.objects.order_by("-pk").first()
    assert (second.status, second.reason) == (Status.PENDING, Reason.ALREADY_REGISTERED)


def test_an_email_used_by_another_account_waits_for_staff(
    client, funder, django_capture_on_commit_callbacks
):
    UserFactory(username="claire.martin@example.com")

    response = submit(client, django_capture_on_commit_callbacks)

    assert NOT_VERIFIED in response.content.decode()
    assert not User.objects.filter(username="C300001").exists()
    registration = RegistrationRequest.objects.get()
    assert (registration.status, registration.reason) == (
        Status.PENDING,
        Reason.ALREADY_REGISTERED,
    )


@pytest.mark.parametrize(
    ("overrides", "field", "error"),
    [
        ({"phone": "12"}, "phone", "Saisissez un numéro de téléphone valide"),
        ({"email": "pas-une-adresse"}, "email", "Saisissez une adresse e-mail valide, par exemple"),
        (
            {"accept_terms": ""},
            "accept_terms",
            "Vous devez accepter les conditions d’utilisation pour vous inscrire.",
        ),
    ],
)
def test_it_shows_field_errors_and_stores_nothing(
    client, funder, django_capture_on_commit_callbacks, overrides, field, error
):
    response = submit(client, django_capture_on_commit_callbacks, **overrides)

    page = response.content.decode()
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in page
    assert error in page
    assert not RegistrationRequest.objects.exists()
    assert not User.objects.exists()


def test_it_limits_the_requests_per_ip(client, funder, django_capture_on_commit_callbacks):
    for n in range(10):
        submit(client, django_capture_on_commit_callbacks, client_reference=f"X{n}")

    response = submit(client, django_capture_on_commit_callbacks, client_reference="X10")

    assert TOO_MANY in response.content.decode()
    assert RegistrationRequest.objects.count() == 10


def test_it_limits_the_requests_per_reference(client, funder, django_capture_on_commit_callbacks):
    for n in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(URL, form_data(invoice_number="F-X"), REMOTE_ADDR=f"198.51.100.{n}")

    response = client.post(URL, form_data(), REMOTE_ADDR="198.51.100.99")

    assert TOO_MANY in response.content.decode()
    assert RegistrationRequest.objects.count() == 5
    assert not User.objects.exists()


@pytest.fixture
def staff(db):
    return UserFactory(username="staff@example.com", is_staff=True, is_superuser=True)


def admin_action(client, staff, action, registration, django_capture_on_commit_callbacks):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            reverse("admin:cesu_orders_registrationrequest_changelist"),
            {"action": action, "_selected_action": [registration.pk]},
            follow=True,
        )


def test_staff_approve_a_pending_request_and_the_manager_gets_the_email(
    client, funder, staff, django_capture_on_commit_callbacks
):
    submit(client, django_capture_on_commit_callbacks, invoice_number="F-OLD")
    registration = RegistrationRequest.objects.get()

    response = admin_action(
        client, staff, "approve", registration, django_capture_on_commit_callbacks
    )

    assert "Demande de C300001 acceptée." in response.content.decode()
    registration.refresh_from_db()
    assert (registration.status, registration.reason) == (
        Status.APPROVED,
        Reason.APPROVED_BY_STAFF,
    )
    assert registration.reviewed_by == staff
    user = User.objects.get(username="C300001")
    assert registration.user == user
    assert Membership.objects.filter(
        user=user, organization=funder.organization, role="primary"
    ).exists()
    [message] = mail.outbox
    assert message.to == ["claire.martin@example.com"]
    client.logout()
    assert client.login(username="C300001", password=temporary_password(message))


def test_staff_cannot_approve_a_request_for_an_unknown_reference(
    client, funder, staff, django_capture_on_commit_callbacks
):
    submit(client, django_capture_on_commit_callbacks, client_reference="C999999")
    registration = RegistrationRequest.objects.get()

    response = admin_action(
        client, staff, "approve", registration, django_capture_on_commit_callbacks
    )

    assert "Aucun financeur n’a la référence client C999999." in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == Status.PENDING
    assert not mail.outbox


def test_staff_cannot_approve_when_a_primary_manager_is_active(
    client, funder, staff, django_capture_on_commit_callbacks
):
    MembershipFactory(organization=funder.organization, role="primary")
    submit(client, django_capture_on_commit_callbacks)
    registration = RegistrationRequest.objects.get()

    response = admin_action(
        client, staff, "approve", registration, django_capture_on_commit_callbacks
    )

    assert "a déjà un gestionnaire principal actif" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == Status.PENDING


def test_staff_reject_a_request_and_the_applicant_is_told_to_call(
    client, funder, staff, django_capture_on_commit_callbacks
):
    submit(client, django_capture_on_commit_callbacks, invoice_number="F-OLD")
    registration = RegistrationRequest.objects.get()

    response = admin_action(
        client, staff, "reject", registration, django_capture_on_commit_callbacks
    )

    assert "Demande de C300001 refusée." in response.content.decode()
    registration.refresh_from_db()
    assert (registration.status, registration.reason) == (
        Status.REJECTED,
        Reason.REJECTED_BY_STAFF,
    )
    assert not User.objects.filter(username="C300001").exists()
    [message] = mail.outbox
    assert message.to == ["claire.martin@example.com"]
    assert "n’a pas pu vérifier votre demande" in message.body
    assert "0\u00a0820\u00a020\u00a020\u00a001" in message.body


def test_an_expired_temporary_password_is_refused_and_a_reset_renews_access(
    client, funder, django_capture_on_commit_callbacks
):
    submit(client, django_capture_on_commit_callbacks)
    password = temporary_password(mail.outbox[0])
    user = User.objects.get(username="C300001")

    with time_machine.travel(timezone.now() + timedelta(hours=73)):
        assert not client.login(username="C300001", password=password)
        url = reverse(
            "account_reset_password_from_key",
            kwargs={
                "uidb36": user_pk_to_url_str(user),
                "key": default_token_generator.make_token(user),
            },
        )
        form_page = client.get(url, follow=True)
        response = client.post(
            form_page.redirect_chain[-1][0],
            {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
        assert response.status_code == 302
        user.refresh_from_db()
        assert user.must_change_password is False
        assert user.temporary_password_expires_at is None
        assert client.login(username="C300001", password=NEW_PASSWORD)


def test_a_guessed_invoice_with_an_outside_address_gives_no_account(
    client, funder, django_capture_on_commit_callbacks
):
    """Once, C100002 + a sequential invoice number gave an account whose password went
    to whatever address the form was given."""
    response = submit(client, django_capture_on_commit_callbacks, email="pirate@dehors.example")

    assert response.status_code == 302
    assert response.url == reverse("cesu_orders:registration_received")
    assert not User.objects.exists()
    assert not mail.outbox
    registration = RegistrationRequest.objects.get()
    assert (registration.status, registration.reason) == (Status.PENDING, Reason.EMAIL_NOT_ON_FILE)
    assert registration.invoice_amount == Decimal("1234.56")
    page = client.get(response.url).content.decode()
    assert "sous 12&nbsp;heures maximum (jours ouvrés)" in page


def test_a_funder_without_a_contact_address_on_file_waits_for_staff(
    client, funder, django_capture_on_commit_callbacks
):
    funder.contact_email = ""
    funder.save()

    response = submit(client, django_capture_on_commit_callbacks)

    assert response.url == reverse("cesu_orders:registration_received")
    assert not User.objects.exists()


def test_a_later_accepted_registration_supersedes_the_wrong_ones(
    client, funder, staff, django_capture_on_commit_callbacks
):
    submit(client, django_capture_on_commit_callbacks, invoice_number="F-OLD")
    submit(client, django_capture_on_commit_callbacks, invoice_amount="12,00")
    submit(client, django_capture_on_commit_callbacks)

    statuses = list(
        RegistrationRequest.objects.order_by("created_at", "pk").values_list("status", "reason")
    )
    assert statuses == [
        (Status.SUPERSEDED, Reason.SUPERSEDED),
        (Status.SUPERSEDED, Reason.SUPERSEDED),
        (Status.APPROVED, Reason.MATCHED),
    ]
    client.force_login(staff)
    listing = client.get(
        reverse("admin:cesu_orders_registrationrequest_changelist") + "?status__exact=superseded"
    ).content.decode()
    assert listing.count('<td class="field-reason">Remplacée par une inscription acceptée') == 2
    first = RegistrationRequest.objects.order_by("created_at", "pk").first()
    refused = admin_action(client, staff, "approve", first, django_capture_on_commit_callbacks)
    assert "est déjà « remplacée »" in refused.content.decode()


def test_an_e_mail_longer_than_the_column_is_a_field_error():
    from cesu_orders.forms.registration import RegistrationForm

    form = RegistrationForm(data={"email": f"{'a' * 64}@{'b' * 63}.{'c' * 63}.{'d' * 63}.fr"})
    assert not form.is_valid()
    assert "email" in form.errors
