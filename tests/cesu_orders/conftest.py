from tests.cesu_orders.factories import catalogue  # noqa: F401 - shared fixture
