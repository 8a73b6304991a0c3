"""Every page of the portal, as each kind of user, on a phone (390 × 844): nothing scrolls
sideways. Wide tables scroll inside their own frame or become stacked cards."""

import pytest

from tests.e2e.sweep import walk_every_page

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE}


def test_no_page_scrolls_sideways_on_a_phone(portal, demo):
    too_wide = []

    def check(role, path):
        width = portal.page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide.append(f"{role} {path}: {width} px")

    visited = walk_every_page(portal, check)
    assert too_wide == [], "\n".join(too_wide)
    assert visited >= 90, visited
