import pytest

from tests.support.brokers import broker
from tests.support.processes import RedisServer


@pytest.fixture
def own_redis(tmp_path):
    """A Redis of this test's own, as the broker (not eager) and the metrics' source."""
    server = RedisServer(tmp_path / "redis")
    server.start()
    try:
        with broker(server.url) as app:
            yield server, app
    finally:
        server.stop()
