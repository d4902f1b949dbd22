"""A trigram index for searching people by part of a name, email or employee id (the people list's
search and the person picker), on PostgreSQL only.

Django writes `icontains` as UPPER(column::text) LIKE UPPER('%...%'), which no b-tree can serve; at
20,000 people every keystroke of the picker read the whole table. The index is on exactly those
expressions. It needs the pg_trgm extension (a trusted extension since PostgreSQL 13, so the
database's owner may create it): where it cannot be created, search still works, without the index.
Not in Person.Meta.indexes, because SQLite (make run) has no GIN indexes.
"""

import logging

from django.db import migrations, transaction

log = logging.getLogger(__name__)

COLUMNS = ("full_name", "email", "employee_id")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    expressions = ", ".join(f"UPPER(({column})::text) gin_trgm_ops" for column in COLUMNS)
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS person_search_trgm ON people_person USING gin ({expressions})"
            )
    except Exception as exc:  # noqa: BLE001 (no privilege for the extension: search works without it)
        log.warning("People search has no trigram index (%s); it still works, more slowly.", exc)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS person_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("people", "0003_person_name_index")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
