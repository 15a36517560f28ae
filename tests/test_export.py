"""The JSON Lines export: the data contract for researchers."""

import io
import json

import pytest
from django.core.management import call_command

from archive.models import Alias, Article, Mention, Outlet, Person, Quote

pytestmark = pytest.mark.django_db

KEYS = [
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


def test_export_of_the_seeds_has_five_lines_in_the_documented_shape(seeded, tmp_path):
    target = tmp_path / "out.jsonl"
    call_command("export_articles", "--output", str(target))
    lines = target.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 5
    records = [json.loads(line) for line in lines]
    for record in records:
        assert list(record) == KEYS
        assert isinstance(record["body"], list) and all(isinstance(p, str) for p in record["body"])
        assert record["status"] == "published"
        for person in record["people"]:
            assert set(person) == {"name", "aliases", "mentions"}
        for quote in record["quotes"]:
            assert set(quote) == {"text", "speaker", "speaker_label", "fragment"}
    assert [r["id"] for r in records] == sorted(r["id"] for r in records)


def test_export_record_values():
    outlet = Outlet.objects.create(name="The Example Times")
    article = Article.objects.create(
        title="A headline",
        standfirst="The summary",
        body="First.\n\nSecond.",
        outlet=outlet,
        published="2022-02-08",
        url="https://example.org/a",
        source="a.txt",
        raw="raw",
        content_hash="h1",
        status="published",
    )
    person = Person.objects.create(name="Vladimir Putin")
    Alias.objects.create(person=person, name="Putin", key="putin")
    Alias.objects.create(person=person, name="Vladimir Putin", key="vladimir putin")
    Mention.objects.create(article=article, person=person, count=3)
    Quote.objects.create(
        article=article, speaker=person, speaker_label="Mr Putin", text="We share concerns."
    )
    Quote.objects.create(
        article=article,
        speaker_label="the Kremlin",
        text="This is wrong.",
        position=1,
        is_fragment=True,
    )
    out = io.StringIO()
    call_command("export_articles", stdout=out)
    record = json.loads(out.getvalue())
    assert record == {
        "id": article.pk,
        "source": "a.txt",
        "title": "A headline",
        "standfirst": "The summary",
        "outlet": "The Example Times",
        "authors": [],
        "wire": None,
        "published": "2022-02-08",
        "url": "https://example.org/a",
        "status": "published",
        "body": ["First.", "Second."],
        "people": [{"name": "Vladimir Putin", "aliases": ["Putin"], "mentions": 3}],
        "quotes": [
            {
                "text": "We share concerns.",
                "speaker": "Vladimir Putin",
                "speaker_label": "Mr Putin",
                "fragment": False,
            },
            {
                "text": "This is wrong.",
                "speaker": None,
                "speaker_label": "the Kremlin",
                "fragment": True,
            },
        ],
        "cluster": None,
        "first_published_copy": None,
    }


def test_export_runs_in_a_fixed_number_of_queries(seeded, django_assert_max_num_queries):
    from archive.export import export_queryset, write_jsonl

    with django_assert_max_num_queries(6):
        n = write_jsonl(io.StringIO(), export_queryset())
    assert n == 5


def test_export_with_unknown_outlet_and_date():
    Article.objects.create(title="Loose story", body="Text.", raw="raw", content_hash="h2")
    out = io.StringIO()
    call_command("export_articles", "--status", "new", stdout=out)
    record = json.loads(out.getvalue())
    assert record["outlet"] is None and record["published"] is None and record["status"] == "new"
