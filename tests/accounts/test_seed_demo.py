import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.demo import DEMO_PASSWORD
from accounts.models import Membership, Organization, User


def _snapshot():
    return (
        sorted(User.objects.values_list("username", "password", "email", "is_superuser")),
        sorted(Organization.objects.values_list("name", "kind")),
        sorted(Membership.objects.values_list("user__username", "organization__name", "role")),
    )


def test_seed_demo_creates_the_documented_accounts_and_is_idempotent(db):
    call_command("seed_demo")
    first = _snapshot()
    call_command("seed_demo")
    assert _snapshot() == first

    memberships = set(first[2])
    assert ("C100001", "Demo Industries", "primary") in memberships
    assert ("C100001-02", "Demo Industries", "secondary") in memberships
    assert ("domiciliataire@demo.example", "Demo Domiciliation Paris", "admin") in memberships
    assert User.objects.get(username="staff@demo.example").is_superuser
    client_user = User.objects.get(username="client@demo.example")
    assert not client_user.memberships.exists()
    assert client_user.check_password(DEMO_PASSWORD)


def test_seed_demo_refuses_to_run_where_demo_data_is_not_allowed(db, settings):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="DEMO_DATA_ALLOWED"):
        call_command("seed_demo")
    assert not User.objects.exists()
