"""Signing the contract: the one-time code by SMS, who may sign, what a signature
records, the sealed contract, the attestation, and the company's other requests."""

import re
from datetime import timedelta
from io import BytesIO

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pyhanko.keys import load_certs_from_pemder_data
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from domiciliation.models import CaseDocument, CaseEvent, CaseStatus, Payment, Signature
from domiciliation.sealing import SEAL_FIELD, self_signed_seal
from domiciliation.services.cases import CaseRefused
from domiciliation.services.documents import sha256
from domiciliation.services.payments import payment_confirm, payment_start
from domiciliation.services.requests import RequestRefused, client_file_send
from domiciliation.services.signatures import (
    MAX_CODE_ATTEMPTS,
    signature_request_code,
    signature_sign,
)
from notifications import sms
from tests.accounts.factories import UserFactory
from tests.directory.factories import make_provider
from tests.domiciliation.factories import accepted_case

pytestmark = pytest.mark.django_db

UA = "Mozilla/5.0 (test)"


@pytest.fixture
def case(company, paris, lyon, admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = accepted_case(company, [paris, lyon], admin)
        payment = payment_start(case=case, method=Payment.Method.SIMULATED, actor=company)
        payment_confirm(payment=payment, amount=payment.amount, actor=company)
    case.refresh_from_db()
    mail.outbox.clear()
    sms.outbox.clear()
    return case


@pytest.fixture
def admin_with_phone(admin):
    admin.phone = "+33698765432"
    admin.save()
    return admin


def _signature(case, party):
    return Signature.objects.get(case=case, party=party)


def _last_code(phone):
    text = [message["text"] for message in sms.outbox if message["to"] == phone][-1]
    return re.search(r"\b(\d{6})\b", text).group(1)


def _sign(django_capture_on_commit_callbacks, signature, user, code):
    with django_capture_on_commit_callbacks(execute=True):
        return signature_sign(
            signature=signature, user=user, code=code, ip_address="203.0.113.7", user_agent=UA
        )


def _request_code(django_capture_on_commit_callbacks, signature, user):
    with django_capture_on_commit_callbacks(execute=True):
        return signature_request_code(signature=signature, user=user)


def test_the_contract_to_sign_is_stored_once_with_its_hash(case):
    contract = CaseDocument.objects.get(case=case, kind=CaseDocument.Kind.CONTRACT)
    with contract.file.open("rb") as file:
        data = file.read()
    assert contract.sha256 == sha256(data)
    assert "Nouvelle Start" in PdfReader(BytesIO(data)).pages[0].extract_text()


def test_the_code_goes_by_sms_to_the_representatives_mobile(
    case, company, django_capture_on_commit_callbacks
):
    row = _request_code(django_capture_on_commit_callbacks, _signature(case, "company"), company)
    (message,) = sms.outbox
    assert message["to"] == "+33612345678"
    code = _last_code("+33612345678")
    assert len(code) == 6
    assert code not in row.code_hash  # only its HMAC is kept
    assert row.expires_at - row.created_at == timedelta(minutes=10)
    assert CaseEvent.objects.filter(case=case, note__contains="06\u00a0••\u00a0••").exists()


def test_the_company_signs_with_the_right_code_and_the_signature_is_recorded(
    case, company, django_capture_on_commit_callbacks
):
    signature = _signature(case, "company")
    _request_code(django_capture_on_commit_callbacks, signature, company)
    _sign(django_capture_on_commit_callbacks, signature, company, _last_code("+33612345678"))
    signature.refresh_from_db()
    contract = CaseDocument.objects.get(case=case, kind=CaseDocument.Kind.CONTRACT)
    assert signature.signer == company
    assert signature.signer_name == "Paul Martin"
    assert signature.signed_at is not None
    assert signature.ip_address == "203.0.113.7"
    assert signature.user_agent == UA
    assert signature.document_sha256 == contract.sha256
    assert signature.phone == "+33612345678"
    case.refresh_from_db()
    assert case.status == CaseStatus.PAID  # the domiciliataire has not signed yet


def test_a_wrong_code_counts_an_attempt_and_five_need_a_new_code(
    case, company, django_capture_on_commit_callbacks
):
    signature = _signature(case, "company")
    row = _request_code(django_capture_on_commit_callbacks, signature, company)
    right = _last_code("+33612345678")
    wrong = "000000" if right != "000000" else "111111"
    for left in range(MAX_CODE_ATTEMPTS - 1, 0, -1):
        with pytest.raises(CaseRefused, match=f"Il vous reste {left}"):
            _sign(django_capture_on_commit_callbacks, signature, company, wrong)
    with pytest.raises(CaseRefused, match="Demandez un nouveau code"):
        _sign(django_capture_on_commit_callbacks, signature, company, wrong)
    row.refresh_from_db()
    assert row.attempts == MAX_CODE_ATTEMPTS
    # Even the right code no longer works.
    with pytest.raises(CaseRefused, match="Trop d’essais"):
        _sign(django_capture_on_commit_callbacks, signature, company, right)
    signature.refresh_from_db()
    assert signature.signed_at is None


def test_an_expired_code_is_refused(case, company, django_capture_on_commit_callbacks):
    signature = _signature(case, "company")
    _request_code(django_capture_on_commit_callbacks, signature, company)
    code = _last_code("+33612345678")
    with (
        time_machine.travel(timezone.now() + timedelta(minutes=11)),
        pytest.raises(CaseRefused, match="expiré"),
    ):
        _sign(django_capture_on_commit_callbacks, signature, company, code)
    signature.refresh_from_db()
    assert signature.signed_at is None


def test_a_new_code_replaces_the_previous_one(case, company, django_capture_on_commit_callbacks):
    signature = _signature(case, "company")
    _request_code(django_capture_on_commit_callbacks, signature, company)
    first = _last_code("+33612345678")
    with pytest.raises(CaseRefused, match="Patientez une minute"):
        _request_code(django_capture_on_commit_callbacks, signature, company)
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        _request_code(django_capture_on_commit_callbacks, signature, company)
        second = _last_code("+33612345678")
        if first != second:
            with pytest.raises(CaseRefused):
                _sign(django_capture_on_commit_callbacks, signature, company, first)
        _sign(django_capture_on_commit_callbacks, signature, company, second)
    signature.refresh_from_db()
    assert signature.signed_at is not None


def test_a_code_sent_to_one_signer_does_not_sign_for_the_other(
    case, company, admin_with_phone, django_capture_on_commit_callbacks
):
    company_signature = _signature(case, "company")
    provider_signature = _signature(case, "provider")
    _request_code(django_capture_on_commit_callbacks, company_signature, company)
    company_code = _last_code("+33612345678")
    _request_code(django_capture_on_commit_callbacks, provider_signature, admin_with_phone)
    with pytest.raises(CaseRefused):
        _sign(
            django_capture_on_commit_callbacks, provider_signature, admin_with_phone, company_code
        )
    provider_signature.refresh_from_db()
    assert provider_signature.signed_at is None


def test_nobody_else_may_sign_or_ask_for_a_code(
    case, company, agent, lyon, django_capture_on_commit_callbacks
):
    outsiders = [agent, lyon.organization.memberships.get().user, UserFactory()]
    for outsider in outsiders:
        for party in ("company", "provider"):
            signature = _signature(case, party)
            if party == "company" or outsider != agent:
                with pytest.raises(CaseRefused, match="ne vous est pas destiné"):
                    _request_code(django_capture_on_commit_callbacks, signature, outsider)
    with pytest.raises(CaseRefused, match="ne vous est pas destiné"):
        _request_code(django_capture_on_commit_callbacks, _signature(case, "provider"), company)
    assert not sms.outbox


def test_a_signing_link_opened_by_someone_else_is_refused_and_recorded(client, case, lyon):
    intruder = lyon.organization.memberships.get().user
    client.force_login(intruder)
    url = reverse("domiciliation:signature", args=[_signature(case, "company").public_id])
    response = client.get(url)
    assert response.status_code == 403
    assert "Lien de signature réservé" in response.content.decode()
    assert CaseEvent.objects.filter(case=case, actor=intruder, note__contains="refusé").exists()
    response = client.post(url, {"action": "code"})
    assert response.status_code == 403
    assert not sms.outbox


def test_an_admin_without_a_mobile_is_told_where_to_give_one(client, case, admin):
    client.force_login(admin)
    url = reverse("domiciliation:signature", args=[_signature(case, "provider").public_id])
    response = client.post(url, {"action": "code"})
    assert response.status_code == 400
    assert "Renseignez votre mobile sur la page «\u00a0Équipe\u00a0»" in response.content.decode()
    assert not sms.outbox


def test_a_second_code_within_a_minute_is_refused_on_the_page(
    client, case, company, django_capture_on_commit_callbacks
):
    client.force_login(company)
    url = reverse("domiciliation:signature", args=[_signature(case, "company").public_id])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "code"})
    response = client.post(url, {"action": "code"})
    assert response.status_code == 400
    assert "Patientez une minute" in response.content.decode()
    assert len(sms.outbox) == 1
    assert CaseEvent.objects.filter(case=case, note__contains="Patientez").exists()


def test_at_most_ten_codes_a_day_per_signature(case, company, django_capture_on_commit_callbacks):
    signature = _signature(case, "company")
    start = timezone.now()
    for minute in range(10):
        with time_machine.travel(start + timedelta(minutes=2 * minute)):
            _request_code(django_capture_on_commit_callbacks, signature, company)
    with (
        time_machine.travel(start + timedelta(minutes=30)),
        pytest.raises(CaseRefused, match="Trop de codes"),
    ):
        _request_code(django_capture_on_commit_callbacks, signature, company)
    with time_machine.travel(start + timedelta(days=1, minutes=30)):
        _request_code(django_capture_on_commit_callbacks, signature, company)
    assert len(sms.outbox) == 11


def test_the_admin_gives_a_mobile_with_the_password(client, admin, case):
    client.force_login(admin)
    url = reverse("domiciliation_provider:own_phone")
    response = client.post(url, {"phone": "06 98 76 54 32", "password": "mauvais"})
    assert response.status_code == 400
    assert "Mot de passe incorrect." in response.content.decode()
    admin.refresh_from_db()
    assert admin.phone == ""
    admin.set_password("Un-mot-de-passe-solide-2026")
    admin.save()
    client.force_login(admin)
    response = client.post(
        url, {"phone": "06 98 76 54 32", "password": "Un-mot-de-passe-solide-2026"}
    )
    assert response.status_code == 302
    admin.refresh_from_db()
    assert admin.phone == "+33698765432"


def test_a_case_not_paid_cannot_be_signed(
    company, paris, admin, django_capture_on_commit_callbacks
):
    case = accepted_case(company, [paris], admin)
    signature = Signature.objects.create(case=case, party="company")
    with pytest.raises(CaseRefused, match="ne peut pas être signé"):
        _request_code(django_capture_on_commit_callbacks, signature, company)


@pytest.fixture
def signed_case(case, company, admin_with_phone, django_capture_on_commit_callbacks):
    _request_code(django_capture_on_commit_callbacks, _signature(case, "company"), company)
    _sign(
        django_capture_on_commit_callbacks,
        _signature(case, "company"),
        company,
        _last_code("+33612345678"),
    )
    _request_code(
        django_capture_on_commit_callbacks, _signature(case, "provider"), admin_with_phone
    )
    _sign(
        django_capture_on_commit_callbacks,
        _signature(case, "provider"),
        admin_with_phone,
        _last_code("+33698765432"),
    )
    case.refresh_from_db()
    return case


def test_both_signatures_sign_the_case_and_start_the_contract(signed_case):
    assert signed_case.status == CaseStatus.SIGNED
    assert signed_case.contract_starts_on == timezone.localdate()
    assert CaseEvent.objects.filter(case=signed_case, to_status=CaseStatus.SIGNED).count() == 1


def test_the_sealed_contract_validates_against_the_platform_certificate(signed_case, seal_pem):
    document = CaseDocument.objects.get(case=signed_case, kind=CaseDocument.Kind.SIGNED_CONTRACT)
    with document.file.open("rb") as file:
        data = file.read()
    reader = PdfFileReader(BytesIO(data))
    (seal,) = reader.embedded_signatures
    assert seal.field_name == SEAL_FIELD
    trusted = list(load_certs_from_pemder_data(seal_pem[0]))[0]
    status = validate_pdf_signature(seal, ValidationContext(trust_roots=[trusted]))
    assert status.intact
    assert status.valid
    assert status.trusted
    # Another certificate is not trusted; a changed byte breaks the seal.
    stranger = list(load_certs_from_pemder_data(self_signed_seal("Inconnu")[0]))[0]
    assert not validate_pdf_signature(seal, ValidationContext(trust_roots=[stranger])).trusted
    position = data.index(b"stream\n") + 20  # a byte of the first page's content
    tampered = data[:position] + bytes([data[position] ^ 0xFF]) + data[position + 1 :]
    (broken,) = PdfFileReader(BytesIO(tampered)).embedded_signatures
    assert not validate_pdf_signature(broken, ValidationContext(trust_roots=[trusted])).intact


def test_the_signature_page_lists_both_signers_and_the_hash(signed_case):
    document = CaseDocument.objects.get(case=signed_case, kind=CaseDocument.Kind.SIGNED_CONTRACT)
    contract = CaseDocument.objects.get(case=signed_case, kind=CaseDocument.Kind.CONTRACT)
    with document.file.open("rb") as file:
        pages = PdfReader(BytesIO(file.read())).pages
    last = pages[-1].extract_text().replace("\n", "")
    assert "Signatures électroniques" in last
    assert "Paul Martin" in last
    assert contract.sha256 in last.replace(" ", "")
    with contract.file.open("rb") as file:
        assert len(pages) == len(PdfReader(BytesIO(file.read())).pages) + 1


def test_both_parties_get_the_sealed_contract_and_the_company_its_attestation(signed_case, paris):
    signed = [m for m in mail.outbox if "Contrat de domiciliation signé" in m.subject]
    recipients = sorted(m.to[0] for m in signed)
    assert recipients == ["admin@paris.example", "paul@start.example"]
    to_company = next(m for m in signed if m.to == ["paul@start.example"])
    names = [name for name, _content, _type in to_company.attachments]
    assert names == [
        "Contrat de domiciliation – Nouvelle Start.pdf",
        "Attestation de domiciliation – Nouvelle Start.pdf",
    ]
    attestation = PdfReader(BytesIO(to_company.attachments[1][1])).pages[0].extract_text()
    centre = signed_case.centre
    for expected in [
        "Attestation de domiciliation",
        "Nouvelle Start",
        "en cours d’immatriculation",
        "Paul Martin",
        centre.address,
        f"{centre.postcode} {centre.city}",
        paris.approval_number,
        "6\u00a0mois",
    ]:
        assert expected in attestation.replace("\n", " "), expected
    to_admin = next(m for m in signed if m.to == ["admin@paris.example"])
    assert [name for name, _c, _t in to_admin.attachments] == [
        "Contrat de domiciliation – Nouvelle Start.pdf"
    ]


def test_a_request_withdrawn_meanwhile_does_not_stop_the_signature(
    case, company, admin_with_phone, lyon, django_capture_on_commit_callbacks
):
    other = case.client_file.cases.get(provider=lyon)
    _request_code(django_capture_on_commit_callbacks, _signature(case, "company"), company)
    _sign(
        django_capture_on_commit_callbacks,
        _signature(case, "company"),
        company,
        _last_code("+33612345678"),
    )
    _request_code(
        django_capture_on_commit_callbacks, _signature(case, "provider"), admin_with_phone
    )
    other.status = CaseStatus.WITHDRAWN  # the company withdrew it in another tab
    other.save()
    _sign(
        django_capture_on_commit_callbacks,
        _signature(case, "provider"),
        admin_with_phone,
        _last_code("+33698765432"),
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.SIGNED


def test_signing_withdraws_the_companys_other_requests(signed_case, lyon):
    other = signed_case.client_file.cases.get(provider=lyon)
    assert other.status == CaseStatus.WITHDRAWN
    notice = [m for m in mail.outbox if m.to == ["admin@lyon.example"]]
    assert len(notice) == 1
    assert "retiré" in notice[0].body


def test_both_sides_see_the_documents(client, signed_case, company, agent):
    client.force_login(company)
    page = client.get(reverse("domiciliation:dashboard")).content.decode()
    assert "Contrat signé et scellé" in page
    assert "Attestation de domiciliation" in page
    assert f"Facture {signed_case.issued_invoice.number}" in page
    document = CaseDocument.objects.get(case=signed_case, kind="attestation")
    assert (
        client.get(reverse("domiciliation:document", args=[document.public_id])).status_code == 200
    )
    client.force_login(agent)
    page = client.get(
        reverse("domiciliation_provider:case_payment", args=[signed_case.public_id])
    ).content.decode()
    assert "Contrat signé et scellé" in page
    assert "signé par Paul Martin" in page
    assert "203.0.113.7" in page
    client.force_login(UserFactory())
    assert (
        client.get(reverse("domiciliation:document", args=[document.public_id])).status_code == 404
    )


def test_the_signing_page_through_the_views(
    client, case, company, django_capture_on_commit_callbacks
):
    signature = _signature(case, "company")
    url = reverse("domiciliation:signature", args=[signature.public_id])
    client.force_login(company)
    page = client.get(url).content.decode()
    assert "Recevoir un code par SMS" in page
    assert "06\u00a0••\u00a0••\u00a0••\u00a078" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "code"}, follow=True)
    assert "Un code à 6 chiffres vient d’être envoyé" in response.content.decode()
    response = client.post(url, {"action": "sign", "code": "12a456", "consent": "on"})
    assert response.status_code == 400
    assert "Le code compte 6 chiffres." in response.content.decode()
    response = client.post(url, {"action": "sign", "code": _last_code("+33612345678")})
    assert "Cochez la case" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {"action": "sign", "code": _last_code("+33612345678"), "consent": "on"},
            HTTP_USER_AGENT=UA,
        )
    assert response.status_code == 302
    signature.refresh_from_db()
    assert signature.signed_at is not None
    assert signature.user_agent == UA


def test_the_signing_page_runs_a_constant_number_of_queries(
    client, case, company, django_assert_max_num_queries
):
    client.force_login(company)
    url = reverse("domiciliation:signature", args=[_signature(case, "company").public_id])
    client.get(url)
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200


def test_after_signing_mes_dossiers_says_why_the_other_request_was_withdrawn(
    client, signed_case, company, lyon
):
    client.force_login(company)
    page = client.get(reverse("domiciliation:dashboard")).content.decode()
    assert "Envoyer à d’autres domiciliataires" not in page
    assert "Mettre à jour mes justificatifs" not in page
    assert "Retiré par le client" not in page
    assert "Retiré\u00a0: contrat signé avec un autre domiciliataire" in page
    assert "Demande retirée automatiquement" in page
    withdrawn = signed_case.client_file.cases.get(provider=lyon)
    assert withdrawn.signed_elsewhere
    client.force_login(lyon.organization.memberships.get().user)
    page = client.get(reverse("domiciliation_provider:case_list")).content.decode()
    assert "Retiré\u00a0: contrat signé avec un autre domiciliataire" in page


def test_a_signed_file_is_not_sent_again(signed_case, company):
    other = make_provider(name="Troisième Domiciliation")
    with pytest.raises(RequestRefused, match="Votre contrat est signé"):
        client_file_send(client_file=signed_case.client_file, providers=[other], actor=company)
