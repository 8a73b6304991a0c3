"""Random and hostile values posted to the forms of the running business: the mail entry
table, the vigilance assessment and the suspicion note. Never a 500; nothing saved when
the input is refused; whatever is saved comes back escaped."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import Membership
from domiciliation.models import SuspicionNote, VigilanceAssessment
from mail.models import MailItem, MailKind
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.directory.factories import make_provider
from tests.domiciliation.factories import sent_file, verified
from tests.mail.factories import running_contract
from tests.security.test_hostile_input import EXAMPLES, HOSTILE, SCRIPT

pytestmark = pytest.mark.django_db


def _assert_escaped(page: str) -> None:
    assert SCRIPT not in page
    assert "<img src=x" not in page


# The vigilance assessment and the suspicion note


@pytest.fixture
def vigilance_case(client):
    provider = make_provider(name="Vigilance Hostile")
    admin = MembershipFactory(organization=provider.organization, role=Membership.Role.ADMIN).user
    case = sent_file(verified(UserFactory()), [provider]).cases.get()
    client.force_login(admin)
    return case


@EXAMPLES
@given(
    criteria=st.dictionaries(
        st.sampled_from(["cash_intensive", "risky_country", "politically_exposed", "forged"]),
        HOSTILE,
        max_size=4,
    ),
    comment=HOSTILE,
    note=HOSTILE,
)
def test_the_vigilance_forms_never_fail_and_escape_what_they_save(
    client, vigilance_case, criteria, comment, note
):
    vigilance = reverse("domiciliation_provider:case_vigilance", args=[vigilance_case.public_id])
    before = VigilanceAssessment.objects.filter(case=vigilance_case).count()
    response = client.post(vigilance, {**criteria, "comment": comment})
    assert response.status_code in {200, 302, 400}
    if response.status_code != 302:
        assert VigilanceAssessment.objects.filter(case=vigilance_case).count() == before

    notes_before = SuspicionNote.objects.filter(case=vigilance_case).count()
    added = client.post(
        reverse("domiciliation_provider:case_suspicion_add", args=[vigilance_case.public_id]),
        {"text": note},
    )
    assert added.status_code in {200, 302, 400}
    if added.status_code != 302:
        assert SuspicionNote.objects.filter(case=vigilance_case).count() == notes_before
    page = client.get(vigilance).content.decode()
    page += client.get(
        reverse("domiciliation_provider:case_suspicion", args=[vigilance_case.public_id])
    ).content.decode()
    _assert_escaped(page + response.content.decode() + added.content.decode())


# The morning's mail


@pytest.fixture
def mail_desk(client, settings):
    provider = make_provider(name="Courrier Hostile")
    admin = MembershipFactory(organization=provider.organization, role=Membership.Role.ADMIN).user
    agent = MembershipFactory(organization=provider.organization, role=Membership.Role.AGENT).user
    company = verified(UserFactory())
    contract = running_contract(company, provider, admin)
    client.force_login(agent)
    return contract


@EXAMPLES
@given(
    field=st.sampled_from(["term", "sender", "kind", "received_on", "pages", "return_to_sender"]),
    value=HOSTILE,
    rows=st.sampled_from(["1", "0", "-1", "201", "abc", ""]),
)
def test_the_mail_entry_never_fails_and_escapes_what_it_saves(
    client, mail_desk, field, value, rows
):
    row = {
        "term": mail_desk.number,
        "sender": "URSSAF",
        "kind": MailKind.LETTER,
        "received_on": "2026-12-01",
        field: value,
    }
    data = {
        "courrier-TOTAL_FORMS": rows,
        "courrier-INITIAL_FORMS": "0",
        "courrier-MIN_NUM_FORMS": "0",
        "courrier-MAX_NUM_FORMS": "200",
        **{f"courrier-0-{name}": item for name, item in row.items()},
    }
    before = MailItem.objects.count()
    response = client.post(reverse("mail_provider:entry"), data)
    assert response.status_code in {200, 302, 400}
    if response.status_code != 302:
        assert MailItem.objects.count() == before
    page = client.get(reverse("mail_provider:home")).content.decode()
    _assert_escaped(page + response.content.decode())
