"""Walks every page of the portal in the browser, as each kind of user
(tests/support/pages.py), and hands each page to a check. With E2E_SCREENSHOTS=1 every
page is also saved in tests/e2e/screenshots/sweep-<width>/, to be looked at."""

import os
import re

from playwright.sync_api import Error as PlaywrightError

from tests.support.pages import ROLES, pages_per_role


def _open(portal, path):
    """The page's response; None for an empty answer (a 405 to a GET is not a page)."""
    try:
        return portal.goto(path)
    except PlaywrightError:
        return None


def _slug(role: str, path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", f"{role} {path}".lower()).strip("-")[:120]


def walk_every_page(portal, check) -> int:
    """Calls check(role, path) on every page each role may open; returns how many."""
    pages = pages_per_role()
    width = portal.page.viewport_size["width"]
    screenshots = os.environ.get("E2E_SCREENSHOTS") == "1"
    visited = 0
    for role, login in ROLES.items():
        # A new tab per user: nothing of the last user's pages can interfere with the next
        # login.
        previous = portal.page
        previous.context.clear_cookies()
        portal.page = previous.context.new_page()
        portal.page.set_viewport_size(previous.viewport_size)
        previous.close()
        if login:
            portal.login(login)
        seen = set()
        for path in pages[role]:
            response = _open(portal, path)
            final = portal.page.url
            if response is None or response.status != 200 or final in seen:
                continue  # not this role's page (403, 405) or already seen after a redirect
            if "/compte/connexion/" in final and login:
                continue
            seen.add(final)
            visited += 1
            if screenshots:
                portal.screenshot(f"sweep-{width}/{_slug(role, path)}")
            check(role, path)
    return visited
