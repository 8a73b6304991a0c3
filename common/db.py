"""Database helpers: indexes that only PostgreSQL has (trigram indexes for `icontains`
and `contains` searches), created there by the migrations and skipped on SQLite, the
embedded default, whose queries stay the same and simply scan; and the bulk insert of
thousands of rows that a cart or an order writes."""

from collections.abc import Iterable

from django.db import connection, migrations, models


class PostgresOnlySQL(migrations.RunSQL):
    """RunSQL on PostgreSQL; nothing on any other database."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def trigram_index(*, table: str, name: str, expression: str) -> PostgresOnlySQL:
    """A GIN trigram index on `expression` (pg_trgm, a trusted extension: the database's
    owner may create it). `UPPER(column::text)` serves Django's `icontains`, the column
    alone its `contains`."""
    return PostgresOnlySQL(
        sql=[
            "CREATE EXTENSION IF NOT EXISTS pg_trgm",
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({expression} gin_trgm_ops)",
        ],
        reverse_sql=[f"DROP INDEX IF EXISTS {name}"],
    )


def insert_rows(model: type[models.Model], fields: list[str], rows: Iterable[tuple]) -> int:
    """Inserts `rows`, tuples of the `fields`' values ready for the database (numbers,
    text, Decimal, dates, ids), into `model`'s table: one INSERT on PostgreSQL, as few as
    SQLite's parameter limit allows there. No model instance is built: for the thousands
    of lines of a cart or an order, building and preparing instances is what
    `bulk_create` spends most of its time on. Returns how many rows were written."""
    rows = list(rows)
    if not rows:
        return 0
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    head = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES "  # noqa: S608
    per_statement = len(rows)
    if connection.features.max_query_params:
        per_statement = max(1, connection.features.max_query_params // len(fields))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(
                head + ", ".join([placeholder] * len(chunk)),
                [value for row in chunk for value in row],
            )
    return len(rows)
