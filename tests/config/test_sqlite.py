"""The embedded default (SQLite) serves concurrent writes one after the other: with the
portal's options, two transactions that read then write the same row both succeed, where
SQLite's default (deferred) transactions answer « database is locked » to one of them."""

import threading
import time

from django.conf import settings
from django.db import OperationalError
from django.db.utils import ConnectionHandler


def _race(tmp_path, options) -> list[str]:
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(tmp_path / "embarque.sqlite3"),
                "OPTIONS": options,
            }
        }
    )
    with handler["default"].cursor() as cursor:
        cursor.execute("CREATE TABLE cart (id INTEGER PRIMARY KEY, version INTEGER)")
        cursor.execute("INSERT INTO cart VALUES (1, 0)")
    handler["default"].close()
    outcomes = []
    start = threading.Barrier(2)

    def validate():
        connection = handler.create_connection("default")
        try:
            start.wait()
            with _atomic(connection), connection.cursor() as cursor:
                cursor.execute("SELECT version FROM cart WHERE id = 1")
                version = cursor.fetchone()[0]
                time.sleep(0.2)  # both have read before either writes
                cursor.execute("UPDATE cart SET version = %s WHERE id = 1", [version + 1])
            outcomes.append("ok")
        except OperationalError as error:
            outcomes.append(str(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=validate) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


class _atomic:
    """transaction.atomic() on a connection that is not registered in
    django.db.connections: it begins the transaction as atomic() does on SQLite."""

    def __init__(self, connection):
        self.connection = connection

    def __enter__(self):
        self.connection.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)

    def __exit__(self, kind, value, traceback):
        if kind is None:
            self.connection.commit()
        else:
            self.connection.rollback()
        self.connection.set_autocommit(True)


def test_sqlite_defaults_refuse_one_of_two_concurrent_writers(tmp_path, django_db_blocker):
    with django_db_blocker.unblock():
        outcomes = _race(tmp_path, {"timeout": 20})
    assert "ok" in outcomes
    assert any("locked" in outcome for outcome in outcomes)


def test_the_portal_sqlite_options_serve_both_writers(tmp_path, django_db_blocker):
    assert settings.SQLITE_OPTIONS["transaction_mode"] == "IMMEDIATE"
    with django_db_blocker.unblock():
        assert _race(tmp_path, settings.SQLITE_OPTIONS) == ["ok", "ok"]
