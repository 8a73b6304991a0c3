"""Alerts through the outbox exactly once (per item, or a daily digest; a broker down
during the entry delays them, never doubles them); the three-month rule with the clock
moved (warning at 2½ months, greffe notice and its letter at 3, each once); the retention
purge run three times."""

from datetime import date
from io import BytesIO

import pytest
import time_machine
from django.core import mail as outbox
from django.urls import reverse
from kombu.exceptions import OperationalError
from pypdf import PdfReader

from domiciliation.models import GreffeNotice
from mail.models import Mailbox, MailItem, MailScan
from mail.services.alerts import mail_alerts_catch_up, mail_digest_run
from mail.services.items import mail_record_collection, mail_scan_attach
from mail.services.rules import mail_purge_run, mail_three_month_run
from notifications.models import Notification
from tests.domiciliation.factories import at
from tests.mail.factories import png_upload, record

pytestmark = pytest.mark.django_db


def pdf_text(field_file) -> str:
    with field_file.open("rb") as file:
        reader = PdfReader(BytesIO(file.read()))
    text = " ".join(page.extract_text() for page in reader.pages).replace("\u00a0", " ")
    return " ".join(text.split())


def test_each_item_is_alerted_once_by_email_and_sms(
    contract, agent, sms_outbox, django_capture_on_commit_callbacks
):
    outbox.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        items = record(contract, agent, count=2, sender="Impôts")
    assert all(MailItem.objects.get(pk=i.pk).alerted_at for i in items)
    emails = [m for m in outbox.outbox if "Nouveau courrier" in m.subject]
    assert [m.to for m in emails] == [["paul@start.example"]] * 2
    assert emails[0].subject == "Nouveau courrier de Impôts 1 chez Paris Domiciliation"
    assert "Lettre simple de Impôts 1" in emails[0].body
    assert f"/courrier/{items[0].public_id}/" in emails[0].body
    texts = [s["text"] for s in sms_outbox]
    assert len(texts) == 2
    assert "courrier de Impôts 2" in texts[1]
    assert all(s["to"] == "+33612345678" for s in sms_outbox)
    # The catch-up and the digest add nothing.
    assert mail_alerts_catch_up() == 0
    assert mail_digest_run() == 0
    assert len([m for m in outbox.outbox if "courrier" in m.subject.lower()]) == 2


def test_broker_down_during_the_entry_keeps_the_items_and_alerts_once_later(
    contract, agent, monkeypatch, django_capture_on_commit_callbacks
):
    from celery import current_app

    import mail.tasks

    def broker_down(*args, **kwargs):
        raise OperationalError("broker down")

    monkeypatch.setattr(mail.tasks.alert_items, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        items = record(contract, agent, count=3)
    assert MailItem.objects.filter(alerted_at__isnull=True).count() == 3
    monkeypatch.undo()
    assert current_app.tasks["mail.tasks.alert_items"]
    with time_machine.travel(at(date.today(), 23), tick=False):
        assert mail_alerts_catch_up() == 3
        assert mail_alerts_catch_up() == 0
    keys = Notification.objects.filter(idempotency_key__startswith="mail-item:")
    assert keys.count() == 6  # an e-mail and an SMS each
    assert {n.idempotency_key.rpartition(":")[0] for n in keys} == {
        f"mail-item:{i.public_id}" for i in items
    }


def test_the_daily_digest_lists_the_days_items_once(
    contract, agent, django_capture_on_commit_callbacks
):
    Mailbox.objects.update_or_create(contract=contract, defaults={"alerts": "digest"})
    contract.refresh_from_db()
    outbox.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        record(contract, agent, count=2, sender="Banque")
    assert outbox.outbox == []  # nothing per item
    with django_capture_on_commit_callbacks(execute=True):
        assert mail_digest_run() == 1
        assert mail_digest_run() == 0
    (digest,) = outbox.outbox
    assert digest.to == ["paul@start.example"]
    assert "2 plis chez Paris Domiciliation" in digest.subject
    assert "Lettre simple de Banque 1" in digest.body
    assert "Banque 2" in digest.body


def test_the_three_month_rule_warns_then_queues_the_greffe_notice_once(
    client, contract, agent, admin, django_capture_on_commit_callbacks
):
    contract.siren = "732829320"
    contract.save(update_fields=["siren"])
    with time_machine.travel(at(date(2027, 1, 20)), tick=False):
        record(contract, agent)
    # Nothing before 2½ months from the start (11 January).
    with time_machine.travel(at(date(2027, 3, 26)), tick=False):
        assert mail_three_month_run() == {"warned": 0, "notices": 0}
    outbox.outbox.clear()
    with (
        time_machine.travel(at(date(2027, 3, 27)), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        runs = [mail_three_month_run() for _ in range(3)]
    assert runs == [{"warned": 1, "notices": 0}] + [{"warned": 0, "notices": 0}] * 2
    warnings = [m for m in outbox.outbox if m.subject.startswith("Courrier non retiré")]
    assert sorted(m.to[0] for m in warnings) == ["admin@paris.example", "agent@paris.example"]
    assert "n’a pas retiré son courrier depuis le 11 janvier 2027" in warnings[0].body
    assert "d’ici le 11 avril 2027" in warnings[0].body

    with time_machine.travel(at(date(2027, 4, 11)), tick=False):
        runs = [mail_three_month_run() for _ in range(3)]
    assert runs == [{"warned": 0, "notices": 1}] + [{"warned": 0, "notices": 0}] * 2
    notice = GreffeNotice.objects.get(kind=GreffeNotice.Kind.MAIL_UNCOLLECTED)
    assert notice.contract == contract
    assert notice.event_date == date(2027, 1, 11)
    assert notice.is_due
    text = pdf_text(notice.pdf)
    for expected in [
        "Paris Domiciliation",
        "Agrément préfectoral de domiciliation n°",
        contract.provider.approval_number,
        "Nouvelle Start",
        "SIREN : 732829320",
        "Dernier retrait du courrier : 11 janvier 2027",
        "n’a pas retiré son courrier depuis plus de trois mois",
    ]:
        assert expected in text, expected
    assert (
        contract.events.filter(
            note="Courrier non retiré depuis le 11 janvier 2027\u00a0: avis à envoyer au greffe"
        ).count()
        == 1
    )
    # « À signaler au greffe » names the last retrieval, not an event « fait du ».
    client.force_login(admin)
    queue = client.get(reverse("domiciliation_provider:greffe")).content.decode()
    assert "courrier non retiré depuis le 11 janvier 2027" in queue.replace("\u00a0", " ")


def test_a_retrieval_restarts_the_three_months(contract, agent):
    with time_machine.travel(at(date(2027, 1, 20)), tick=False):
        first, second = record(contract, agent, count=2)
    with time_machine.travel(at(date(2027, 3, 1)), tick=False):
        mail_record_collection(item=first, collected_by="P. Martin", identity_document="CNI",
                               actor=agent)  # fmt: skip
    with time_machine.travel(at(date(2027, 4, 15)), tick=False):
        assert mail_three_month_run() == {"warned": 0, "notices": 0}
    with time_machine.travel(at(date(2027, 6, 1)), tick=False):
        assert mail_three_month_run() == {"warned": 0, "notices": 1}
    assert GreffeNotice.objects.get().event_date == date(2027, 3, 1)


def test_scans_are_purged_after_the_retention_period_once(contract, agent, caplog):
    with time_machine.travel(at(date(2027, 1, 20)), tick=False):
        old, recent = record(contract, agent, count=2)
        mail_scan_attach(item=old, side="envelope", upload=png_upload(), actor=agent)
        mail_scan_attach(item=old, side="content", upload=png_upload(), actor=agent)
    MailItem.objects.filter(pk=recent.pk).update(received_on=date(2027, 6, 1))
    with time_machine.travel(at(date(2027, 6, 1)), tick=False):
        mail_scan_attach(item=recent, side="envelope", upload=png_upload(), actor=agent)
    names = list(MailScan.objects.filter(item=old).values_list("file", flat=True))
    storage = MailScan._meta.get_field("file").storage
    assert all(storage.exists(name) for name in names)
    with (
        time_machine.travel(at(date(2028, 1, 21)), tick=False),
        caplog.at_level("INFO", logger="mail.services.rules"),
    ):
        runs = [mail_purge_run() for _ in range(3)]
    assert runs == [2, 0, 0]
    assert "Mail scans purged: 2 removed" in caplog.text
    assert not any(storage.exists(name) for name in names)
    assert list(MailScan.objects.values_list("item", flat=True)) == [recent.pk]
    old.refresh_from_db()
    assert old.scans_purged_at is not None


def test_standing_forwarding_moves_held_mail_on_its_day_once(contract, agent, company):
    from mail.services.items import mailbox_update
    from mail.services.rules import mail_standing_forward_run

    with time_machine.travel(at(date(2027, 2, 2)), tick=False):
        first, second = record(contract, agent, count=2)
    mailbox_update(mailbox=Mailbox.objects.get(contract=contract), alerts="each",
                   standing="weekly", forward_address="3 rue B", actor=company)  # fmt: skip
    with time_machine.travel(at(date(2027, 2, 3)), tick=False):  # a Wednesday
        assert mail_standing_forward_run() == 0
    with time_machine.travel(at(date(2027, 2, 8)), tick=False):  # a Monday
        assert [mail_standing_forward_run() for _ in range(3)] == [2, 0, 0]
    first.refresh_from_db()
    assert first.status == "to_forward"
    assert first.requested_address == "3 rue B"
