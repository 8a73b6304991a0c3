"""Tests are shaped like the code: a suite reaches another suite only through its
factories (tests/<app>/factories.py) or the shared helpers of tests/support/."""

import re
from pathlib import Path

TESTS = Path(__file__).parent
IMPORT = re.compile(r"^\s*(?:from|import)\s+tests\.(\w+)\.(\w+)", re.MULTILINE)


def test_suites_cross_only_through_factories_and_support():
    crossings = []
    for path in TESTS.rglob("*.py"):
        own = path.relative_to(TESTS).parts[0]
        for suite, module in IMPORT.findall(path.read_text(encoding="utf-8")):
            if suite not in (own, "support") and module != "factories":
                crossings.append(f"{path.relative_to(TESTS)} imports tests.{suite}.{module}")
    assert crossings == []


def test_every_app_has_its_factories():
    for app in ("accounts", "cesu_orders", "common", "directory", "domiciliation", "notifications"):
        assert (TESTS / app / "factories.py").exists(), app
