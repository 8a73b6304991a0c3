"""Random and hostile values posted to the forms people type into: the order table, the
questionnaire, the proof review, login and sign-up. Never a 500; nothing saved when the
input is refused; whatever is saved comes back escaped."""

import pytest
import time_machine
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Membership, User
from cesu_orders.models import Cart
from domiciliation.models import ClientFile, ProofReview
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.cesu_orders.factories import TODAY, BeneficiaryFactory, funder_ready, table_post
from tests.directory.factories import make_provider
from tests.domiciliation.factories import filled_file, sent_file, verified

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
HOSTILE = st.one_of(
    st.text(max_size=80),
    st.sampled_from(
        [
            "",
            "-1",
            "0",
            "1e9",
            "99999999999999999999999",
            "NaN",
            "Infinity",
            "-0,01",
            "12,345",
            "１２",
            SCRIPT,
            '"><img src=x onerror=alert(1)>',
            "' OR 1=1 --",
            "'; DROP TABLE accounts_user; --",
            "\x00",
            "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ☃ é" * 20,
        ]
    ),
    st.integers(min_value=-(10**15), max_value=10**15).map(str),
)
EXAMPLES = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _assert_escaped(page: str) -> None:
    assert SCRIPT not in page
    assert "<img src=x" not in page


# The order table


@pytest.fixture
def table(client, org_a, alice):
    address = funder_ready(org_a)
    people = [BeneficiaryFactory(organization=org_a) for _ in range(2)]
    client.force_login(alice)
    return people, address


@EXAMPLES
@given(
    column=st.sampled_from(
        ["booklets", "per_booklet", "face_value", "share", "category", "format"]
    ),
    value=HOSTILE,
    drop=st.sampled_from([None, "cart_version", "delivery", "beneficiary", "action"]),
    duplicate=st.booleans(),
)
def test_the_order_table_never_fails_on_hostile_values(
    client, org_a, table, column, value, drop, duplicate
):
    people, address = table
    data = table_post(people, address, lines={people[0]: [{"booklets": "1", column: value}]})
    if drop:
        data.pop(drop)
    if duplicate:
        data["booklets"] = [*data.get("booklets", []), "3"]
    before = list(Cart.objects.filter(organization=org_a).values_list("version", flat=True))
    with time_machine.travel(TODAY, tick=False):
        response = client.post(reverse("cesu_orders:order_table"), data)
        page = client.get(reverse("cesu_orders:order_table")).content.decode()
    assert response.status_code in {200, 302, 400, 409}
    if response.status_code != 302:
        after = list(Cart.objects.filter(organization=org_a).values_list("version", flat=True))
        assert after == before
    _assert_escaped(page + response.content.decode())


# The questionnaire


@pytest.fixture
def draft(client):
    company = verified(UserFactory())
    client.force_login(company)
    return filled_file(company)


@EXAMPLES
@given(
    field=st.sampled_from(["company_name", "siren", "activity", "start_date", "legal_form"]),
    value=HOSTILE,
)
def test_the_questionnaire_never_fails_and_escapes_what_it_saves(client, draft, field, value):
    url = reverse("domiciliation:step", args=[draft.public_id, 1])
    data = {
        "company_status": "creation",
        "legal_form": "sas",
        "company_name": "Nouvelle Start",
        "siren": "",
        "activity": "Logiciels",
        "start_date": "",
        field: value,
    }
    before = ClientFile.objects.filter(pk=draft.pk).values().get()
    response = client.post(url, data)
    assert response.status_code in {200, 302, 400}
    after = ClientFile.objects.filter(pk=draft.pk).values().get()
    if response.status_code != 302:
        assert {k: v for k, v in after.items() if k != "updated_at"} == {
            k: v for k, v in before.items() if k != "updated_at"
        }
    summary = client.get(reverse("domiciliation:step", args=[draft.public_id, 6]))
    _assert_escaped(summary.content.decode() + response.content.decode())
    _assert_escaped(client.get(reverse("domiciliation:dashboard")).content.decode())


# The proof review


@pytest.fixture
def review_case(client):
    provider = make_provider(name="Examen Hostile")
    admin = MembershipFactory(organization=provider.organization, role=Membership.Role.ADMIN).user
    case = sent_file(verified(UserFactory()), [provider]).cases.get()
    client.force_login(admin)
    return case


@EXAMPLES
@given(state=HOSTILE, reason=HOSTILE, other=HOSTILE, forged_id=st.booleans())
def test_the_proof_review_never_fails_and_saves_nothing_refused(
    client, review_case, state, reason, other, forged_id
):
    review = review_case.reviews.filter(proof__isnull=False).first()
    key = "00000000-0000-0000-0000-000000000000" if forged_id else review.proof.public_id
    data = {f"etat-{key}": state, f"motif-{key}": reason, f"autre-{key}": other}
    before = list(ProofReview.objects.filter(case=review_case).values_list("state", "reason"))
    response = client.post(
        reverse("domiciliation_provider:case_proofs", args=[review_case.public_id]), data
    )
    assert response.status_code in {200, 302, 400}
    if response.status_code != 302:
        after = list(ProofReview.objects.filter(case=review_case).values_list("state", "reason"))
        assert after == before
    page = client.get(
        reverse("domiciliation_provider:case_proofs", args=[review_case.public_id])
    ).content.decode()
    _assert_escaped(page + response.content.decode())


# Login and sign-up


@EXAMPLES
@given(login=HOSTILE, password=HOSTILE)
def test_login_never_fails_on_hostile_values(client, login, password):
    response = client.post(reverse("account_login"), {"login": login, "password": password})
    assert response.status_code in {200, 400, 429}
    _assert_escaped(response.content.decode())


@EXAMPLES
@given(email=HOSTILE, password=HOSTILE)
def test_signup_never_fails_and_creates_no_account_from_garbage(client, email, password):
    users = User.objects.count()
    response = client.post(
        reverse("account_signup"), {"email": email, "password1": password, "password2": password}
    )
    assert response.status_code in {200, 302, 400, 429}
    if response.status_code != 302:
        assert User.objects.count() == users
    _assert_escaped(response.content.decode())
