import pytest
from django.core.cache import cache

from tests.cesu_orders.factories import catalogue  # noqa: F401 - shared fixture


@pytest.fixture(autouse=True)
def _clear_cache():
    """The cache holds rate-limit counters: each test starts with none."""
    cache.clear()
    yield
    cache.clear()
