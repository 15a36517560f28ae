"""The HTML, WARC and JSON Lines readers and format detection, on bytes, without a database."""

import gzip
import json
from pathlib import Path

import pytest

from archive.ingest import pipeline
from archive.ingest.readers import (
    JSONL_FIELDS,
    RawStory,
    ReadError,
    RecordError,
    UnknownFormat,
    content_hash,
    detect_format,
    raw_story_from_article,
    read_bytes,
    read_path,
)

FORMATS = Path(__file__).resolve().parent.parent / "fixtures" / "formats"

PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Macron and Putin talk for five hours | The Example Post</title>
<meta property="og:title" content="Macron and Putin talk for five hours">
<meta property="og:site_name" content="The Example Post">
<meta name="author" content="Jane Reporter">
<meta property="article:published_time" content="2022-02-07T18:30:00+00:00">
<link rel="canonical" href="https://example.org/world/macron-putin-talks">
<meta name="description" content="The French president met Vladimir Putin in Moscow.">
</head><body>
<header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav></header>
<main><article>
<h1>Macron and Putin talk for five hours</h1>
<p>Emmanuel Macron met Vladimir Putin in the Kremlin on Monday for talks that lasted more than five hours, in an attempt to calm tensions over Ukraine.</p>
<p>“We share concerns about what is going on in Europe in the security sphere,” Mr Putin told reporters after the meeting, standing beside his French counterpart.</p>
<p>Mr Macron said he had come to Moscow to look for a path to de-escalation and that the days ahead would be decisive for the whole continent.</p>
<p>The French president travels to Kyiv on Tuesday to meet Volodymyr Zelensky before returning to Paris for talks with European partners.</p>
</article></main>
<footer><p>© 2022 The Example Post. All rights reserved.</p><a href="/privacy">Privacy</a></footer>
</body></html>
"""


def _records(items):
    return [(r.source, r.reason) if isinstance(r, RecordError) else r for r in items]


# --- HTML -------------------------------------------------------------------------------


def test_html_page_gives_headline_metadata_and_body_paragraphs():
    [raw] = read_bytes(PAGE.encode("utf-8"), "talks.html")
    assert raw.format == "html"
    assert raw.original == PAGE
    assert raw.stored_raw == PAGE
    assert raw.content_hash == content_hash(PAGE)
    lines = raw.text.split("\n")
    assert lines[0] == "Macron and Putin talk for five hours"
    assert lines[1].startswith("Emmanuel Macron met Vladimir Putin in the Kremlin on Monday")
    assert lines[-1].startswith("The French president travels to Kyiv on Tuesday")
    assert len(lines) == 5
    assert "Privacy" not in raw.text and "Home" not in raw.text
    assert raw.meta["title"] == "Macron and Putin talk for five hours"
    assert raw.meta["outlet"] == "The Example Post"
    assert raw.meta["byline"] == "Jane Reporter"
    assert raw.meta["published"] == "2022-02-07"
    assert raw.meta["url"] == "https://example.org/world/macron-putin-talks"
    assert raw.url == "https://example.org/world/macron-putin-talks"


def test_html_story_goes_through_the_pipeline_with_its_metadata():
    [raw] = read_bytes(PAGE.encode("utf-8"), "talks.html")
    story = pipeline.extract(raw)
    assert story.title == "Macron and Putin talk for five hours"
    assert story.outlet == "The Example Post"
    assert str(story.published) == "2022-02-07"
    assert story.byline == "Jane Reporter"
    assert story.url == "https://example.org/world/macron-putin-talks"
    assert any(q.text.startswith("We share concerns") for q in story.quotes)
    assert {p.name for p in story.people} >= {"Emmanuel Macron", "Vladimir Putin"}


def test_real_saved_page_gzipped_is_read_with_its_metadata():
    [raw] = read_path(FORMATS / "jpost-berlin.html.gz")
    assert raw.format == "html"
    assert raw.meta["title"] == "Son of former German president stabbed to death in Berlin"
    assert raw.meta["published"] == "2019-11-20"
    assert raw.url.startswith("https://www.jpost.com/Breaking-News/Son-of-former-German-president")
    assert raw.text.split("\n")[1].startswith(
        "The son of former German President Richard von Weizsäcker"
    )
    assert raw.original.startswith("<html><head>")


def test_html_charset_from_meta_tag_is_honoured():
    page = PAGE.replace('<meta charset="utf-8">', '<meta charset="windows-1252">')
    page = page.replace("Emmanuel Macron met", "Émile and Emmanuel Macron met")
    [raw] = read_bytes(page.encode("cp1252"), "talks.html")
    assert raw.encoding == "cp1252"
    assert "Émile and Emmanuel Macron met" in raw.text
    assert "“We share concerns" in raw.text


def test_page_without_an_article_is_an_error():
    page = (
        b"<html><head><title>Menu</title></head><body><nav><a href='/'>Home</a></nav></body></html>"
    )
    with pytest.raises(ReadError, match="^no article found in the page: no body text$"):
        read_bytes(page, "menu.html")


def test_broken_html_still_yields_the_text_it_has():
    page = PAGE.replace("</p>", "").replace("</article>", "").replace("</html>", "<div><span")
    [raw] = read_bytes(page.encode("utf-8"), "broken.html")
    assert "Emmanuel Macron met Vladimir Putin" in raw.text
    assert raw.meta["title"] == "Macron and Putin talk for five hours"


# --- JSON Lines -----------------------------------------------------------------------------


def test_news_corpus_lines_map_to_stories():
    stories = read_path(FORMATS / "news-corpus-sample.jsonl")
    stories = list(stories)
    assert len(stories) == 6
    first = stories[0]
    assert isinstance(first, RawStory)
    assert first.source.endswith("news-corpus-sample.jsonl:1")
    record = json.loads((FORMATS / "news-corpus-sample.jsonl").read_text().splitlines()[0])
    assert first.original == json.dumps(record, ensure_ascii=False) or json.loads(
        first.original
    ) == (record)
    assert first.meta["title"] == "Bomb Suspect Changed After Trip Abroad, Friends Say"
    assert first.meta["outlet"] == "New York Times - News"
    assert first.meta["published"] == "2016-09-20"
    assert first.meta["byline"] == "N. R. Kleinfield"
    assert first.text.split("\n")[0] == "Bomb Suspect Changed After Trip Abroad, Friends Say"
    # a text that repeats the headline on its first line does not repeat it in the story
    second = stories[1]
    assert second.text.split("\n")[0] == second.meta["title"]
    assert second.text.split("\n")[1] != second.meta["title"]


def test_news_please_style_record_with_author_list():
    line = json.dumps(
        {
            "title": "Talks in Moscow",
            "maintext": "First paragraph.\n\nSecond paragraph.",
            "url": "https://news.example/a",
            "source_domain": "news.example",
            "date_publish": "2022-02-07 10:00:00",
            "authors": ["Ann Smith", "Bob Jones"],
            "description": "A summary.",
        }
    )
    [raw] = read_bytes(line.encode(), "export.jsonl")
    assert raw.source == "export.jsonl:1"
    assert raw.text == "Talks in Moscow\nFirst paragraph.\nSecond paragraph."
    assert raw.meta == {
        "title": "Talks in Moscow",
        "url": "https://news.example/a",
        "outlet": "news.example",
        "published": "2022-02-07 10:00:00",
        "byline": "Ann Smith, Bob Jones",
        "standfirst": "A summary.",
    }
    assert raw.url == "https://news.example/a"
    assert pipeline.extract(raw).published.isoformat() == "2022-02-07"


def test_field_map_documents_every_archive_field():
    assert set(JSONL_FIELDS) == {
        "title",
        "text",
        "url",
        "outlet",
        "published",
        "byline",
        "standfirst",
    }
    assert JSONL_FIELDS["text"][:2] == ("text", "maintext")


def test_bad_json_lines_are_reported_by_line_and_the_rest_read():
    good = json.dumps({"title": "A", "text": "Body of A."})
    lines = [
        good,
        "{not json",
        "",
        json.dumps({"title": "No text here", "url": "https://x"}),
        json.dumps(["a", "list"]),
        json.dumps({"title": "B", "text": "Body of B."}),
    ]
    out = _records(read_bytes("\n".join(lines).encode(), "mixed.jsonl"))
    assert [o if isinstance(o, tuple) else o.source for o in out] == [
        "mixed.jsonl:1",
        ("mixed.jsonl:2", "not JSON: Expecting property name enclosed in double quotes (column 2)"),
        (
            "mixed.jsonl:4",
            "no text: none of text, maintext, content, content_original, body, articleBody, "
            "article has a value",
        ),
        ("mixed.jsonl:5", "not a JSON object but list"),
        "mixed.jsonl:6",
    ]


def test_jsonl_record_over_the_limit_is_an_error_and_the_next_is_read():
    big = json.dumps({"title": "Big", "text": "word " * 500})
    small = json.dumps({"title": "Small", "text": "Just this."})
    out = _records(read_bytes(f"{big}\n{small}\n".encode(), "e.jsonl", max_bytes=1000))
    assert out[0] == ("e.jsonl:1", "record too large: over 1,000 bytes")
    assert out[1].source == "e.jsonl:2" and out[1].meta["title"] == "Small"


def test_gzipped_jsonl_and_truncated_gzip(tmp_path):
    lines = "".join(
        json.dumps({"title": f"T{i}", "text": f"Body {i}."}) + "\n" for i in range(50)
    ).encode()
    packed = gzip.compress(lines)
    path = tmp_path / "export.jsonl.gz"
    path.write_bytes(packed)
    stories = list(read_path(path))
    assert [s.meta["title"] for s in stories] == [f"T{i}" for i in range(50)]
    path.write_bytes(packed[: len(packed) // 2])
    out = _records(read_path(path))
    assert all(isinstance(s, RawStory) for s in out[:-1])
    assert out[-1][0] == str(path)
    assert out[-1][1].startswith("unreadable: EOFError: Compressed file ended before")


# --- WARC -------------------------------------------------------------------------------


def test_warc_html_response_becomes_a_story_with_url_and_capture_date():
    [raw] = read_path(FORMATS / "example.warc.gz")
    assert raw.source == f"{FORMATS / 'example.warc.gz'}#3"
    assert raw.format == "warc"
    assert raw.url == "http://example.com/"
    assert raw.meta["captured"] == "2017-03-06"
    assert raw.meta["published"] == "2017-03-06"
    assert raw.text.split("\n")[0] == "Example Domain"
    assert "illustrative examples" in raw.text
    assert raw.original.lstrip().lower().startswith("<!doctype html>")


@pytest.mark.parametrize(
    "name", ["example.warc", "example.warc.gz", "example.arc", "example-iana.org-chunked.warc"]
)
def test_warc_and_arc_samples_each_give_their_page(name):
    stories = list(read_path(FORMATS / name))
    assert len(stories) == 1 and isinstance(stories[0], RawStory)
    assert stories[0].url in ("http://example.com/", "http://iana.org/")


def test_truncated_warc_keeps_the_records_before_the_cut():
    data = (FORMATS / "example.warc").read_bytes()
    # cut inside the HTML response record: nothing is lost silently
    out = _records(read_bytes(data[:2000], "cut.warc"))
    assert out == [
        ("cut.warc#3", "truncated record: the file ends inside it (http://example.com/)")
    ]
    # cut after the response, inside the request record: the page is kept, the cut reported
    out = _records(read_bytes(data[:3000], "cut.warc"))
    assert out[0].source == "cut.warc#3" and out[0].url == "http://example.com/"
    assert out[1] == ("cut.warc#4", "truncated record: the file ends inside it")


def test_warc_without_html_is_an_error():
    data = (FORMATS / "example.warc").read_bytes()
    out = _records(read_bytes(data[:1500], "info.warc"))
    assert out == [("info.warc", "no HTML pages: none of its 2 records is an HTML response")]


# --- detection --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (PAGE.encode(), "story.txt", "html"),  # content wins over the extension
        (b"Headline\n\nBody of the story.", "story.html", "text"),
        (b'{"title": "A", "text": "B"}\n', "export.txt", "jsonl"),
        (b"{broken\n", "export.jsonl", "jsonl"),
        (b"{braces in a story}\nBody.", "story.txt", "text"),
        (b"WARC/1.0\r\nWARC-Type: warcinfo\r\n", "crawl.bin", "warc"),
        (b"filedesc://x.arc 0.0.0.0 20140216050221 text/plain 75\n", "x", "warc"),
        (gzip.compress(b"WARC/1.1\r\n"), "crawl.gz", "warc"),
        (gzip.compress(b'{"text": "x"}\n'), "export.gz", "jsonl"),
        (gzip.compress(PAGE.encode()), "page.gz", "gzip:html"),
        (b"%PDF-1.7\n...", "story.txt", "binary:a PDF document"),
        (b"PK\x03\x04rest", "story.docx", "binary:a ZIP archive (or an Office document)"),
        (b"<p>A fragment</p><p>with paragraphs</p>", "frag.txt", "html"),
        (b"<3 is a heart, a story about emoticons", "story.txt", "text"),
    ],
)
def test_format_is_chosen_by_content(data, name, expected):
    assert detect_format(data, name) == expected


def test_unknown_format_is_a_clear_error():
    with pytest.raises(UnknownFormat) as excinfo:
        read_bytes(b"%PDF-1.7\n%binary", "report.txt")
    assert str(excinfo.value) == (
        "unknown format: a PDF document; the archive reads plain text, HTML, "
        "WARC/ARC (.warc, .warc.gz) and JSON Lines"
    )


def test_gzipped_text_story_is_unpacked_and_a_bomb_refused():
    [raw] = read_bytes(gzip.compress(b"Headline\n\nBody."), "story.txt.gz")
    assert raw.text == "Headline\n\nBody." and raw.format == "text"
    with pytest.raises(ReadError, match="^file too large once unpacked: over 1,000 bytes$"):
        read_bytes(gzip.compress(b"a" * 5000), "bomb.txt.gz", max_bytes=1000)


# --- re-extraction --------------------------------------------------------------------------


def test_raw_story_from_article_reruns_the_reader():
    [html] = read_bytes(PAGE.encode(), "talks.html")
    again = raw_story_from_article(html.stored_raw, "html", "talks.html", html.url)
    assert (again.text, again.meta, again.content_hash) == (
        html.text,
        html.meta,
        html.content_hash,
    )
    line = json.dumps({"title": "T", "text": "Body.", "url": "https://u"})
    [js] = read_bytes(line.encode(), "e.jsonl")
    again = raw_story_from_article(js.stored_raw, "jsonl", "e.jsonl:1", js.url)
    assert (again.text, again.meta, again.content_hash) == (js.text, js.meta, js.content_hash)
    text = raw_story_from_article("Headline\n\nBody.", "text", "a.txt")
    assert text.text == "Headline\n\nBody." and text.stored_raw == "Headline\n\nBody."
