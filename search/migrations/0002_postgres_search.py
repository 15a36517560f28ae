"""The PostgreSQL search backend's tables (search/pg): created on PostgreSQL only.

* ``search_pg_article``: one row per published article: its weighted ``tsvector``
  (headline A; standfirst and people's names B; body C; quotes not in the body and the
  outlet's name D), what the filters, facets and story clusters read, and the signature
  ``check_index`` compares with the database;
* ``search_pg_quote``: one row per quote of a published article (the quotes tab);
* ``search_pg_word``: the archive's words and how many stories use each (did you mean;
  the headline, text and names of a story counted apart, as the rows keep their words),
  with a trigram index (``pg_trgm``, GiST: the nearest words first).

On SQLite this migration does nothing: that backend is not available there.
"""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """
    CREATE TABLE IF NOT EXISTS search_pg_article (
        article_id bigint PRIMARY KEY,
        story bigint NOT NULL,
        outlet_slug text NOT NULL DEFAULT '',
        published date,
        month text NOT NULL DEFAULT '',
        persons text[] NOT NULL DEFAULT '{}',
        authors text[] NOT NULL DEFAULT '{}',
        people jsonb NOT NULL DEFAULT '[]',
        vector tsvector NOT NULL,
        title_words tsvector NOT NULL,
        words tsvector NOT NULL,
        name_words tsvector NOT NULL,
        signature text NOT NULL
    )
    """,
    "CREATE INDEX IF NOT EXISTS search_pg_article_vector ON search_pg_article USING gin (vector)",
    "CREATE INDEX IF NOT EXISTS search_pg_article_persons ON search_pg_article USING gin (persons)",
    "CREATE INDEX IF NOT EXISTS search_pg_article_date "
    "ON search_pg_article (published DESC NULLS LAST, article_id DESC)",
    "CREATE INDEX IF NOT EXISTS search_pg_article_outlet ON search_pg_article (outlet_slug)",
    "CREATE INDEX IF NOT EXISTS search_pg_article_story ON search_pg_article (story)",
    """
    CREATE TABLE IF NOT EXISTS search_pg_quote (
        quote_id bigint PRIMARY KEY,
        article_id bigint NOT NULL,
        speaker_slug text NOT NULL DEFAULT '',
        outlet_slug text NOT NULL DEFAULT '',
        published date,
        month text NOT NULL DEFAULT '',
        authors text[] NOT NULL DEFAULT '{}',
        vector tsvector NOT NULL
    )
    """,
    "CREATE INDEX IF NOT EXISTS search_pg_quote_vector ON search_pg_quote USING gin (vector)",
    "CREATE INDEX IF NOT EXISTS search_pg_quote_article ON search_pg_quote (article_id)",
    """
    CREATE TABLE IF NOT EXISTS search_pg_word (
        word text PRIMARY KEY,
        stories integer NOT NULL
    )
    """,
    "CREATE INDEX IF NOT EXISTS search_pg_word_prefix ON search_pg_word (word text_pattern_ops)",
    "CREATE INDEX IF NOT EXISTS search_pg_word_trgm ON search_pg_word USING gist (word gist_trgm_ops)",
]

DROP = [
    "DROP TABLE IF EXISTS search_pg_word",
    "DROP TABLE IF EXISTS search_pg_quote",
    "DROP TABLE IF EXISTS search_pg_article",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in CREATE:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in DROP:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_pending_write")]

    operations = [migrations.RunPython(create, drop)]
