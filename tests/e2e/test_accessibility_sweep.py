"""Every page of the portal, as each kind of user, through axe-core: no violation. Staff
pages (the back office) are left out. Pages are found from the URL map: every route a
role may open with GET, plus the pages of the demo's own objects."""

import pytest

from tests.e2e.sweep import walk_every_page

DESKTOP = {"width": 1366, "height": 768}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": DESKTOP}


def test_every_page_has_no_accessibility_violation_for_every_role(portal, demo):
    failures = []

    def check(role, path):
        results = portal.axe.run(portal.page)
        if results.violations_count:
            failures.append(f"{role} {path}\n{results.generate_report()}")

    scanned = walk_every_page(portal, check)
    assert failures == [], "\n\n".join(failures)
    # Enough pages were really opened for the sweep to mean something.
    assert scanned >= 90, scanned
