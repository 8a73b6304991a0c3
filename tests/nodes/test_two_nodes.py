"""Past one machine: two web nodes (gunicorn; node A with 2 workers) behind an imaginary load
balancer, sharing PostgreSQL, Redis and an S3 bucket, and a Celery worker with no disk in
common with them. What one node writes, the other serves; the session and the login rate
limit hold across them; the worker renders and seals a contract from the bucket.

The nodes run config.settings.local with DEBUG off and every service from the
environment, as the fault tests' workers do: the production settings add HTTPS-only
cookies and a collectstatic of 10 s of CPU, nothing a second node depends on."""

import io
import re
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import Membership
from cesu_orders.delivery_calendar import add_business_days, earliest_delivery_date
from cesu_orders.models import Cart, Order
from domiciliation.models import CaseDocument, Payment, ProofReview, Signature
from domiciliation.services.payments import payment_confirm, payment_start
from domiciliation.services.signatures import signature_request_code, signature_sign
from notifications.models import Notification
from tests.accounts.factories import PASSWORD, MembershipFactory, UserFactory, totp_code
from tests.cesu_orders.factories import BeneficiaryFactory, funder_ready, table_post
from tests.directory.factories import make_provider
from tests.domiciliation.factories import accept, pdf_bytes, sent_file, verified
from tests.nodes.conftest import METRICS_TOKEN
from tests.nodes.harness import Browser, json_lines
from tests.support.processes import wait_until

pytestmark = [pytest.mark.nodes, pytest.mark.django_db(transaction=True)]


def _user(**fields):
    """A user whose password the nodes can check: their settings hash with PBKDF2 (a
    cheap iteration count here; a successful login upgrades it)."""
    user = UserFactory(**fields)
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, "sel-des-noeuds", iterations=1000)
    user.save(update_fields=["password"])
    return user


def _company():
    return verified(_user(username="paul@start.example", email="paul@start.example"))


def _provider():
    provider = make_provider(name="Paris Domiciliation")
    admin = _user(email="admin@paris.example", phone="+33698765432")
    MembershipFactory(organization=provider.organization, user=admin, role=Membership.Role.ADMIN)
    return provider, admin


def _logged_in(node, user) -> Browser:
    browser = Browser()
    response = browser.log_in(node, user.email, PASSWORD)
    assert response.status_code == 302, response.text[-2000:]
    if response.headers["Location"].endswith(reverse("mfa_authenticate")):
        # A domiciliataire admin logs in with a second factor: the authenticator's code.
        response = browser.post(node, reverse("mfa_authenticate"), {"code": totp_code(user)})
        assert response.status_code == 302, response.text[-2000:]
    return browser


def test_a_session_opened_on_one_node_is_valid_on_the_other_until_logout(shared):
    company = _company()
    browser = _logged_in(shared.a, company)
    assert browser.get(shared.b, "/domiciliation/").status_code == 200
    browser.post(shared.b, "/compte/deconnexion/", {}, form_path="/domiciliation/")
    response = browser.get(shared.a, "/domiciliation/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/compte/connexion/")


def test_eight_wrong_passwords_across_the_nodes_hit_the_per_account_limit(shared):
    """Issue 16, finding 6: a per-process cache let 8 wrong passwords in a row through on
    one account. Shared in Redis, the 6th is refused whichever node takes it, and so is
    the right password afterwards."""
    company = _company()
    browser = Browser()
    refused = []
    for attempt in range(8):
        node = (shared.a, shared.b)[attempt % 2]
        response = browser.log_in(node, company.email, "pas-le-bon-mot-de-passe")
        assert response.status_code == 200
        refused.append("Trop de tentatives" in response.text or "Too many" in response.text)
    assert refused == [False] * 5 + [True] * 3
    response = browser.log_in(shared.b, company.email, PASSWORD)
    assert response.status_code == 200  # the form again: not logged in
    assert browser.get(shared.a, "/domiciliation/").status_code == 302


def test_a_proof_uploaded_on_one_node_is_reviewed_and_downloaded_on_the_other(shared):
    company = _company()
    provider, admin = _provider()
    client_file = sent_file(company, [provider])
    case = client_file.cases.get()

    # The company replaces its identity proof through node A…
    content = pdf_bytes()
    browser = _logged_in(shared.a, company)
    step = reverse("domiciliation:step", args=[client_file.public_id, 5])
    response = browser.post(
        shared.a,
        step,
        {"proof_type": "identite"},
        files={"file": ("nouvelle-identite.pdf", content, "application/pdf")},
    )
    assert response.status_code == 302, response.text[-2000:]
    review = case.reviews.get(proof_type__code="identite")
    proof = review.proof
    assert proof.original_name == "nouvelle-identite.pdf"
    assert shared.s3.keys("private").count(proof.file.name) == 1

    # …the domiciliataire reviews it and downloads it through node B.
    provider_browser = _logged_in(shared.b, admin)
    proofs = reverse("domiciliation_provider:case_proofs", args=[case.public_id])
    assert "nouvelle-identite.pdf" in provider_browser.get(shared.b, proofs).text
    response = provider_browser.post(
        shared.b, proofs, {f"etat-{proof.public_id}": ProofReview.State.VALIDATED}
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.state == ProofReview.State.VALIDATED
    download = provider_browser.get(
        shared.b, reverse("domiciliation:proof_download", args=[proof.public_id])
    )
    assert download.status_code == 200
    assert download.content == content
    assert download.headers["Content-Length"] == str(len(content))

    # The e-mail the upload queued was sent by the worker, under node A's request id.
    (upload_request,) = [
        line["request_id"]
        for line in shared.a.log_lines()
        if line.get("event") == "request_finished" and line.get("request") == f"POST {step}"
    ]
    notification = Notification.objects.get(event="domiciliation_proof_updated")
    wait_until(
        lambda: _status(notification) == Notification.Status.SENT,
        timeout=30,
        failure=lambda: f"Not sent.\n{shared.worker.tail()}",
    )
    assert any(
        line.get("event") == "task_started"
        and line.get("task") == "notifications.tasks.deliver"
        and line.get("request_id") == upload_request
        for line in json_lines(shared.worker.log_path)
    )


def _status(notification) -> str:
    notification.refresh_from_db()
    return notification.status


def test_a_cart_saved_on_one_node_is_validated_on_the_other(shared, org_a, alice):
    alice.password = PBKDF2PasswordHasher().encode(PASSWORD, "sel-des-noeuds", iterations=1000)
    alice.save(update_fields=["password"])
    address = funder_ready(org_a)
    people = [BeneficiaryFactory(organization=org_a, last_name=name) for name in ("Arnaud", "Zola")]
    today = timezone.localdate()
    delivery = add_business_days(
        earliest_delivery_date(today=today, mode="standard", postcode=address.postcode), 2
    )
    browser = Browser()
    assert browser.log_in(shared.a, alice.username, PASSWORD).status_code == 302

    table = reverse("cesu_orders:order_table")
    data = table_post(
        people, address, lines={people[0]: [{"booklets": "2"}]}, delivery_date=delivery.isoformat()
    )
    response = browser.post(shared.a, table, data)
    assert response.status_code == 302, response.text[-3000:]
    cart = Cart.objects.get(organization=org_a)
    assert [line.booklets for line in cart.lines.all()] == [2]

    recap = reverse("cesu_orders:order_recap")
    page = browser.get(shared.b, recap).text
    assert "Valider la commande" in page
    terms = re.search(r'name="terms_version" value="([^"]*)"', page).group(1)
    response = browser.post(
        shared.b,
        recap,
        {"cart_version": str(cart.version), "terms_version": terms, "accept_terms": "on"},
    )
    assert response.status_code == 302, response.text[-3000:]
    order = Order.objects.get(organization=org_a)
    assert response.headers["Location"] == reverse(
        "cesu_orders:order_detail", args=[order.public_id]
    )
    assert order.lines.get().booklets == 2


def test_the_worker_renders_and_seals_the_contract_from_the_bucket(shared):
    company = _company()
    provider, admin = _provider()
    case = accept(sent_file(company, [provider]).cases.get(), admin, monthly_price=Decimal("30"))
    payment = payment_start(case=case, method=Payment.Method.SIMULATED, actor=company)
    payment_confirm(payment=payment, amount=payment.amount, actor=company)
    # The worker renders the contract to sign (the payment queued it) into the bucket.
    wait_until(
        lambda: case.documents.filter(kind=CaseDocument.Kind.CONTRACT).exists(),
        timeout=60,
        failure=lambda: f"No contract.\n{shared.worker.tail()}",
    )
    for party, user in ((Signature.Party.COMPANY, company), (Signature.Party.PROVIDER, admin)):
        signature = Signature.objects.get(case=case, party=party)
        row = signature_request_code(signature=signature, user=user)
        code = _sms_code(shared.worker, row)
        signature_sign(
            signature=signature, user=user, code=code, ip_address="203.0.113.7", user_agent="t"
        )

    # Both signed: the worker reads the contract back from the bucket, seals it, makes
    # the attestation, and sends both as attachments it reads from the bucket too.
    wait_until(
        lambda: (
            Notification.objects.filter(
                event="domiciliation_contract_signed", status=Notification.Status.SENT
            ).count()
            == 2
        ),
        timeout=90,
        failure=lambda: f"Contract not sealed and sent.\n{shared.worker.tail()}",
    )
    signed = case.documents.get(kind=CaseDocument.Kind.SIGNED_CONTRACT)
    assert signed.file.name in shared.s3.keys("private")
    with signed.file.open("rb") as file:
        reader = PdfReader(io.BytesIO(file.read()))
    assert reader.get_fields()["CachetPortail"]["/FT"] == "/Sig"
    assert "Nouvelle Start" in " ".join(page.extract_text() for page in reader.pages)
    # The worker kept nothing on a disk of its own.
    assert not (shared.worker_disk / "private-media").exists()


def _sms_code(worker, row) -> str:
    """The code of `row` that the worker sent by SMS (console backend: its log)."""
    notification = Notification.objects.get(idempotency_key=f"signature-code:{row.pk}:sms")
    wait_until(
        lambda: _status(notification) == Notification.Status.SENT,
        timeout=30,
        failure=lambda: f"No SMS.\n{worker.tail()}",
    )
    (text,) = [
        line["event"]
        for line in json_lines(worker.log_path)
        if notification.provider_message_id in line.get("event", "")
    ]
    return re.search(r"code de signature du contrat de domiciliation\s*:\s*(\d{6})", text).group(1)


def test_health_and_metrics_are_the_same_whichever_node_answers(shared):
    browser = Browser()
    for node in (shared.a, shared.b):
        assert browser.get(node, "/metriques/").status_code == 403
    browser.get(shared.a, "/sante/")  # queues the worker's ping
    wait_until(
        lambda: browser.get(shared.b, "/sante/").json()["worker"] == "ok",
        timeout=30,
        failure=lambda: f"No worker answered.\n{shared.worker.tail()}",
    )
    assert browser.get(shared.b, "/sante/").json() == {
        "status": "ok",
        "database": "ok",
        "redis": "ok",
        "storage": "ok",
        "worker": "ok",
    }
    # 20 requests at node A, served by either of its 2 gunicorn workers: a scrape of
    # either worker adds them all up.
    before = _health_count(browser, shared.a)
    with ThreadPoolExecutor(max_workers=4) as pool:  # at once: both workers serve
        statuses = list(
            pool.map(lambda _: Browser().get(shared.a, "/sante/").status_code, range(20))
        )
    assert statuses == [200] * 20
    assert _health_count(browser, shared.a) == before + 20


def _health_count(browser, node) -> int:
    text = browser.get(node, "/metriques/", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert text.status_code == 200
    match = re.search(
        r'django_http_requests_latency_seconds_by_view_method_count\{method="GET",view="health"\} '
        r"([0-9.]+)",
        text.text,
    )
    return int(float(match.group(1))) if match else 0
