"""Writing the bench's large tenants fast: PostgreSQL's COPY instead of INSERTs, for the
tables of 50,000 rows and more (providers, centres, client files, cases). Imported once
Django is set up."""

from collections.abc import Iterable

from django.db import connection, models
from psycopg import sql


def copy_instances(model: type[models.Model], instances: Iterable[models.Model]) -> list:
    """Writes unsaved `instances` of `model` with one COPY and returns them with their
    primary keys, taken from the table's own sequence first (COPY returns nothing).
    Defaults, `auto_now_add` and JSON are prepared as `bulk_create` would."""
    instances = list(instances)
    if not instances:
        return instances
    table = model._meta.db_table
    pk = model._meta.pk
    fields = list(model._meta.concrete_fields)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk.column, len(instances)],
        )
        for instance, (key,) in zip(instances, cursor.fetchall(), strict=True):
            setattr(instance, pk.attname, key)
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(f.column) for f in fields)
        )
        with cursor.copy(statement) as copy:
            for instance in instances:
                copy.write_row(
                    [
                        field.get_db_prep_save(_value(field, instance), connection)
                        for field in fields
                    ]
                )
    return instances


def _value(field: models.Field, instance: models.Model):
    """The value to write: `pre_save`'s (defaults, `auto_now`), except a creation date the
    seed set itself (spread over time, as real rows are)."""
    if getattr(field, "auto_now_add", False) and getattr(instance, field.attname) is not None:
        return getattr(instance, field.attname)
    return field.pre_save(instance, True)
