"""Importing HTML, WARC and JSON Lines files: one outcome per record, bad records alone fail."""

import json
import shutil
from pathlib import Path

import pytest

from archive.importer import import_paths, import_uploads
from archive.models import Article

from .test_formats_readers import PAGE

pytestmark = pytest.mark.django_db
FORMATS = Path(__file__).resolve().parent.parent / "fixtures" / "formats"


def _jsonl(tmp_path):
    lines = [
        json.dumps({"title": "Good one", "text": "The first good story.\nIts second paragraph."}),
        "{not json",
        json.dumps({"title": "No text"}),
        json.dumps(
            {
                "title": "Good two",
                "maintext": "Another good story.\nWith more text.",
                "source_domain": "news.example",
                "date_publish": "2022-02-08",
                "url": "https://news.example/two",
            }
        ),
    ]
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, lines


def test_jsonl_bad_lines_fail_alone_with_file_and_line(tmp_path):
    path, lines = _jsonl(tmp_path)
    result = import_paths([str(path)])
    assert [(o.source, o.status) for o in result.outcomes] == [
        (f"{path}:1", "created"),
        (f"{path}:2", "failed"),
        (f"{path}:3", "failed"),
        (f"{path}:4", "created"),
    ]
    assert result.report_lines() == [
        "2 created, 0 unchanged, 2 failed",
        f"FAILED {path}:2: not JSON: Expecting property name enclosed in double quotes (column 2)",
        f"FAILED {path}:3: no text: none of text, maintext, content, content_original, body, "
        "articleBody, article has a value",
    ]
    two = Article.objects.get(title="Good two")
    assert two.raw == lines[3]
    assert two.raw_format == "jsonl"
    assert two.source == f"{path}:4"
    assert two.outlet.name == "news.example"
    assert two.published.isoformat() == "2022-02-08"
    assert two.url == "https://news.example/two"
    assert "Another good story." in f"{two.standfirst}\n{two.body}"
    assert two.paragraphs[-1] == "With more text."
    assert result.batch.report[1] == {
        "source": f"{path}:2",
        "status": "failed",
        "reason": "not JSON: Expecting property name enclosed in double quotes (column 2)",
        "article_id": None,
        "title": "",
    }
    again = import_paths([str(path)])
    assert (again.created, again.unchanged, again.failed) == (0, 2, 2)
    assert Article.objects.count() == 2


def test_html_warc_and_jsonl_in_one_folder(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(FORMATS / "example.warc.gz", folder / "crawl.warc.gz")
    shutil.copy(FORMATS / "jpost-berlin.html.gz", folder / "page.html.gz")
    shutil.copy(FORMATS / "news-corpus-sample.jsonl", folder / "sample.jsonl")
    (folder / "talks.txt").write_text(PAGE, encoding="utf-8")  # HTML whatever the name
    result = import_paths([str(folder)])
    assert result.failed == 0, result.report_lines()
    assert result.created == 1 + 1 + 6 + 1
    warc = Article.objects.get(source=f"{folder / 'crawl.warc.gz'}#3")
    assert warc.raw_format == "warc" and warc.url == "http://example.com/"
    assert warc.published.isoformat() == "2017-03-06"
    assert warc.raw.lstrip().lower().startswith("<!doctype html>")
    talks = Article.objects.get(source=str(folder / "talks.txt"))
    assert talks.raw == PAGE and talks.raw_format == "html"
    assert talks.title == "Macron and Putin talk for five hours"
    assert talks.outlet.name == "The Example Post" and talks.byline == "Jane Reporter"
    assert talks.quotes.filter(text__startswith="We share concerns").exists()


def test_upload_of_a_truncated_warc_keeps_what_was_read():
    data = (FORMATS / "example.warc").read_bytes()[:3000]
    result = import_uploads([("cut.warc", data)])
    assert [(o.source, o.status, o.reason) for o in result.outcomes] == [
        ("cut.warc#3", "created", ""),
        ("cut.warc#4", "failed", "truncated record: the file ends inside it"),
    ]


def test_unknown_format_fails_by_file_name():
    result = import_uploads([("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3 binary")])
    assert result.report_lines() == [
        "0 created, 0 unchanged, 1 failed",
        "FAILED report.pdf: unknown format: a PDF document; the archive reads plain text, "
        "HTML, WARC/ARC (.warc, .warc.gz) and JSON Lines",
    ]
