import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    """The cache holds rate-limit counters: each test starts with none."""
    cache.clear()
    yield
    cache.clear()
