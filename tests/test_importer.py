"""The importer: idempotency, bad input in a batch, the summary and the command."""

import io

import pytest
from django.core.management import CommandError, call_command

from archive.importer import import_paths, import_uploads
from archive.models import Article, ImportBatch, Outlet

pytestmark = pytest.mark.django_db

SEED_TITLES = {
    "Putin humiliates Macron as Russia sidelines France moments before stage set for invasion",
    "Kremlin says Macron does not have influence to make deal with Putin",
    "Russia and France share ‘security concerns’ says Putin during meeting with Macron in Moscow",
    "US and France discuss Ukraine ahead of Macron’s meeting with Putin",
    "Macron and Putin agree to push for ceasefire in eastern Ukraine, as US warns of imminent "
    "Russian invasion",
}


def table_snapshot():
    return list(Article.objects.order_by("id").values_list("id", "content_hash", "updated"))


def test_seeds_import_once_then_unchanged(seeds_dir):
    first = import_paths([str(seeds_dir)])
    assert (first.created, first.unchanged, first.failed) == (5, 0, 0)
    assert set(Article.objects.values_list("title", flat=True)) == SEED_TITLES
    before = table_snapshot()
    second = import_paths([str(seeds_dir)])
    assert (second.created, second.unchanged, second.failed) == (0, 5, 0)
    assert second.summary_line() == "0 created, 5 unchanged, 0 failed"
    assert table_snapshot() == before


def test_raw_input_is_kept_exactly(seeds_dir):
    import_paths([str(seeds_dir / "000_f30beedecabb5a91.txt")])
    article = Article.objects.get()
    assert article.raw == (seeds_dir / "000_f30beedecabb5a91.txt").read_text(encoding="utf-8")
    assert article.source.endswith("000_f30beedecabb5a91.txt")
    assert article.status == Article.Status.PUBLISHED
    assert article.outlet.name == "London Defender"
    assert article.paragraphs[0].startswith("The Russian President suggested")
    assert not any(p.startswith("READ MORE") for p in article.paragraphs)
    assert {r["reason"] for r in article.removed} >= {"promo link", "site name"}


def test_review_leaves_stories_new(seeds_dir):
    import_paths([str(seeds_dir)], review=True)
    assert set(Article.objects.values_list("status", flat=True)) == {"new"}


def test_outlet_option_fills_only_where_the_story_does_not_say(seeds_dir):
    import_paths([str(seeds_dir)], outlet="Wire Desk")
    outlets = dict(Article.objects.values_list("source", "outlet__name"))
    by_file = {src.rsplit("/", 1)[1]: name for src, name in outlets.items()}
    assert by_file["000_f30beedecabb5a91.txt"] == "London Defender"
    assert by_file["003_2c509556c5da08e6.txt"] == "Time Plus News"
    assert by_file["002_2bc22f07f8fd66ef.txt"] == "Wire Desk"


def test_bad_files_are_reported_by_name_and_good_ones_land(seeds_dir, tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "binary.bin").write_bytes(bytes(range(256)) * 4)
    (bad / "latin.txt").write_bytes(
        "Café owners protest\n\nThe owners of a café said they would “fight on”.\n".encode("cp1252")
    )
    (bad / "wide.txt").write_bytes(
        "Council votes on budget\n\nThe council voted on Tuesday to approve the budget.\n".encode(
            "utf-16"
        )
    )
    (bad / "huge.txt").write_bytes(b"Big story\n\n" + b"x" * 6000)
    (tmp_path / "hollow").mkdir()
    result = import_paths(
        [
            str(bad),
            str(seeds_dir / "000_f30beedecabb5a91.txt"),
            str(tmp_path / "hollow"),
            str(tmp_path / "absent.txt"),
        ],
        max_bytes=5000,
    )
    failures = {o.source.rsplit("/", 1)[-1]: o.reason for o in result.failures}
    assert failures == {
        "binary.bin": "binary file (contains NUL bytes), not a text story",
        "empty.txt": "empty story: the file has no text",
        "huge.txt": "file too large: 6,011 bytes, the limit is 5,000 bytes",
        "hollow": "folder has no stories",
        "absent.txt": "no such file or folder",
    }
    assert result.created == 3
    titles = set(Article.objects.values_list("title", flat=True))
    assert "Café owners protest" in titles
    assert "Council votes on budget" in titles
    latin = Article.objects.get(title="Café owners protest")
    assert latin.encoding == "cp1252"
    assert "“fight on”" in latin.body


def test_uploads_use_the_same_importer():
    result = import_uploads(
        [
            ("one.txt", b"First headline here\n\nA body paragraph for the first story."),
            ("two.txt", b""),
        ],
        review=True,
    )
    assert result.summary_line() == "1 created, 0 unchanged, 1 failed"
    assert result.failures[0].source == "two.txt"
    batch = ImportBatch.objects.get()
    assert batch.origin == "upload"
    assert (batch.created_count, batch.failed_count) == (1, 1)
    assert [r["status"] for r in batch.report] == ["created", "failed"]
    assert Article.objects.get().batch == batch


def test_same_story_twice_in_one_batch_is_stored_once(tmp_path):
    text = b"Same headline\n\nSame body paragraph, word for word.\n"
    (tmp_path / "a.txt").write_bytes(text)
    (tmp_path / "b.txt").write_bytes(text.replace(b"\n", b"\r\n"))
    result = import_paths([str(tmp_path)])
    assert (result.created, result.unchanged) == (1, 1)
    assert Article.objects.count() == 1


def test_command_prints_summary_and_failures_and_exits_nonzero(seeds_dir, tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 file\\(s\\) failed") as exc:
        call_command(
            "import_articles",
            str(seeds_dir),
            str(tmp_path / "empty.txt"),
            "--no-progress",
            stdout=out,
        )
    assert exc.value.returncode == 1
    lines = out.getvalue().splitlines()
    assert lines[0] == "5 created, 0 unchanged, 1 failed"
    assert lines[1] == f"FAILED {tmp_path / 'empty.txt'}: empty story: the file has no text"
    out = io.StringIO()
    call_command("import_articles", str(seeds_dir), "--no-progress", stdout=out)
    assert out.getvalue().splitlines() == ["0 created, 5 unchanged, 0 failed"]
    assert Outlet.objects.filter(name="London Defender").count() == 1


def test_a_story_failing_mid_chunk_leaves_the_others_people_and_quotes_whole(
    seeds_dir, settings, monkeypatch
):
    from archive import clusters
    from archive.ingest import pipeline
    from archive.ingest.readers import read_path
    from archive.models import Mention, Quote

    settings.ARCHIVE_IMPORT_CHUNK = 10  # the five seeds in one chunk
    files = sorted(seeds_dir.iterdir())
    doomed = pipeline.extract(read_path(files[2])[0]).title
    real = clusters.file_article

    def file_article(article, *args):
        if article.title == doomed:
            raise RuntimeError("disk trouble")
        return real(article, *args)

    monkeypatch.setattr(clusters, "file_article", file_article)
    result = import_paths([str(seeds_dir)])
    assert result.summary_line() == "4 created, 0 unchanged, 1 failed"
    assert not Article.objects.filter(title=doomed).exists()
    assert Quote.objects.exclude(article__in=Article.objects.all()).count() == 0
    for path in files:
        story = pipeline.extract(read_path(path)[0])
        if story.title == doomed:
            continue
        article = Article.objects.get(title=story.title[:500])
        assert article.quotes.count() == len(story.quotes)
        names = {m.person.name for m in Mention.objects.filter(article=article)}
        assert len(names) == article.mentions.count() > 0
    # the outlets count the stories saved, not the one rolled back
    with_outlet = Article.objects.filter(outlet__isnull=False).count()
    assert sum(Outlet.objects.values_list("article_count", flat=True)) == with_outlet == 3
    for outlet in Outlet.objects.all():
        stories = Article.objects.filter(outlet=outlet)
        dates = sorted(a.published for a in stories if a.published)
        assert (outlet.article_count, outlet.first_published, outlet.last_published) == (
            stories.count(),
            dates[0] if dates else None,
            dates[-1] if dates else None,
        )


def test_stories_held_for_review_are_not_counted_in_their_outlets(seeds_dir):
    result = import_paths([str(seeds_dir)], review=True)
    assert result.created == 5 and Outlet.objects.count() >= 3
    assert set(Outlet.objects.values_list("article_count", "first_published")) == {(0, None)}


def test_an_import_collects_garbage_less_often_and_restores_the_collector(seeds_dir):
    import gc

    from archive import importer

    before = gc.get_threshold()
    during = []
    result = import_paths([seeds_dir], progress=lambda outcome: during.append(gc.get_threshold()))
    assert result.created == 5 and len(during) == 5
    assert {t[0] for t in during} == {max(importer.GC_YOUNG, before[0])}
    assert gc.get_threshold() == before
    with pytest.raises(RuntimeError), importer.fewer_collections(123_456):
        assert gc.get_threshold()[0] == 123_456
        raise RuntimeError("a failing import")
    assert gc.get_threshold() == before


@pytest.mark.parametrize(
    "chunk, seconds, commits",
    [(1000, 60.0, [5]), (3, 60.0, [3, 2]), (1000, 0.0, [2, 2, 1])],
)
def test_a_chunk_ends_at_its_story_count_or_its_time_limit(
    seeds_dir, settings, monkeypatch, django_capture_on_commit_callbacks, chunk, seconds, commits
):
    """One transaction per chunk, each announcing its stories once committed: a chunk
    closes after ``ARCHIVE_IMPORT_CHUNK`` stories, or after the group of look-ups (two
    stories here) during which ``ARCHIVE_IMPORT_CHUNK_SECONDS`` ran out."""
    from archive import importer
    from archive.signals import articles_changed

    monkeypatch.setattr(importer, "LOOK_AHEAD", 2)
    settings.ARCHIVE_IMPORT_CHUNK = chunk
    settings.ARCHIVE_IMPORT_CHUNK_SECONDS = seconds
    sent = []
    articles_changed.connect(
        lambda sender, **kw: sent.append(len(kw["ids"])), weak=False, dispatch_uid="chunks"
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            result = import_paths([str(seeds_dir)])
    finally:
        articles_changed.disconnect(dispatch_uid="chunks")
    assert result.created == 5
    assert sent == commits


def _stories(tmp_path, numbers):
    from .test_import_concurrent import write_folder

    return write_folder(tmp_path / "stories", numbers)


def test_an_outlet_made_by_a_story_rolled_back_is_made_again(tmp_path, settings, monkeypatch):
    from archive import clusters

    settings.ARCHIVE_IMPORT_CHUNK = 10
    folder = _stories(tmp_path, [1, 5])  # both of the Harbour Times, a new outlet
    real = clusters.file_article

    def file_article(article, *args):
        if "Talks number 1 " in article.raw:
            raise RuntimeError("disk trouble")  # after the outlet was made, in its savepoint
        return real(article, *args)

    monkeypatch.setattr(clusters, "file_article", file_article)
    result = import_paths([str(folder)])
    assert result.summary_line() == "1 created, 0 unchanged, 1 failed"
    article = Article.objects.get()
    assert "Talks number 5 " in article.raw
    assert Outlet.objects.get(pk=article.outlet_id).name == "Harbour Times"


def test_a_chunk_rolled_back_by_a_deadlock_is_saved_again(tmp_path, settings, monkeypatch):
    from django.db import OperationalError

    from archive import importer
    from archive.models import Mention, Person

    settings.ARCHIVE_IMPORT_CHUNK = 3
    monkeypatch.setattr(importer, "RETRY_WAIT", 0)
    folder = _stories(tmp_path, range(7))
    real = importer.Importer.end_chunk
    calls = []

    def end_chunk(self):
        calls.append(len(calls))
        if len(calls) == 2:  # the second chunk, once
            raise OperationalError("deadlock detected")
        real(self)

    monkeypatch.setattr(importer.Importer, "end_chunk", end_chunk)
    seen = []
    result = import_paths([str(folder)], progress=lambda o: seen.append(o.source))
    assert result.summary_line() == "7 created, 0 unchanged, 0 failed"
    assert len(calls) == 4  # three chunks, the second twice
    assert seen == [o.source for o in result.outcomes] and len(set(seen)) == 7
    assert Article.objects.count() == 7
    assert sorted(Article.objects.values_list("id", flat=True)) == sorted(
        o.article_id for o in result.outcomes
    )
    assert Mention.objects.count() == 14
    names = list(Person.objects.values_list("name", flat=True))
    assert len(names) == len(set(names))
    for person in Person.objects.all():
        assert person.mention_count == Mention.objects.filter(person=person).count()


def test_a_chunk_failing_every_time_fails_its_stories_and_the_run_goes_on(
    tmp_path, settings, monkeypatch
):
    from django.db import OperationalError

    from archive import importer

    settings.ARCHIVE_IMPORT_CHUNK = 3
    monkeypatch.setattr(importer, "RETRY_WAIT", 0)
    folder = _stories(tmp_path, range(7))
    real = importer.Importer.end_chunk

    def end_chunk(self):
        if any("Talks number 0 " in raw for raw in Article.objects.values_list("raw", flat=True)):
            raise OperationalError("could not serialize access")
        real(self)

    monkeypatch.setattr(importer.Importer, "end_chunk", end_chunk)
    result = import_paths([str(folder)])
    assert result.summary_line() == "4 created, 0 unchanged, 3 failed"
    assert [o.status for o in result.outcomes] == ["failed"] * 3 + ["created"] * 4
    assert result.failures[0].reason == "could not be saved: could not serialize access"
    assert Article.objects.count() == 4


def test_a_story_another_import_saved_meanwhile_is_unchanged(tmp_path, monkeypatch):
    from archive import importer
    from archive.ingest.readers import read_path

    folder = _stories(tmp_path, [3])
    first = import_paths([str(folder)])
    # The other import's row was not there when this one looked: its INSERT fails.
    monkeypatch.setattr(importer.Importer, "look_up", lambda self, raws: None)
    raw = read_path(next(folder.iterdir()))[0]
    again = importer.Importer()
    again.seen[raw.content_hash] = None
    monkeypatch.setattr(importer, "Importer", lambda **kw: again)
    second = import_paths([str(folder)])
    assert second.summary_line() == "0 created, 1 unchanged, 0 failed"
    assert second.outcomes[0].article_id == first.outcomes[0].article_id
    assert Article.objects.count() == 1


def test_a_person_another_process_made_meanwhile_is_used_not_made_twice():
    from archive.ingest.people import PersonMention
    from archive.models import Person
    from archive.people import PersonResolver

    resolver = PersonResolver()
    resolver.known_names()  # the archive's names, read before the other process saved
    Person.objects.create(name="Anna Hartmann", slug="anna-hartmann")
    Person.objects.create(name="Boris Novak", slug="clara-lindqvist")  # (a curator's slug)
    elena = Person.objects.create(name="Elena Ferreira", slug="elena-ferreira")
    anna = resolver.resolve(PersonMention("Anna Hartmann", {"Hartmann"}, 2))
    clara = resolver.resolve(PersonMention("Clara Lindqvist", set(), 1))
    assert Person.objects.get(slug="anna-hartmann") == anna
    assert (clara.name, clara.slug) == ("Clara Lindqvist", "clara-lindqvist-2")
    # (the slugs read for Clara are not taken for people held here)
    assert resolver.resolve(PersonMention("Elena Ferreira", set(), 1)) == elena
    assert Person.objects.count() == 4


def test_the_first_chunk_reads_again_the_people_another_import_added_since_they_were_read(
    tmp_path, settings, monkeypatch
):
    from archive import importer
    from archive.models import Mention, Person

    settings.ARCHIVE_IMPORT_WORKERS = 1  # the people are read for the extraction ahead,
    settings.ARCHIVE_IMPORT_POOL_MIN = 0  # before the first chunk waits for its turn
    folder = _stories(tmp_path, [15])  # quotes Anna Hartmann
    real = importer._lock_chunk
    made = []

    def lock_chunk():
        if not made:  # another import's chunk commits while this one waits
            made.append(Person.objects.create(name="Anna Hartmann", slug="hartmann"))
        real()

    monkeypatch.setattr(importer, "_lock_chunk", lock_chunk)
    result = import_paths([str(folder)])
    assert result.summary_line() == "1 created, 0 unchanged, 0 failed"
    assert list(Person.objects.filter(name="Anna Hartmann")) == made
    assert Mention.objects.filter(person=made[0]).count() == 1


def test_a_slug_changed_in_place_during_an_import_leaves_the_new_person_a_free_one():
    """The people are held in memory for the run; a slug a curator changes meanwhile (which
    adds nobody) makes the next new person's INSERT fail: the story is saved again with the
    people read again, never reported failed."""
    from archive.models import Person

    other = Person.objects.create(name="Someone Else")
    stories = [
        ("1.txt", b"Budget passes\n\nThe budget passed on Monday after a long debate."),
        ("2.txt", b"Plan praised\n\nJane Roe said the plan would work. Roe is a minister."),
    ]

    def progress(outcome):
        if outcome.source == "1.txt":
            Person.objects.filter(pk=other.pk).update(slug="jane-roe")

    result = import_uploads(stories, progress=progress)
    assert result.report_lines() == ["2 created, 0 unchanged, 0 failed"]
    assert Person.objects.get(name="Jane Roe").slug == "jane-roe-2"
    assert Person.objects.get(pk=other.pk).slug == "jane-roe"
