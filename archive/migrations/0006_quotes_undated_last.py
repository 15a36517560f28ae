"""PostgreSQL indexes for the latest quotes with undated stories last.

A descending index on PostgreSQL puts NULL first, so it cannot serve
``published DESC NULLS LAST``; SQLite puts NULL last in a descending order and uses
``quote_latest_idx`` and ``quote_speaker_latest_idx`` as they are (and has no NULLS
LAST in index definitions), so these indexes exist on PostgreSQL only.
"""

from django.db import migrations

INDEXES = {
    "quote_latest_nl_idx": "(published DESC NULLS LAST, article_id DESC, position)",
    "quote_speaker_latest_nl_idx": (
        "(speaker_id, published DESC NULLS LAST, article_id DESC, position)"
    ),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, columns in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON archive_quote {columns} WHERE is_published"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0005_pagesperf_story_fields"),
    ]

    operations = [migrations.RunPython(create, drop)]
