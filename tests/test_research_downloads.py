"""Downloads of a search: CSV and JSON Lines of every match, streamed in chunks."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from archive.research import downloads
from tests.search_helpers import article, person

pytestmark = pytest.mark.usefixtures("search_backend")

URL = reverse("research:search_download")
COLUMNS = [
    "id",
    "source",
    "title",
    "standfirst",
    "outlet",
    "authors",
    "wire",
    "published",
    "url",
    "status",
    "body",
    "people",
    "quotes",
    "cluster",
    "first_published_copy",
]
QUOTE_COLUMNS = [
    "id",
    "text",
    "speaker",
    "speaker_url",
    "speaker_label",
    "fragment",
    "story_id",
    "headline",
    "story_url",
    "source_url",
    "outlet",
    "published",
]
FORMULA = '=HYPERLINK("http://example.com/x","talks")'


@pytest.fixture
def archive(db, django_capture_on_commit_callbacks):
    """Four published stories with "talks" (one undated, one with a formula for a title),
    a hidden one and one that does not match; every match mentions somebody."""
    with django_capture_on_commit_callbacks(execute=True):
        zelensky = person("Volodymyr Zelensky", "Zelenskyy")
        macron = person("Emmanuel Macron", "Macron")
        items = {
            "stall": article(
                "Ceasefire talks stall",
                "Talks between Kyiv and Moscow stalled again.\n\nBoth sides blamed the other.",
                outlet="Daily Mirror",
                published="2022-03-05",
                people=[zelensky, macron],
                quotes=[(zelensky, "We will not give up"), ("a Kremlin source", "Talks are over")],
            ),
            "formula": article(
                FORMULA,
                "Talks in Paris.",
                outlet="Le Monde",
                published="2022-02-10",
                people=[macron],
                standfirst="-5 degrees in Paris",
            ),
            "undated": article(
                "Talking points", "A talk about talking.", outlet="Daily Mirror", people=[zelensky]
            ),
            "resume": article(
                "Peace talks resume",
                "Negotiators met again.\n\nThe talks resume next week.",
                outlet="Le Monde",
                published="2022-04-01",
                people=[macron],
                quotes=[(macron, "These talks are the only way to peace")],
            ),
            "hidden": article(
                "Hidden talks memo", "Talks memo.", published="2022-03-01", status="hidden"
            ),
            "grain": article("Grain deal signed", "A grain deal.", published="2022-07-22"),
        }
    return items


def body(response) -> bytes:
    assert response.streaming
    return b"".join(response.streaming_content)


def csv_rows(response):
    content = body(response)
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark (Excel)
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def export_records():
    """Every article's record as ``manage.py export_articles`` writes it, by id."""
    out = io.StringIO()
    call_command("export_articles", stdout=out)
    return {r["id"]: r for r in map(json.loads, out.getvalue().splitlines())}


def test_csv_has_every_match_newest_first_in_export_columns(client, archive):
    response = client.get(URL, {"q": "talks", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="search-talks-stories.csv"'
    assert response["X-Archive-Matches"] == "4"
    assert response["X-Archive-Rows"] == "4"
    assert not response.has_header("X-Archive-Cut-Short")
    header, *rows = csv_rows(response)
    assert header == COLUMNS
    assert all(len(row) == len(COLUMNS) for row in rows)
    by_column = [dict(zip(COLUMNS, row, strict=True)) for row in rows]
    assert [r["title"] for r in by_column] == [
        "Peace talks resume",
        "Ceasefire talks stall",
        "'" + FORMULA,  # a spreadsheet shows it as text instead of running it
        "Talking points",
    ]
    assert [r["id"] for r in by_column] == [
        str(archive[k].pk) for k in ("resume", "stall", "formula", "undated")
    ]
    assert [r["published"] for r in by_column] == ["2022-04-01", "2022-03-05", "2022-02-10", ""]
    resume, stall, formula, undated = by_column
    assert resume["body"] == "Negotiators met again.\n\nThe talks resume next week."
    assert resume["people"] == "Emmanuel Macron"
    assert resume["quotes"] == "Emmanuel Macron: These talks are the only way to peace"
    assert resume["outlet"] == "Le Monde"
    assert resume["status"] == "published"
    assert sorted(stall["people"].split("; ")) == ["Emmanuel Macron", "Volodymyr Zelensky"]
    assert (
        stall["quotes"]
        == "Volodymyr Zelensky: We will not give up\na Kremlin source: Talks are over"
    )
    assert formula["standfirst"] == "'-5 degrees in Paris"
    assert undated["quotes"] == "" and undated["cluster"] == ""


def test_jsonl_records_are_export_articles_records(client, archive):
    response = client.get(URL, {"q": "talks", "format": "jsonl"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/jsonl; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="search-talks-stories.jsonl"'
    content = body(response)
    assert not content.startswith(b"\xef\xbb\xbf")
    records = [json.loads(line) for line in content.decode("utf-8").splitlines()]
    exported = export_records()
    order = [archive[k].pk for k in ("resume", "stall", "formula", "undated")]
    assert records == [exported[pk] for pk in order]
    assert records[2]["title"] == FORMULA  # JSON carries the text as it is


def test_filters_narrow_the_download_and_name_the_file(client, archive):
    response = client.get(
        URL, {"q": "talks", "outlet": "le-monde", "from": "2022-03-01", "format": "csv"}
    )
    _header, *rows = csv_rows(response)
    assert [row[2] for row in rows] == ["Peace talks resume"]
    assert response["Content-Disposition"] == (
        'attachment; filename="search-talks-outlet-le-monde-from-2022-03-01-stories.csv"'
    )


def test_a_download_cut_short_says_so_in_a_header_and_a_last_row(client, archive, monkeypatch):
    monkeypatch.setattr(downloads, "DOWNLOAD_CAP", 2)
    message = (
        "Cut short: the first 2 of 4 matching stories (a download holds at most 2); narrow "
        "the search (a date range, an outlet) to download the rest."
    )
    response = client.get(URL, {"q": "talks", "format": "csv"})
    assert response["X-Archive-Matches"] == "4"
    assert response["X-Archive-Rows"] == "2"
    assert response["X-Archive-Cut-Short"] == "2 of 4 (a download holds at most 2)"
    header, *rows = csv_rows(response)
    assert [row[2] for row in rows[:2]] == ["Peace talks resume", "Ceasefire talks stall"]
    assert rows[2:] == [[message]]

    response = client.get(URL, {"q": "talks", "format": "jsonl"})
    records = [json.loads(line) for line in body(response).decode().splitlines()]
    assert [r.get("title") for r in records[:2]] == ["Peace talks resume", "Ceasefire talks stall"]
    assert records[2:] == [
        {"cut_short": True, "cap": 2, "written": 2, "total": 4, "message": message}
    ]


@pytest.mark.parametrize(("chunk", "queries"), [(1, 16), (2, 8), (500, 4)])
def test_rows_are_read_in_chunks_of_four_queries(
    client, archive, monkeypatch, django_assert_num_queries, chunk, queries
):
    # a chunk: the stories (outlet, cluster), their mentions (people), the people's
    # aliases, their quotes; four matches make 4, 2 or 1 chunks
    monkeypatch.setattr(downloads, "CHUNK_SIZE", chunk)
    response = client.get(URL, {"q": "talks", "format": "jsonl"})
    with django_assert_num_queries(queries):
        lines = body(response).splitlines()
    assert len(lines) == 4


def test_quote_search_downloads_quotes(client, archive):
    response = client.get(URL, {"q": "talks", "in": "quotes", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="search-talks-quotes.csv"'
    header, *rows = csv_rows(response)
    assert header == QUOTE_COLUMNS
    macron_quote = archive["resume"].quotes.get()
    kremlin_quote = archive["stall"].quotes.get(speaker_label="a Kremlin source")
    assert rows == [
        [
            str(macron_quote.pk),
            "These talks are the only way to peace",
            "Emmanuel Macron",
            "http://testserver/people/emmanuel-macron/",
            "Emmanuel Macron",
            "false",
            str(archive["resume"].pk),
            "Peace talks resume",
            "http://testserver" + macron_quote.get_absolute_url(),
            "",
            "Le Monde",
            "2022-04-01",
        ],
        [
            str(kremlin_quote.pk),
            "Talks are over",
            "",
            "",
            "a Kremlin source",
            "false",
            str(archive["stall"].pk),
            "Ceasefire talks stall",
            "http://testserver" + kremlin_quote.get_absolute_url(),
            "",
            "Daily Mirror",
            "2022-03-05",
        ],
    ]
    response = client.get(URL, {"q": "talks", "in": "quotes", "format": "jsonl"})
    records = [json.loads(line) for line in body(response).decode().splitlines()]
    assert [list(r) for r in records] == [QUOTE_COLUMNS, QUOTE_COLUMNS]
    assert records[1]["speaker"] is None
    assert records[1]["published"] == "2022-03-05"
    assert records[0]["fragment"] is False


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            {"q": "talks"},
            "No format was given: it must be a download format: use format=csv or format=jsonl.",
        ),
        (
            {"q": "talks", "format": "xlsx"},
            "&quot;xlsx&quot; is not a download format: use format=csv or format=jsonl.",
        ),
        (
            {"q": "talks", "format": "<b>x</b>"},
            "&quot;&lt;b&gt;x&lt;/b&gt;&quot; is not a download format",
        ),
        (
            {"q": "talks", "format": "csv", "from": "2022-13-45"},
            "&quot;2022-13-45&quot; is not a date (from=): use YYYY-MM-DD, YYYY-MM or YYYY.",
        ),
        (
            {"q": "talks", "format": "csv", "outlet": "nowhere-news"},
            "Nothing in the archive is called &quot;nowhere-news&quot; (outlet).",
        ),
    ],
)
def test_bad_requests_are_400_with_a_clear_message(client, archive, query, message):
    response = client.get(URL, query)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not response.has_header("Content-Disposition")


def test_a_search_with_no_match_is_an_empty_file_with_its_header(client, archive):
    response = client.get(URL, {"q": "hydroponics", "format": "csv"})
    assert response.status_code == 200
    assert csv_rows(response) == [COLUMNS]
    response = client.get(URL, {"q": "hydroponics", "format": "jsonl"})
    assert body(response) == b""


def test_the_empty_search_downloads_every_published_story(client, archive):
    response = client.get(URL, {"format": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="search-everything-stories.csv"'
    _header, *rows = csv_rows(response)
    assert [row[2] for row in rows] == [
        "Grain deal signed",
        "Peace talks resume",
        "Ceasefire talks stall",
        "'" + FORMULA,
        "Talking points",
    ]


def test_copies_of_a_story_download_once(client, archive, django_capture_on_commit_callbacks):
    from archive.models import StoryCluster

    with django_capture_on_commit_callbacks(execute=True):
        copy = article("Ceasefire talks stall, again", "Talks stalled.", published="2022-03-06")
        cluster = StoryCluster.objects.create(first=archive["stall"])
        for story in (archive["stall"], copy):
            story.cluster = cluster
            story.save()
    _header, *rows = csv_rows(client.get(URL, {"q": "talks", "format": "csv"}))
    titles = [row[2] for row in rows]
    assert "Ceasefire talks stall" not in titles  # the newest copy stands for the story
    assert titles[:2] == ["Peace talks resume", "Ceasefire talks stall, again"]
    assert len(titles) == 4
    assert rows[1][COLUMNS.index("cluster")] == str(cluster.pk)
    assert rows[1][COLUMNS.index("first_published_copy")] == str(archive["stall"].pk)


@pytest.mark.whoosh_only
def test_without_a_search_index_a_download_is_a_503(client, db):
    response = client.get(URL, {"q": "talks", "format": "csv"})
    assert response.status_code == 503
    assert "the search index cannot be read" in response.content.decode()


def test_a_notice_of_a_search_that_matched_is_a_header(client, archive):
    # the search page's notice goes with the file, in a header
    response = client.get(URL, {"q": 'peace "talks', "format": "jsonl"})
    assert response.status_code == 200
    assert response["X-Archive-Notice"] == (
        "Unbalanced quotation marks. Searched for the words instead."
    )
    titles = [json.loads(line)["title"] for line in body(response).splitlines()]
    assert titles == ["Peace talks resume"]
