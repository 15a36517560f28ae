"""What is the PostgreSQL search backend's own: its tables, their keeping in step with the
stories, rebuild and check, queries that are never SQL nor tsquery syntax, snippets."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from search import api, backends, results
from search.pg import documents, run, tsquery
from tests.search_helpers import article, person

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the PostgreSQL backend needs PostgreSQL"
)


@pytest.fixture
def pg(settings):
    settings.ARCHIVE_SEARCH_BACKEND = "postgres"
    return backends.get_backend("postgres")


def rows(table=documents.ARTICLE_TABLE, column="article_id"):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} ORDER BY 1")
        return [r[0] for r in cursor.fetchall()]


def test_the_migration_made_the_tables_indexes_and_extension(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchall() == [("pg_trgm",)]
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename LIKE 'search_pg_%%' "
            "ORDER BY indexname"
        )
        found = dict(cursor.fetchall())
    assert "USING gin (vector)" in found["search_pg_article_vector"]
    assert "USING gin (vector)" in found["search_pg_quote_vector"]
    assert "gist_trgm_ops" in found["search_pg_word_trgm"]
    assert "text_pattern_ops" in found["search_pg_word_prefix"]


@pytest.mark.django_db(transaction=True)
def test_a_story_committed_is_found_at_once_and_gone_when_unpublished(pg):
    try:
        story = article(
            "Volcano erupts near Naples", "Ash fell on the bay.", published="2022-03-01"
        )
        # committed (autocommit): no index step, no rebuild
        assert [h.article_id for h in api.search("volcano").hits] == [story.pk]
        assert rows() == [story.pk]
        story.status = "hidden"
        story.save()
        assert api.search("volcano").total == 0
        assert rows() == []
    finally:
        with connection.cursor() as cursor:
            for table in ("search_pg_article", "search_pg_quote", "search_pg_word"):
                cursor.execute(f"DELETE FROM {table}")


def test_rows_hold_quotes_and_the_word_table_follows_edits(
    db, pg, django_capture_on_commit_callbacks
):
    zelensky = person("Volodymyr Zelensky")
    with django_capture_on_commit_callbacks(execute=True):
        story = article(
            "Grain convoy sails",
            "The convoy left Odesa.",
            people=[zelensky],
            quotes=[(zelensky, "We will not give up")],
        )
    assert rows(documents.QUOTE_TABLE, "article_id") == [story.pk]

    def word(w):
        with connection.cursor() as cursor:
            cursor.execute("SELECT stories FROM search_pg_word WHERE word = %s", [w])
            found = cursor.fetchone()
        return found[0] if found else 0

    assert (word("convoy"), word("zelensky"), word("odesa")) == (2, 1, 1)  # headline, text
    with django_capture_on_commit_callbacks(execute=True):
        story.body = "The ships left Mykolaiv."
        story.save()
    assert (word("convoy"), word("odesa"), word("mykolaiv")) == (1, 0, 1)
    assert api.search("mykolaiv").total == 1
    assert api.search("odesa").total == 0
    assert [h.snippet for h in api.search("give up", scope="quotes").hits] == [
        "We will not <mark>give</mark> up"  # "up" is a stop word
    ]


def test_rebuild_and_check_find_and_repair_drift(db, pg, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        one = article("Storm hits coast", "Winds of 100 mph.")
        two = article("Storm clean-up begins", "Crews clear roads.")
        draft = article("Storm draft", "Not yet.", status="new")
    assert rows() == [one.pk, two.pk]
    assert api.check().ok
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_pg_article WHERE article_id = %s", [one.pk])
        cursor.execute(
            "UPDATE search_pg_article SET signature = 'old' WHERE article_id = %s", [two.pk]
        )
        cursor.execute(
            "INSERT INTO search_pg_article (article_id, story, vector, title_words, words, "
            "name_words, signature) VALUES (%s, %s, '', '', '', '', 'x')",
            [draft.pk, -draft.pk],
        )
    report = api.check()
    assert (report.missing, report.stale, report.extra) == ({one.pk}, {two.pk}, {draft.pk})
    assert (report.published, report.indexed, report.ok) == (2, 2, False)
    repaired = api.check(repair=True)
    assert repaired.repaired
    assert api.check().ok and rows() == [one.pk, two.pk]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_pg_article")
        cursor.execute("DELETE FROM search_pg_word")
    told = []
    report = api.rebuild(progress=told.append)
    assert (report.articles, sum(told), report.path) == (2, 2, None)
    assert report.size_bytes > 0
    assert rows() == [one.pk, two.pk]
    assert api.search("storm").total == 2
    assert api.search("stom").suggestion is None  # "storm" is in two stories only


INJECTIONS = [
    "'):* | !",
    "storm'); DROP TABLE search_pg_article; --",
    "\\' | storm",
    "storm & !storm",
    "storm <-> | :* !",
    "\"storm's\" OR 'x'",
    "stor* ':*",
]


@pytest.mark.parametrize("text", INJECTIONS)
def test_query_text_is_never_sql_nor_tsquery_syntax(
    db, pg, django_capture_on_commit_callbacks, text
):
    with django_capture_on_commit_callbacks(execute=True):
        article("Storm hits coast", "Winds of 100 mph.")
    result = api.search(text)  # no error
    assert result.total in (0, 1)
    assert api.article_ids(text) in ([], [rows()[0]])
    assert rows() != []  # the table is still there


def test_tsquery_lexemes_are_quoted(db):
    assert tsquery.lexeme("it's a \\ test") == "'it''s a \\\\ test'"
    parsed = api.parse('storm -"sea wall"')
    assert tsquery.match_text(parsed) == "'storm'"
    assert tsquery.exclude_text(parsed) == "'sea wall'"
    assert tsquery.match_text(api.parse("'):* | !")) == ""  # no word: nothing to search


def test_snippets_escape_the_story_and_mark_its_words(db, pg, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article(
            "Script warning",
            'Beware <b onclick="x">script</b> &amp; <mark>scripted</mark> attacks at a/b.',
        )
    [hit] = api.search("script").hits
    assert "<b" not in hit.snippet and 'onclick="x"&gt;' in hit.snippet
    assert hit.snippet.count("<mark>") == hit.snippet.count("</mark>") == 2
    assert "<mark>script</mark>&lt;/b&gt;" in hit.snippet
    assert "&lt;mark&gt;<mark>scripted</mark>&lt;/mark&gt;" in hit.snippet
    assert hit.snippet.endswith("attacks at a/b.")


def test_a_snippet_reads_further_only_when_the_opening_lacks_the_words(
    db, pg, django_capture_on_commit_callbacks, django_assert_num_queries
):
    filler = "Nothing of note happened in the town council that week. " * 60  # 3,420 chars
    with django_capture_on_commit_callbacks(execute=True):
        early = article("Early mention", "The glacier retreated. " + filler)
        late = article("Late mention", filler + "Then the glacier retreated.")
        titled = article("Glacier report", filler)  # the word in the headline only
    q = run.Query(api.parse("glacier"), None)
    ids = [early.pk, late.pk, titled.pk]
    # the openings, then the two without the word in theirs, read further
    with django_assert_num_queries(2):
        rows = run.article_page(q, ids)
    snippets = {row[0]: run.marked(row[3]) for row in rows}
    assert [row[0] for row in rows] == ids
    assert snippets[early.pk].startswith("<mark>glacier</mark> retreated. Nothing of note")
    assert snippets[late.pk].endswith("that week. Then the <mark>glacier</mark> retreated")
    assert "<mark>" not in snippets[titled.pk]
    with django_assert_num_queries(1):  # every opening has the word: read once
        run.article_page(q, [early.pk])


def test_tsquery_loose_text_has_a_phrase_as_the_and_of_its_words(db):
    parsed = api.parse('"health care" reform')
    assert tsquery.match_text(parsed) == "'health care' & 'reform'"
    assert tsquery.match_text(parsed, loose=True) == "('health' & 'care') & 'reform'"


@pytest.fixture
def floods(db, pg, django_capture_on_commit_callbacks):
    """Four flood stories, newest first: BBC 2022-03-04 and 03-03, ITV 03-02 and 03-01;
    only the oldest says "river flood"."""
    with django_capture_on_commit_callbacks(execute=True):
        stories = [
            article(
                f"Flood {n}",
                "The flood reached the river." if n < 3 else "The river flood rose.",
                outlet="BBC" if n < 2 else "ITV",
                published=f"2022-03-0{4 - n}",
            )
            for n in range(4)
        ]
    return stories


def test_counts_beyond_the_bound_are_a_lower_bound_of_the_newest(client, floods, monkeypatch):
    result = api.search("flood")
    assert (result.total, result.counted) == (4, 0)
    assert not any("More than" in n for n in result.notices)
    monkeypatch.setattr(run, "COUNT_BOUND", 3)
    monkeypatch.setattr(run, "RANK_CANDIDATES", 3)  # as in the module: within the bound
    result = api.search("flood")
    assert (result.total, result.counted) == (3, 3)
    assert [(f.label, f.count) for f in result.facets["outlet"]] == [("BBC", 2), ("ITV", 1)]
    assert [(f.value, f.count) for f in result.facets["month"]] == [("2022-03", 3)]
    notice = (
        "More than 3 articles match: the number of results and the counts beside the "
        "filters are of the newest 3."
    )
    assert notice in result.notices
    assert {h.article_id for h in result.hits} == {floods[0].pk, floods[1].pk, floods[2].pk}
    body = client.get("/search/", {"q": "flood"}).content.decode()
    assert '<p class="result-count">At least 3 results</p>' in body
    assert notice in body
    # Every result counted is on a page: beyond the ranked ones, newest first.
    monkeypatch.setattr(run, "RANK_CANDIDATES", 1)
    monkeypatch.setattr(results, "PAGE_SIZE", 1)
    pages = [api.search("flood", page=n) for n in (1, 2, 3, 4)]
    assert [r.page for r in pages] == [1, 2, 3, 3]
    assert [r.hits[0].article_id for r in pages] == [f.pk for f in (*floods[:3], floods[2])]
    # Exactly the bound: every match counted, no notice.
    monkeypatch.setattr(run, "COUNT_BOUND", 4)
    assert (api.search("flood").total, api.search("flood").counted) == (4, 0)


def test_a_phrase_is_looked_for_in_the_newest_rows_with_all_its_words(client, floods, monkeypatch):
    result = api.search('"river flood"')
    assert [h.article_id for h in result.hits] == [floods[3].pk]
    assert (result.total, result.counted) == (1, 0)
    monkeypatch.setattr(run, "PHRASE_BOUND", 3)
    result = api.search('"river flood"')  # only the oldest has it: not among the newest 3
    assert (result.total, result.counted, result.hits) == (0, 3, [])
    notice = (
        "More than 3 articles have all the words: the phrase was looked for in the newest 3, "
        "and the number of results and the counts beside the filters are of those."
    )
    assert notice in result.notices
    body = client.get("/search/", {"q": '"river flood"'}).content.decode()
    assert "in the 3 articles read. Try:" in body
    # The oldest first reads the oldest rows with all the words.
    oldest = api.search('"river flood"', sort="oldest")
    assert [h.article_id for h in oldest.hits] == [floods[3].pk]
    assert (oldest.total, oldest.counted) == (1, 3)
    assert notice.replace("newest", "oldest") in oldest.notices
    assert run.search_article_ids('"flood reached"') == [f.pk for f in floods[:3]]
    monkeypatch.setattr(run, "PHRASE_BOUND", 4)
    assert api.search('"river flood"').total == 1


def test_quotes_beyond_the_bound_are_counted_among_the_newest(db, pg, monkeypatch):
    from search.pg.documents import write

    stories = [
        article(f"Flood {n}", "Rain.", published=f"2022-03-0{n + 1}", quotes=[("a", "The flood")])
        for n in range(3)
    ]
    write([s.pk for s in stories])
    monkeypatch.setattr(run, "COUNT_BOUND", 2)
    result = api.search("flood", scope="quotes")
    assert (result.total, result.counted) == (2, 2)
    assert [h.article_id for h in result.hits] == [stories[2].pk, stories[1].pk]


def test_the_planner_settings_are_set_back_inside_a_callers_transaction(floods):
    def settings():
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('enable_seqscan'), current_setting('jit')")
            return cursor.fetchone()

    before = settings()
    with run.planned():
        assert settings()[0] == "off"
    assert settings() == before
    api.search("flood")
    assert settings() == before


def test_exclusions_inside_the_tsquery(floods):
    assert {h.article_id for h in api.search("flood -bbc").hits} == {f.pk for f in floods[2:]}
    assert [h.article_id for h in api.search('flood -"flood reached"').hits] == [floods[3].pk]
    assert api.search("flood -the").total == 4  # a stop word excludes nothing


def test_the_backend_refuses_a_sqlite_database(monkeypatch):
    from search.pg import backend

    monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(ImproperlyConfigured, match="needs DATABASE_URL to name a PostgreSQL"):
        backend.PostgresBackend()
