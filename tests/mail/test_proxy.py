"""The postal proxy, signed with a code sent by SMS under the contract signature's rules
(limits, expiry, attempts); the registered letter's warning on both sides until then."""

import re

import pytest
from django.urls import reverse

from mail.models import Mailbox, MailKind
from mail.services.items import mailbox_of
from mail.services.proxy import ProxyRefused, proxy_request_code, proxy_sign
from tests.accounts.factories import UserFactory
from tests.mail.factories import record

pytestmark = pytest.mark.django_db


def last_code(sms_outbox) -> str:
    return re.search(r"\b(\d{6})\b", sms_outbox[-1]["text"]).group(1)


def test_the_company_signs_its_proxy_with_the_sms_code(
    contract, company, sms_outbox, django_capture_on_commit_callbacks
):
    mailbox = mailbox_of(contract)
    with django_capture_on_commit_callbacks(execute=True):
        proxy_request_code(mailbox=mailbox, user=company, ip_address="203.0.113.9")
    assert sms_outbox[-1]["to"] == "+33612345678"
    assert "procuration postale (Paris Domiciliation)" in sms_outbox[-1]["text"]
    with pytest.raises(ProxyRefused, match="Patientez une minute"):
        proxy_request_code(mailbox=mailbox, user=company)
    code = last_code(sms_outbox)
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(ProxyRefused, match="Il vous reste 4\u00a0essais"):
        proxy_sign(mailbox=mailbox, user=company, code=wrong, ip_address=None)
    mailbox = proxy_sign(mailbox=mailbox, user=company, code=code, ip_address="203.0.113.9")
    assert mailbox.has_proxy
    assert mailbox.proxy_signer_name == contract.case.representative
    assert contract.events.filter(note__startswith="Procuration postale signée par").exists()
    with pytest.raises(ProxyRefused, match="déjà signée"):
        proxy_request_code(mailbox=mailbox, user=company)


def test_nobody_else_signs_it(contract, agent):
    with pytest.raises(ProxyRefused, match="Seule l’entreprise"):
        proxy_request_code(mailbox=mailbox_of(contract), user=agent)


def test_a_registered_letter_warns_both_sides_until_the_proxy_is_signed(
    client, contract, company, agent, sms_outbox, django_capture_on_commit_callbacks
):
    (letter,) = record(contract, agent, kind=MailKind.REGISTERED)
    warning = "sans procuration postale de l’entreprise"
    client.force_login(agent)
    assert (
        warning
        in client.get(reverse("mail_provider:item", args=[letter.public_id])).content.decode()
    )
    client.force_login(company)
    assert warning in client.get(reverse("mail:item", args=[letter.public_id])).content.decode()
    url = reverse("mail:proxy", args=[contract.public_id])
    assert "Recevoir le code par SMS" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mail:proxy_code", args=[contract.public_id]))
    page = client.get(url).content.decode()
    assert "Signer la procuration" in page
    response = client.post(url, {"code": last_code(sms_outbox)})
    assert response.status_code == 302
    assert Mailbox.objects.get(contract=contract).has_proxy
    assert warning not in client.get(reverse("mail:item", args=[letter.public_id])).content.decode()
    client.force_login(agent)
    page = client.get(reverse("mail_provider:item", args=[letter.public_id])).content.decode()
    assert "procuration postale signée" in page
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
