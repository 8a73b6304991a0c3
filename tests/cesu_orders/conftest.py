import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    """The cache holds rate-limit counters: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def catalogue():
    """The catalogue the data migrations create, again: a transactional test may run
    after another one flushed the database."""
    from django.apps import apps

    from cesu_orders.catalogue import ensure_default_catalogue, ensure_order_catalogue
    from cesu_orders.models import BookletSize, FaceValue, UsageCategory

    ensure_default_catalogue(UsageCategory, FaceValue, BookletSize)
    ensure_order_catalogue(lambda name: apps.get_model("cesu_orders", name))
