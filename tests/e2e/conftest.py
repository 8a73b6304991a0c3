"""Browser journeys: Playwright drives Debian's Chromium against pytest-django's
live_server. Screenshots land in tests/e2e/screenshots/ to be looked at."""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from tests.accounts.factories import totp_code

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--lang=fr-FR",
]
# Playwright's sync API keeps an event loop running in the main thread for the whole
# session; the ORM calls made beside it (here and in the tests collected after these)
# are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).parent / "screenshots"
WIDTHS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR", "timezone_id": "Europe/Paris"}


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo")


# What Chromium prints when the Content-Security-Policy blocks something.
CSP_VIOLATION = ("Content Security Policy", "Content-Security-Policy")


@pytest.fixture
def portal(live_server, page):
    """The page, with the live server's base URL as `portal.url(path)`. The journey
    fails if the browser reports a Content-Security-Policy violation or a script error."""
    problems = []
    # On the context, so that a page the journey opens itself is watched too.
    page.context.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if any(marker in message.text for marker in CSP_VIOLATION)
            else None
        ),
    )
    page.context.on("weberror", lambda error: problems.append(f"JavaScript error: {error.error}"))

    class Portal:
        def __init__(self):
            self.page = page

        def url(self, path: str) -> str:
            return f"{live_server.url}{path}"

        def goto(self, path: str):
            return self.page.goto(self.url(path))

        def login(self, login: str, password: str = DEMO_PASSWORD):
            """Logs in; for an account with two-factor login (the demo's admins and
            staff), types the code its authenticator app would show."""
            self.goto("/compte/connexion/")
            self.page.get_by_label("Identifiant ou adresse e-mail").fill(login)
            self.page.get_by_label("Mot de passe").fill(password)
            with self.page.expect_navigation():
                self.page.get_by_role("button", name="Se connecter").click()
            if self.page.url.endswith(reverse("mfa_authenticate")):
                user = User.objects.get(username=login)
                code = totp_code(user)
                # A code serves once: a journey logging the same user in twice within
                # its 30 seconds types it again, as the same person would after a wait.
                cache.delete(f"allauth.mfa.totp.used?user={user.pk}&code={code}")
                self.page.get_by_label("Code de vérification").fill(code)
                with self.page.expect_navigation():
                    self.page.get_by_role("button", name="Valider").click()

        def screenshot(self, name: str) -> Path:
            SCREENSHOTS.mkdir(exist_ok=True)
            path = SCREENSHOTS / f"{name}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=path, full_page=True)
            return path

        def screenshots(self, name: str) -> None:
            """`name`-desktop (1366 px wide) and `name`-phone (390 px), then back to the
            desktop width."""
            for label, size in WIDTHS.items():
                self.page.set_viewport_size(size)
                self.screenshot(f"{name}-{label}")
            self.page.set_viewport_size(WIDTHS["desktop"])

        axe = Axe()

        def assert_accessible(self):
            results = self.axe.run(self.page)
            assert results.violations_count == 0, results.generate_report()

    yield Portal()
    assert problems == [], problems
