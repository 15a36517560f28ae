"""The database cache's tables (``ARCHIVE_CACHE_URL=db``): created on every database, so
that switching the setting on needs no step beyond ``migrate``. The SQL is
``createcachetable``'s own; the names are ``PAGE_CACHE_TABLE`` and ``SHARED_CACHE_TABLE``
in archive/settings.py."""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLES = ("archive_page_cache", "archive_shared_cache")


def create_tables(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    for table in TABLES:
        command.create_table(schema_editor.connection.alias, table, dry_run=False)


def drop_tables(apps, schema_editor):
    existing = schema_editor.connection.introspection.table_names()
    for table in TABLES:
        if table in existing:
            schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(table)}")


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0015_article_no_fingerprint"),
    ]

    operations = [migrations.RunPython(create_tables, drop_tables)]
