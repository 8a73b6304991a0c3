"""Shared fixtures. The trio, as in healthchecks: alice owns organization A, bob is a
secondary member of A, charlie belongs to another organization B."""

import sys

import pytest
from django.conf import settings
from django.core.cache import cache
from django.template import TemplateSyntaxError, engines

from accounts.models import Membership, Organization
from tests.accounts.factories import MembershipFactory, OrganizationFactory


@pytest.fixture(autouse=True)
def _clear_cache():
    """The cache holds rate-limit counters and the counts pages keep (directory,
    domiciliataire cases): each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def org_a(db):
    return OrganizationFactory(name="Alpha Conseil", kind=Organization.Kind.FUNDER)


@pytest.fixture
def org_b(db):
    return OrganizationFactory(name="Bêta Services", kind=Organization.Kind.FUNDER)


@pytest.fixture
def alice(org_a):
    return MembershipFactory(
        user__username="alice@example.com", organization=org_a, role=Membership.Role.PRIMARY
    ).user


@pytest.fixture
def bob(org_a):
    return MembershipFactory(
        user__username="bob@example.com", organization=org_a, role=Membership.Role.SECONDARY
    ).user


@pytest.fixture
def charlie(org_b):
    return MembershipFactory(
        user__username="charlie@example.com", organization=org_b, role=Membership.Role.PRIMARY
    ).user


class UnknownTemplateVariable(str):
    """The template engine's `string_if_invalid` during tests: any page, e-mail or PDF
    template that renders an unknown variable fails the test where it happens. Django's
    admin and the libraries' templates, which rely on missing variables, are left alone."""

    LIBRARIES = str(settings.BASE_DIR / ".venv")

    def __contains__(self, text):
        return text == "%s"

    def __mod__(self, variable):
        context = sys._getframe(1).f_locals.get("context")
        origin = getattr(getattr(getattr(context, "template", None), "origin", None), "name", "")
        if "site-packages" in str(origin) or str(origin).startswith(self.LIBRARIES):
            return ""
        raise TemplateSyntaxError(f"Unknown template variable « {variable} » in {origin}")


@pytest.fixture(autouse=True)
def unknown_template_variable_fails():
    # Per test: a test that overrides TEMPLATES (add_templates) gets a new engine.
    engine = engines["django"].engine
    previous, engine.string_if_invalid = engine.string_if_invalid, UnknownTemplateVariable("%s")
    yield
    engine.string_if_invalid = previous


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate-limit counters and cached pages never carry from one test to the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def admin_user(admin_user):
    """pytest-django's superuser, with the second factor every staff account has."""
    from tests.accounts.factories import with_totp

    return with_totp(admin_user)
