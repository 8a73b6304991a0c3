"""Database operations the migrations share: indexes that only PostgreSQL has (trigram
indexes for `icontains` and `contains` searches), created there and skipped on SQLite,
the embedded default, whose queries stay the same and simply scan."""

from django.db import migrations


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
