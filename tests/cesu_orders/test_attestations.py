"""Annual attestations: which CESU they count (made orders, by their delivery year,
cancelled ones and credit notes out), the generation in batches with its ZIP, sending
each once, the addresses that fail, the January reminder, and who may do what."""

import io
import re
import zipfile
from datetime import date
from decimal import Decimal
from smtplib import SMTPRecipientsRefused

import pytest
import time_machine
from anymail.backends.test import EmailBackend as AnymailTestBackend
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from cesu_orders.models import Attestation, Job, OrderStatus, VoucherFormat
from cesu_orders.selectors.yearly import attestation_state, figures_by_beneficiary
from cesu_orders.services import attestations
from cesu_orders.services.attestations import (
    AttestationRefused,
    attestation_reminders,
    attestations_generate,
    attestations_send,
)
from cesu_orders.services.jobs import JobRefused
from cesu_orders.services.orders import order_cancel
from notifications.models import Notification
from tests.accounts.factories import UserFactory
from tests.cesu_orders.factories import (
    BeneficiaryFactory,
    funder_ready,
    line,
    made,
    order_on,
    terms_since,
)

pytestmark = pytest.mark.django_db

JANUARY_2026 = "2026-01-05 09:00 +01:00"
D = Decimal


class RefusingBackend(AnymailTestBackend):
    """The ESP refuses addresses of refuse.example, as a mailbox that does not exist."""

    def send_messages(self, email_messages):
        for message in email_messages:
            if any(address.endswith("@refuse.example") for address in message.to):
                raise SMTPRecipientsRefused({message.to[0]: (550, b"No such user")})
        return super().send_messages(email_messages)


@pytest.fixture
def people(org_a):
    return {
        "emilie": BeneficiaryFactory(
            organization=org_a, last_name="Martin", first_name="Émilie", email="emilie@ex.fr"
        ),
        "lucas": BeneficiaryFactory(
            organization=org_a,
            last_name="Bernard",
            first_name="Lucas",
            email="lucas@ex.fr",
            usual_format=VoucherFormat.ELECTRONIC,
            usual_face_value=D("20.00"),
            usual_employer_share=D("33.33"),
        ),
        "nina": BeneficiaryFactory(
            organization=org_a, last_name="Chevalier", first_name="Nina", email=""
        ),
    }


@pytest.fixture
def year_2025(org_a, alice, people):
    """Orders around 2025: delivered in 2025 (one of the 2026 millésime, delivered in
    December), delivered in January 2026, cancelled, and not made yet."""
    address = funder_ready(org_a)
    terms_since(2025)
    staff = UserFactory(is_staff=True)
    emilie, lucas, nina = people["emilie"], people["lucas"], people["nina"]
    march = order_on(
        date(2025, 3, 3), org_a, alice, [line(emilie, booklets=2), line(lucas)], address
    )
    made(march, staff)
    june = order_on(date(2025, 6, 2), org_a, alice, [line(nina)], address)
    made(june, staff, delivered=False)  # « fabriquée » only: it counts already.
    december = order_on(date(2025, 12, 1), org_a, alice, [line(emilie)], address, vintage_year=2026)
    made(december, staff)
    january = order_on(
        date(2025, 12, 22), org_a, alice, [line(emilie)], address, delivery=date(2026, 1, 5)
    )
    made(january, staff)
    cancelled = order_on(date(2025, 11, 3), org_a, alice, [line(emilie, booklets=3)], address)
    order_cancel(order=cancelled, actor=staff, reason="Erreur de saisie")
    pending = order_on(date(2025, 12, 8), org_a, alice, [line(lucas)], address)
    mail.outbox.clear()
    return {
        "march": march,
        "june": june,
        "december": december,
        "january": january,
        "cancelled": cancelled,
        "pending": pending,
    }


@pytest.fixture
def in_january():
    with time_machine.travel(JANUARY_2026, tick=False):
        yield


def _pdf_text(data: bytes) -> str:
    """The PDF's text on one line: line breaks and runs of spaces become one space
    (no-break spaces are kept, to check the typography)."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"[ \n]+", " ", text)


def _generate(org, user, capture):
    with capture(execute=True):
        return attestations_generate(organization=org, user=user, year=2025)


# The figures


def test_the_figures_count_made_orders_by_their_delivery_year(org_a, people, year_2025):
    assert year_2025["december"].vintage_year == 2026
    assert year_2025["cancelled"].invoices.filter(kind="credit_note").exists()
    assert year_2025["pending"].status == OrderStatus.RECEIVED

    figures = figures_by_beneficiary(organization=org_a, year=2025)

    emilie, lucas, nina = people["emilie"], people["lucas"], people["nina"]
    # Émilie: 20 titles of 15 € in March, 10 of the 2026 millésime delivered in December;
    # not the cancelled order, not the January delivery.
    assert figures[emilie.pk].as_tuple == (30, D("450.00"), D("225.00"))
    # Lucas: 10 e-CESU of 20 € at 33,33 % (6,67 € a title); his December order is not made.
    assert figures[lucas.pk].as_tuple == (10, D("200.00"), D("66.70"))
    assert figures[nina.pk].as_tuple == (10, D("150.00"), D("75.00"))
    assert figures_by_beneficiary(organization=org_a, year=2026)[emilie.pk].as_tuple == (
        10,
        D("150.00"),
        D("75.00"),
    )


# Generation


def test_a_year_not_ended_is_refused_and_nothing_is_created(
    client, org_a, alice, year_2025, django_capture_on_commit_callbacks
):
    with time_machine.travel("2025-12-31 23:00 +01:00", tick=False):
        with pytest.raises(AttestationRefused, match="L’année 2025 n’est pas terminée"):
            attestations_generate(organization=org_a, user=alice, year=2025)
        client.force_login(alice)
        response = client.post(reverse("cesu_orders:attestations_generate"), {"annee": "2025"})
        page = client.get(response.url).content.decode()
    assert "ses attestations pourront être établies à partir du 1er janvier 2026" in page
    assert not Job.objects.exists()
    assert not Attestation.objects.exists()


def test_generating_renders_one_pdf_per_beneficiary_and_a_zip(
    org_a, alice, people, year_2025, in_january, django_capture_on_commit_callbacks
):
    job = _generate(org_a, alice, django_capture_on_commit_callbacks)

    job.refresh_from_db()
    assert job.succeeded
    assert (job.done, job.total) == (3, 3)
    attestations = {a.beneficiary_id: a for a in Attestation.objects.all()}
    emilie = attestations[people["emilie"].pk]
    assert (emilie.vouchers, emilie.face_total, emilie.employer_share) == (
        30,
        D("450.00"),
        D("225.00"),
    )
    assert emilie.ceiling == D("2540.00")
    with emilie.pdf.open("rb") as pdf:
        text = _pdf_text(pdf.read())
    assert "Attestation annuelle de CESU préfinancés – année 2025" in text
    assert "Madame Émilie Martin" in text
    assert "Nombre de titres reçus 30" in text
    assert "450,00\u00a0€" in text
    assert "225,00\u00a0€" in text
    assert "2\u202f540,00\u00a0€" in text  # the 2025 ceiling
    assert "D.\u00a07233-8" in text
    with job.file.open("rb") as archive:
        names = sorted(zipfile.ZipFile(io.BytesIO(archive.read())).namelist())
    assert len(names) == 3
    assert names[0].startswith("2025-bernard-lucas-")


def test_an_order_made_later_issues_a_new_attestation_and_keeps_the_old_one(
    org_a, alice, people, year_2025, in_january, django_capture_on_commit_callbacks
):
    _generate(org_a, alice, django_capture_on_commit_callbacks)
    assert attestation_state(organization=org_a, year=2025).is_up_to_date
    with pytest.raises(AttestationRefused, match="déjà à jour"):
        _generate(org_a, alice, django_capture_on_commit_callbacks)

    made(year_2025["pending"], UserFactory(is_staff=True), on=date(2025, 12, 15))
    job = _generate(org_a, alice, django_capture_on_commit_callbacks)

    assert job.total == 1
    lucas = Attestation.objects.filter(beneficiary=people["lucas"])
    assert lucas.count() == 2
    current = lucas.get(superseded_at__isnull=True)
    assert (current.vouchers, current.employer_share) == (20, D("133.40"))
    assert lucas.exclude(pk=current.pk).get().employer_share == D("66.70")


def test_parts_render_once_and_the_last_one_queues_the_zip(
    org_a, alice, year_2025, in_january, monkeypatch, django_capture_on_commit_callbacks
):
    """Three parts of one bénéficiaire each, as several workers would take them, one
    of them delivered twice."""
    monkeypatch.setattr(attestations, "BATCH", 1)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        job = attestations_generate(organization=org_a, user=alice, year=2025)
    assert (job.total, job.parts, len(queued)) == (3, 3, 3)
    state = attestation_state(organization=org_a, year=2025)
    parts = [(part, [pk]) for part, pk in enumerate(state.to_generate)]

    for part, ids in [parts[0], parts[0], parts[2]]:
        with django_capture_on_commit_callbacks(execute=False) as queued:
            attestations.attestations_generate_batch(job_id=job.pk, part=part, beneficiary_ids=ids)
        assert queued == []  # the ZIP waits for the last part
    job.refresh_from_db()
    assert (job.done, sorted(job.parts_done)) == (2, [0, 2])
    assert Attestation.objects.count() == 2  # the part delivered twice rendered once

    with django_capture_on_commit_callbacks(execute=True) as queued:
        attestations.attestations_generate_batch(
            job_id=job.pk, part=parts[1][0], beneficiary_ids=parts[1][1]
        )
    assert len(queued) == 1
    job.refresh_from_db()
    assert job.succeeded
    assert job.done == 3
    assert job.file


def test_a_second_generation_while_one_runs_is_refused(
    org_a, alice, bob, year_2025, in_january, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):  # the worker has not run yet
        first = attestations_generate(organization=org_a, user=alice, year=2025)

    with pytest.raises(JobRefused, match="déjà en cours .*lancé par Camille Durand"):
        attestations_generate(organization=org_a, user=bob, year=2025)
    with pytest.raises(JobRefused, match="déjà en cours"):
        attestations_send(organization=org_a, user=alice, year=2025)
    assert list(Job.objects.all()) == [first]
    assert not Attestation.objects.exists()


def test_a_stalled_generation_no_longer_blocks_a_new_one(
    org_a, alice, year_2025, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(JANUARY_2026, tick=False),
        django_capture_on_commit_callbacks(execute=False),
    ):
        stalled = attestations_generate(organization=org_a, user=alice, year=2025)
    with time_machine.travel("2026-01-05 09:20 +01:00", tick=False):
        job = _generate(org_a, alice, django_capture_on_commit_callbacks)
    stalled.refresh_from_db()
    assert stalled.error
    assert not stalled.is_running
    assert job.pk != stalled.pk


# Sending


def test_sending_emails_each_beneficiary_with_an_address_once(
    org_a, alice, people, year_2025, in_january, django_capture_on_commit_callbacks
):
    _generate(org_a, alice, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        job = attestations_send(organization=org_a, user=alice, year=2025)

    job.refresh_from_db()
    assert job.succeeded
    assert job.done == 2
    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == ["emilie@ex.fr", "lucas@ex.fr"]  # Nina has no address.
    message = by_address["emilie@ex.fr"]
    assert message.subject == "Votre attestation annuelle CESU 2025 – Alpha Conseil"
    assert "nombre de titres\u00a0: 30" in message.body
    (name, content, mimetype) = message.attachments[0]
    assert (name, mimetype) == ("attestation-cesu-2025.pdf", "application/pdf")
    assert "Émilie Martin" in _pdf_text(content)

    with (
        pytest.raises(AttestationRefused, match="aucune n’a été envoyée une seconde fois"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        attestations_send(organization=org_a, user=alice, year=2025)
    assert len(mail.outbox) == 2
    assert Notification.objects.filter(event="cesu_attestation").count() == 2


def test_sending_is_refused_before_generation_or_when_out_of_date(
    org_a, alice, year_2025, in_january, django_capture_on_commit_callbacks
):
    with pytest.raises(AttestationRefused, match="Générez d’abord"):
        attestations_send(organization=org_a, user=alice, year=2025)
    _generate(org_a, alice, django_capture_on_commit_callbacks)
    made(year_2025["pending"], UserFactory(is_staff=True), on=date(2025, 12, 15))
    mail.outbox.clear()
    with pytest.raises(AttestationRefused, match="ne sont plus à jour"):
        attestations_send(organization=org_a, user=alice, year=2025)
    assert not mail.outbox


def test_addresses_that_fail_are_listed_on_the_page(
    client, settings, org_a, alice, people, year_2025, in_january,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    people["lucas"].email = "lucas@refuse.example"
    people["lucas"].save()
    _generate(org_a, alice, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        attestations_send(organization=org_a, user=alice, year=2025)

    assert [m.to for m in mail.outbox] == [["emilie@ex.fr"]]
    failed = Notification.objects.get(recipient="lucas@refuse.example")
    assert failed.status == Notification.Status.FAILED
    client.force_login(alice)
    page = client.get(reverse("cesu_orders:attestations"), {"annee": "2025"}).content.decode()
    assert "Attestations non distribuées" in page
    assert "Bernard Lucas&nbsp;: lucas@refuse.example" in page
    assert "Échec" in page


# Who may do what, and the page


def test_a_secondary_manager_may_generate_and_download_but_not_send(
    client, org_a, alice, bob, people, year_2025, in_january,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    client.force_login(bob)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cesu_orders:attestations_generate"), {"annee": "2025"})
    assert response.status_code == 302
    attestation = Attestation.objects.get(beneficiary=people["emilie"])
    download = client.get(reverse("cesu_orders:attestation_download", args=[attestation.public_id]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"

    response = client.post(reverse("cesu_orders:attestations_send"), {"annee": "2025"})
    assert response.status_code == 403
    assert not Job.objects.filter(kind=Job.Kind.ATTESTATIONS_SENDING).exists()
    page = client.get(reverse("cesu_orders:attestations"), {"annee": "2025"}).content.decode()
    assert "Envoyer aux bénéficiaires" not in page
    assert "réservé au gestionnaire principal" in page


def test_the_page_shows_the_figures_the_pending_orders_and_the_help_text(
    client, alice, year_2025, in_january
):
    client.force_login(alice)
    page = client.get(reverse("cesu_orders:attestations")).content.decode()
    assert "<h1>Attestations annuelles 2025</h1>" in page
    assert "Quels CESU l’attestation compte-t-elle" in page
    assert "fabriquées, expédiées ou livrées" in page
    assert "Commandes à livrer en 2025 pas encore fabriquées&nbsp;: 1." in page
    assert "Martin Émilie" in page
    assert "450,00\u00a0€" in page


def test_the_page_costs_the_same_queries_whatever_the_number_of_beneficiaries(
    client, org_a, alice, django_assert_max_num_queries
):
    address = funder_ready(org_a)
    terms_since(2025)
    staff = UserFactory(is_staff=True)
    client.force_login(alice)
    counts = []
    for size in (2, 30):
        people = [BeneficiaryFactory(organization=org_a) for _ in range(size)]
        made(order_on(date(2025, 3, 3), org_a, alice, [line(p) for p in people], address), staff)
        with (
            time_machine.travel(JANUARY_2026, tick=False),
            django_assert_max_num_queries(30) as queries,
        ):
            assert client.get(reverse("cesu_orders:attestations")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_year_not_ended_on_the_page_shows_the_year_just_ended(client, alice, in_january):
    client.force_login(alice)
    page = client.get(reverse("cesu_orders:attestations"), {"annee": "2026"}).content.decode()
    assert "L’année 2026 n’est pas terminée" in page
    assert "<h1>Attestations annuelles 2025</h1>" in page


# The January reminder


def test_the_primary_manager_is_reminded_once_in_january(
    org_a, alice, bob, year_2025, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert attestation_reminders(today=date(2025, 12, 31)) == 0
        assert attestation_reminders(today=date(2026, 1, 2)) == 1
        attestation_reminders(today=date(2026, 1, 3))
    (message,) = mail.outbox
    assert message.to == [alice.email]
    assert message.subject == "Attestations annuelles CESU 2025 à remettre à vos bénéficiaires"
    assert "/cesu/attestations/?annee=2025" in message.body


def test_no_reminder_once_every_attestation_is_sent(
    org_a, alice, year_2025, in_january, django_capture_on_commit_callbacks
):
    _generate(org_a, alice, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        attestations_send(organization=org_a, user=alice, year=2025)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        attestation_reminders(today=date(2026, 1, 6))
    assert not mail.outbox


def test_the_reminder_runs_every_morning_of_january_from_beat(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["cesu-attestation-reminders"]
    assert schedule["task"] == "cesu_orders.tasks.remind_attestations"
    crontab = schedule["schedule"]
    assert crontab.month_of_year == {1}
    assert crontab.hour == {8}
    assert settings.CELERY_TIMEZONE == "Europe/Paris"
