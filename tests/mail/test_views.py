"""Both sides' pages: the provider's entry table (200 rows in one POST, a refused row
saves nothing), queues oldest first with counts, an item's page and its records; the
company's « Mon courrier » (unread first, search), an item opened, its requests, its
scans streamed through the access check, preferences; outsiders get a 404; query counts
do not grow with the mail."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mail.models import Mailbox, MailItem, MailKind, MailScan, MailStatus
from mail.services.items import mail_request_forward, mail_scan_attach
from tests.accounts.factories import UserFactory
from tests.mail.factories import fake_upload, png_upload, record

pytestmark = pytest.mark.django_db


def entry_data(rows):
    data = {
        "courrier-TOTAL_FORMS": str(len(rows)),
        "courrier-INITIAL_FORMS": "0",
        "courrier-MIN_NUM_FORMS": "0",
        "courrier-MAX_NUM_FORMS": "200",
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"courrier-{index}-{name}"] = value
    return data


def row(term, sender="URSSAF", kind=MailKind.LETTER, **extra):
    return {
        "term": term,
        "sender": sender,
        "kind": kind,
        "received_on": timezone.localdate().isoformat(),
        **extra,
    }


def test_the_entry_table_saves_200_items_in_one_post(client, contract, agent):
    client.force_login(agent)
    page = client.get(reverse("mail_provider:entry"))
    assert page.status_code == 200
    assert "Saisir le courrier" in page.content.decode()
    assert page.content.decode().count('name="courrier-') > 20 * 5
    rows = [row(contract.number, sender=f"Expéditeur {n}") for n in range(199)]
    rows.append(row("Inconnue SARL", return_to_sender="on"))
    response = client.post(reverse("mail_provider:entry"), entry_data(rows))
    assert response.status_code == 302
    assert MailItem.objects.filter(contract=contract, status=MailStatus.HELD).count() == 199
    assert MailItem.objects.get(status=MailStatus.RETURNED).addressee == "Inconnue SARL"
    home = client.get(response.url).content.decode()
    assert "200\u00a0courriers enregistrés, dont 1 en retour à l’expéditeur." in home


def test_a_row_for_an_unknown_company_saves_nothing_and_says_why(client, contract, agent):
    client.force_login(agent)
    rows = [row(contract.number), row("Inconnue SARL"), row("", sender="")]
    response = client.post(reverse("mail_provider:entry"), entry_data(rows))
    assert response.status_code == 400
    text = response.content.decode()
    assert "Aucun courrier n’a été enregistré" in text
    assert "Ligne 2&nbsp;: aucun contrat de domiciliation en cours" in text or (
        "Ligne 2\u00a0: aucun contrat de domiciliation en cours" in text
    )
    assert not MailItem.objects.exists()


def test_queues_count_and_list_the_oldest_first(client, contract, agent, company):
    first, second = record(contract, agent, count=2)
    MailItem.objects.filter(pk=second.pk).update(received_on=date(2026, 11, 2))
    for item in (first, second):
        mail_request_forward(item=item, actor=company, address="3 rue B")
    client.force_login(agent)
    home = client.get(reverse("mail_provider:home")).content.decode()
    assert "À réexpédier</a>&nbsp;: <strong>2</strong>" in home
    assert "À numériser</a>&nbsp;: <strong>0</strong>" in home
    page = client.get(reverse("mail_provider:queue", args=["a-reexpedier"])).content.decode()
    assert page.index("URSSAF 2") < page.index("URSSAF 1")
    assert client.get(reverse("mail_provider:queue", args=["inconnue"])).status_code == 404


def test_the_provider_scans_and_records_a_forwarding(client, contract, agent, company):
    (item,) = record(contract, agent, kind=MailKind.REGISTERED)
    client.force_login(agent)
    url = reverse("mail_provider:item", args=[item.public_id])
    page = client.get(url).content.decode()
    assert "sans procuration postale de l’entreprise" in page
    bad = client.post(reverse("mail_provider:item_scan", args=[item.public_id]),
                      {"side": "envelope", "file": fake_upload()})  # fmt: skip
    assert bad.status_code == 400
    assert "illisible" in bad.content.decode()
    assert not MailScan.objects.exists()
    done = client.post(reverse("mail_provider:item_scan", args=[item.public_id]),
                       {"side": "envelope", "file": png_upload()})  # fmt: skip
    assert done.status_code == 302
    assert item.scans.get().side == "envelope"
    response = client.post(
        reverse("mail_provider:item_forwarded", args=[item.public_id]),
        {"forwarded_on": timezone.localdate().isoformat(), "address": "3 rue B",
         "tracking_number": "1A2", "postage": "4,50"},
    )  # fmt: skip
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == MailStatus.FORWARDED
    assert str(item.postage) == "4.50"
    again = client.post(
        reverse("mail_provider:item_forwarded", args=[item.public_id]),
        {"forwarded_on": timezone.localdate().isoformat(), "address": "3 rue B"},
    )
    assert again.status_code == 400
    assert "«\u00a0réexpédié\u00a0»\u00a0: il ne peut pas être réexpédié" in again.content.decode()
    assert Mailbox.objects.get(contract=contract).last_retrieval_on == timezone.localdate()


def test_the_company_reads_its_mail_unread_first_and_asks_for_it(client, contract, agent,
                                                                  company):  # fmt: skip
    old, new = record(contract, agent, count=2)
    MailItem.objects.filter(pk=old.pk).update(received_on=date(2026, 11, 2))
    MailItem.objects.filter(pk=new.pk).update(read_at=timezone.now())
    mail_scan_attach(item=old, side="envelope", upload=png_upload(), actor=agent)
    client.force_login(company)
    inbox = client.get(reverse("mail:inbox")).content.decode()
    assert "Mon courrier" in inbox
    assert inbox.index("URSSAF 1") < inbox.index("URSSAF 2")  # unread first, though older
    assert "Non lu" in inbox
    assert "Sans procuration postale" in inbox
    found = client.get(reverse("mail:inbox"), {"q": "ssaf 2"}).content.decode()
    assert "URSSAF 2" in found
    assert "URSSAF 1" not in found

    page = client.get(reverse("mail:item", args=[old.public_id])).content.decode()
    for label in ("Numériser le contenu", "Réexpédier", "Je viens le chercher", "Détruire"):
        assert label in page
    scan = old.scans.get()
    assert f"{reverse('mail:scan', args=[scan.public_id])}?apercu=1" in page
    old.refresh_from_db()
    assert old.read_at is not None
    preview = client.get(reverse("mail:scan", args=[scan.public_id]), {"apercu": "1"})
    assert preview.status_code == 200
    assert preview["Content-Type"] == "image/png"
    download = client.get(reverse("mail:scan", args=[scan.public_id]))
    assert "attachment" in download["Content-Disposition"]

    refused = client.post(reverse("mail:item_forward", args=[old.public_id]), {"address": ""})
    assert refused.status_code == 400
    assert "Indiquez l’adresse de réexpédition" in refused.content.decode()
    client.post(reverse("mail:item_forward", args=[old.public_id]), {"address": "3 rue B"})
    old.refresh_from_db()
    assert old.status == MailStatus.TO_FORWARD
    client.post(reverse("mail:item_request", args=[new.public_id, "retrait"]))
    new.refresh_from_db()
    assert new.status == MailStatus.TO_COLLECT


def test_the_company_sets_its_preferences(client, contract, company):
    client.force_login(company)
    url = reverse("mail:preferences", args=[contract.public_id])
    assert client.get(url).status_code == 200
    refused = client.post(url, {"alerts": "digest", "standing": "monthly", "forward_address": ""})
    assert refused.status_code == 400
    response = client.post(
        url, {"alerts": "digest", "standing": "monthly", "forward_address": "3 rue B"}
    )
    assert response.status_code == 302
    mailbox = Mailbox.objects.get(contract=contract)
    assert (mailbox.alerts, mailbox.standing) == ("digest", "monthly")


def test_a_company_without_contract_sees_an_empty_mailbox(client):
    client.force_login(UserFactory())
    page = client.get(reverse("mail:inbox"))
    assert "pas de contrat de domiciliation en cours" in page.content.decode()


def test_outsiders_get_a_404(client, contract, agent, lyon):
    (item,) = record(contract, agent)
    scan = mail_scan_attach(item=item, side="envelope", upload=png_upload(), actor=agent)
    from accounts.models import Membership

    other_agent = Membership.objects.get(organization=lyon.organization).user
    client.force_login(other_agent)
    for name in ("mail_provider:item",):
        assert client.get(reverse(name, args=[item.public_id])).status_code == 404
    assert client.get(reverse("mail_provider:scan", args=[scan.public_id])).status_code == 404
    assert (
        client.post(reverse("mail_provider:item_destroyed", args=[item.public_id])).status_code
        == 404
    )
    client.force_login(UserFactory())
    assert client.get(reverse("mail:item", args=[item.public_id])).status_code == 404
    assert client.get(reverse("mail:scan", args=[scan.public_id])).status_code == 404
    assert client.get(reverse("mail:preferences", args=[contract.public_id])).status_code == 404
    assert (
        client.post(reverse("mail:item_request", args=[item.public_id, "detruire"])).status_code
        == 404
    )
    item.refresh_from_db()
    assert item.status == MailStatus.HELD


def _many(contract, count):
    today = timezone.localdate()
    MailItem.objects.bulk_create(
        MailItem(provider=contract.provider, contract=contract, addressee="Nouvelle Start",
                 kind=MailKind.LETTER, sender=f"Expéditeur {n}", received_on=today,
                 status=MailStatus.TO_SCAN if n % 2 else MailStatus.HELD)
        for n in range(count)
    )  # fmt: skip


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_query_counts_do_not_grow_with_the_mail(client, contract, agent, company):
    Mailbox.objects.get_or_create(contract=contract)
    _many(contract, 10)
    urls = [
        (company, reverse("mail:inbox")),
        (agent, reverse("mail_provider:home")),
        (agent, reverse("mail_provider:queue", args=["a-numeriser"])),
    ]
    small = []
    for user, url in urls:
        client.force_login(user)
        small.append(_queries(client, url))
    _many(contract, 990)
    large = []
    for user, url in urls:
        client.force_login(user)
        large.append(_queries(client, url))
    assert large == small
