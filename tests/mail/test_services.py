"""Mail items through the services: the batch entry (running contract, ended contract
returned to sender, unknown company refused unless returned), one state machine per item
with its event rows, scans checked from their content, the retrieval date, preferences."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from domiciliation.models import ContractStatus
from mail.models import Mailbox, MailItem, MailKind, MailScan, MailStatus
from mail.services.items import (
    Entry,
    MailRefused,
    mail_record_batch,
    mail_record_collection,
    mail_record_destruction,
    mail_record_forwarding,
    mail_request_collect,
    mail_request_destroy,
    mail_request_forward,
    mail_request_scan,
    mail_scan_attach,
    mail_scan_opened,
    mailbox_update,
)
from tests.domiciliation.factories import at
from tests.mail.factories import fake_upload, pdf_upload, png_upload, record

pytestmark = pytest.mark.django_db

DAY = date(2027, 2, 1)


def test_it_records_a_batch_by_number_name_and_returns_unknown_mail(contract, agent):
    with time_machine.travel(at(DAY), tick=False):
        items = mail_record_batch(
            provider=contract.provider,
            entries=[
                Entry(contract.number, MailKind.LETTER, "URSSAF", DAY, pages=2),
                Entry("nouvelle start", MailKind.REGISTERED, "Impôts", DAY),
                Entry("Inconnue SARL", MailKind.PARCEL, "La Poste", DAY, return_to_sender=True),
            ],
            actor=agent,
        )
    assert [item.status for item in items] == [
        MailStatus.HELD,
        MailStatus.HELD,
        MailStatus.RETURNED,
    ]
    assert items[0].contract == contract
    assert items[0].pages == 2
    assert items[2].contract is None
    assert items[2].addressee == "Inconnue SARL"
    assert Mailbox.objects.filter(contract=contract).count() == 1
    first = MailItem.objects.get(pk=items[0].pk)
    assert [(e.to_status, e.note, e.actor) for e in first.events.all()] == [
        (MailStatus.HELD, "Courrier reçu", agent)
    ]


def test_it_refuses_the_whole_batch_for_a_company_without_running_contract(contract, agent):
    with pytest.raises(MailRefused) as refused:
        mail_record_batch(
            provider=contract.provider,
            entries=[
                Entry(contract.number, MailKind.LETTER, "URSSAF", date.today()),
                Entry("Inconnue SARL", MailKind.LETTER, "La Poste", date.today()),
            ],
            actor=agent,
        )
    assert refused.value.messages == [
        "Ligne 2\u00a0: aucun contrat de domiciliation en cours pour «\u00a0Inconnue SARL\u00a0». "
        "Vérifiez le nom, le SIREN ou le numéro de contrat, ou cochez «\u00a0Retour à "
        "l’expéditeur\u00a0»."
    ]
    assert not MailItem.objects.exists()


def test_another_providers_contract_is_unknown(contract, lyon, agent):
    with pytest.raises(MailRefused):
        mail_record_batch(
            provider=lyon,
            entries=[Entry(contract.number, MailKind.LETTER, "URSSAF", date.today())],
            actor=agent,
        )


def test_mail_after_the_contract_ended_goes_back_to_its_sender(contract, agent):
    type(contract).objects.filter(pk=contract.pk).update(status=ContractStatus.ENDED)
    (item,) = record(contract, agent)
    assert item.status == MailStatus.RETURNED
    assert item.events.get().note == "Contrat terminé\u00a0: retour à l’expéditeur"


def test_forwarded_twice_collected_then_forwarded_destroyed_then_forwarded_are_refused(
    contract, agent, company
):
    first, second, third = record(contract, agent, count=3)
    mail_request_forward(item=first, actor=company, address="3 rue B\n75002 Paris")
    mail_record_forwarding(item=first, forwarded_on=date.today(), address="", actor=agent,
                           tracking_number="1A234")  # fmt: skip
    with pytest.raises(MailRefused, match="«\u00a0réexpédié\u00a0»"):
        mail_record_forwarding(item=first, forwarded_on=date.today(), address="x", actor=agent)
    with pytest.raises(MailRefused):
        mail_request_forward(item=first, actor=company, address="x")

    mail_request_collect(item=second, actor=company)
    mail_record_collection(item=second, collected_by="Paul Martin",
                           identity_document="CNI 123", actor=agent)  # fmt: skip
    with pytest.raises(MailRefused, match="retiré"):
        mail_record_forwarding(item=second, forwarded_on=date.today(), address="x", actor=agent)

    mail_request_destroy(item=third, actor=company)
    mail_record_destruction(item=third, actor=agent)
    with pytest.raises(MailRefused, match="détruit"):
        mail_request_forward(item=third, actor=company, address="x")

    first.refresh_from_db()
    assert first.forwarded_to == "3 rue B\n75002 Paris"
    assert first.tracking_number == "1A234"
    assert [e.to_status for e in first.events.all()] == [
        MailStatus.HELD,
        MailStatus.TO_FORWARD,
        MailStatus.FORWARDED,
    ]
    assert [e.to_status for e in third.events.all()][-1] == MailStatus.DESTROYED


def test_a_forwarding_needs_an_address(contract, agent, company):
    (item,) = record(contract, agent)
    with pytest.raises(MailRefused, match="adresse"):
        mail_request_forward(item=item, actor=company)
    mailbox_update(
        mailbox=contract.mailbox,
        alerts=Mailbox.Alerts.EACH,
        standing=Mailbox.Standing.KEEP,
        forward_address="1 rue C",
        actor=company,
    )
    item = mail_request_forward(item=item, actor=company)
    assert item.requested_address == "1 rue C"


def test_standing_forwarding_needs_an_address(contract, agent, company):
    record(contract, agent)
    with pytest.raises(MailRefused) as refused:
        mailbox_update(
            mailbox=contract.mailbox,
            alerts=Mailbox.Alerts.DIGEST,
            standing=Mailbox.Standing.WEEKLY,
            forward_address=" ",
            actor=company,
        )
    assert refused.value.field == "forward_address"


def test_a_suspended_contract_waits_for_its_scans_and_forwarding(contract, agent, company):
    (item,) = record(contract, agent)
    type(contract).objects.filter(pk=contract.pk).update(status=ContractStatus.SUSPENDED)
    with pytest.raises(MailRefused, match="suspendus pour impayé"):
        mail_request_scan(item=item, actor=company)


def test_scans_are_checked_from_their_content_and_a_fake_stores_nothing(
    contract, agent, company, django_capture_on_commit_callbacks
):
    (item,) = record(contract, agent)
    with pytest.raises(MailRefused, match="illisible"):
        mail_scan_attach(item=item, side="envelope", upload=fake_upload(), actor=agent)
    big = SimpleUploadedFile("big.png", b"\x89PNG\r\n\x1a\n" + b"0" * (11 * 1024 * 1024))
    with pytest.raises(MailRefused, match="taille maximale"):
        mail_scan_attach(item=item, side="envelope", upload=big, actor=agent)
    renamed = SimpleUploadedFile("scan.png", b"<html>hello</html>")
    with pytest.raises(MailRefused, match="pas accepté"):
        mail_scan_attach(item=item, side="envelope", upload=renamed, actor=agent)
    assert not MailScan.objects.exists()

    envelope = mail_scan_attach(item=item, side="envelope", upload=png_upload(), actor=agent)
    assert envelope.kind == "png"
    assert envelope.file.name.startswith("mail/")
    mail_request_scan(item=item, actor=company)
    with django_capture_on_commit_callbacks(execute=True):
        content = mail_scan_attach(item=item, side="content", upload=pdf_upload(), actor=agent)
    content.refresh_from_db()
    assert content.page_count == 1
    assert content.preview
    item.refresh_from_db()
    assert item.status == MailStatus.HELD
    with pytest.raises(MailRefused, match="déjà numérisé"):
        mail_request_scan(item=item, actor=company)


def test_retrieval_is_a_collection_a_forwarding_or_a_content_scan_opened(contract, agent, company):
    first, second, third = record(contract, agent, count=3)
    with time_machine.travel(at(date(2027, 3, 1)), tick=False):
        scan = mail_scan_attach(item=first, side="content", upload=png_upload(), actor=agent)
        mail_scan_opened(scan=scan, user=agent)  # the provider looking is no retrieval
        assert Mailbox.objects.get(contract=contract).last_retrieval_on is None
        mail_scan_opened(scan=scan, user=company)
    assert Mailbox.objects.get(contract=contract).last_retrieval_on == date(2027, 3, 1)
    first.refresh_from_db()
    assert first.read_at is not None
    with time_machine.travel(at(date(2027, 4, 2)), tick=False):
        mail_record_collection(item=second, collected_by="P. Martin", identity_document="CNI",
                               actor=agent)  # fmt: skip
    assert Mailbox.objects.get(contract=contract).last_retrieval_on == date(2027, 4, 2)
    # A forwarding recorded with an earlier date never moves the date back.
    mail_record_forwarding(item=third, forwarded_on=date.today() - timedelta(days=400),
                           address="1 rue C", actor=agent)  # fmt: skip
    assert Mailbox.objects.get(contract=contract).last_retrieval_on == date(2027, 4, 2)
