"""An S3-compatible server for the storage tests: one SeaweedFS for the session, a fresh
prefix of its bucket per test; the tests that stop the server start their own."""

import pytest

from accounts.models import Membership
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.directory.factories import make_provider
from tests.domiciliation.factories import verified
from tests.support.s3 import new_prefix, private_files_in, running_s3_server


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    with running_s3_server(tmp_path_factory.mktemp("s3")) as server:
        yield server


@pytest.fixture
def prefix():
    return new_prefix()


@pytest.fixture
def in_bucket(s3_server, prefix):
    """Every private file of the portal under this test's prefix of the bucket."""
    with private_files_in(s3_server, prefix) as storage:
        yield storage


@pytest.fixture
def lone_s3_server(tmp_path):
    """A server of this test's own, to stop and start again."""
    with running_s3_server(tmp_path / "s3") as server:
        yield server


@pytest.fixture
def company(db):
    return verified(UserFactory(username="paul@start.example", email="paul@start.example"))


@pytest.fixture
def paris(db):
    provider = make_provider(name="Paris Domiciliation")
    MembershipFactory(
        organization=provider.organization,
        role=Membership.Role.ADMIN,
        user__email="admin@paris.example",
        user__phone="+33698765432",
    )
    return provider


@pytest.fixture
def admin(paris):
    return Membership.objects.get(organization=paris.organization, role="admin").user
