"""Imports side by side: overlapping inputs imported by processes at once all finish,
every story once, every person once, no story failed, the index in step.

The imports run as ``manage.py import_articles`` processes against a database both see:
on SQLite a file of the test's own (migrated first), on PostgreSQL the test database with
its rows committed (``transaction=True``)."""

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from .conftest import ROOT

FIRST = ["Anna", "Boris", "Clara", "David", "Elena", "Felix", "Greta", "Hugo", "Irene"]
FIRST += ["Jonas", "Karin", "Lukas", "Marta", "Nikolai", "Olga", "Pavel"]
LAST = ["Hartmann", "Novak", "Lindqvist", "Okonkwo", "Ferreira", "Kowalski", "Brennan"]
LAST += ["Takahashi", "Moreau", "Jansen", "Petrova", "Castillo", "Wagner", "Halvorsen"]
LAST += ["Dimitrov", "Achterberg"]
OUTLETS = ["Northern Ledger", "Harbour Times", "Valley Courier", "Capital Wire"]


def story(i: int) -> str:
    """A story quoting two of sixteen people, in the seeds' text format."""
    a, b = random.Random(i).sample(range(len(LAST)), 2)
    first, second = f"{FIRST[a]} {LAST[a]}", f"{FIRST[b]} {LAST[b]}"
    return (
        f"{OUTLETS[i % len(OUTLETS)]}\n\n"
        f"Talks number {i} between {first} and {second} end without a deal\n\n"
        f"Negotiators met for round {i} of the talks on the harbour treaty on Tuesday.\n\n"
        f"{first}, the trade minister, said the talks in round {i} had been difficult. "
        f"“We have made progress on fishing rights but not on tariffs,” {LAST[a]} told "
        "reporters.\n\n"
        f"{second} said in a statement that the opposition would not support the treaty. "
        f"“This deal gives away far too much,” {LAST[b]} said.\n\n"
        f"The next round, number {i + 1}, is planned for the spring.\n"
    )


def write_folder(folder: Path, numbers, *, backwards: bool = False) -> Path:
    """The stories ``numbers`` as files of ``folder``, read in that order (or backwards:
    the other import then meets the same people in the other order)."""
    folder.mkdir(parents=True)
    for n in numbers:
        name = f"{9999 - n if backwards else n:04d}.txt"
        (folder / name).write_text(story(n), encoding="utf-8")
    return folder


FIGURES = """
import json, re
from django.db.models import Count
from archive.models import Article, Mention, Outlet, Person
raws = Article.objects.values_list("raw", flat=True)
print(json.dumps({
    "articles": Article.objects.count(),
    "rounds": sorted(int(re.search(r"Talks number (\\d+) ", r).group(1)) for r in raws),
    "people": sorted(Person.objects.values_list("name", flat=True)),
    "outlets": sorted(Outlet.objects.values_list("name", flat=True)),
    "mentions": Mention.objects.count(),
    "unmentioned": Article.objects.annotate(n=Count("mentions")).filter(n__lt=2).count(),
}))
"""


def _database_url(tmp_path) -> str:
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'archive.sqlite3'}"
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_overlapping_imports_at_once_save_every_story_and_person_once(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "archive.settings",
        "DATABASE_URL": _database_url(tmp_path),
        "ARCHIVE_VAR_DIR": str(tmp_path / "var"),
        "ARCHIVE_INDEX_DIR": str(tmp_path / "index"),
        "ARCHIVE_INDEX_INLINE": "1",  # the index written in each import's process
        "ARCHIVE_IMPORT_CHUNK": "3",  # many small transactions, interleaved
    }

    def manage(*args, wait=True):
        proc = subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        if not wait:
            return proc
        out, err = proc.communicate(timeout=300)
        return proc.returncode, out, err

    if connection.vendor == "sqlite":
        assert manage("migrate", "-v0")[0] == 0
    first = write_folder(tmp_path / "first", range(0, 48))
    second = write_folder(tmp_path / "second", range(24, 72), backwards=True)
    third = write_folder(tmp_path / "third", range(12, 60, 2))
    runs = [
        manage("import_articles", "--no-progress", str(folder), wait=False)
        for folder in (first, second, third)
    ]
    done = [(proc.communicate(timeout=300), proc.returncode) for proc in runs]
    summaries = []
    for (out, err), code in done:
        assert code == 0, out + err
        assert "Traceback" not in err
        summaries.append(out.splitlines()[0])
    created = unchanged = 0
    for line in summaries:
        c, u, f = (int(part.split()[0]) for part in line.split(", "))
        assert f == 0, summaries
        created, unchanged = created + c, unchanged + u
    assert (created, unchanged) == (72, 48 + 48 + 24 - 72), summaries

    code, out, err = manage("shell", "-v0", "-c", FIGURES)
    assert code == 0, err
    figures = json.loads(out)
    assert figures["articles"] == 72
    assert figures["rounds"] == list(range(72))
    assert figures["people"] == sorted(f"{f} {n}" for f, n in zip(FIRST, LAST, strict=True))
    assert figures["outlets"] == sorted(OUTLETS[1:])  # (the first is read as a headline)
    assert (figures["mentions"], figures["unmentioned"]) == (144, 0)
    code, out, err = manage("check_index")
    assert code == 0, out + err
    assert "72 published, 72 indexed: 0 missing, 0 stale, 0 extra, 0 pending" in out


@pytest.mark.django_db
def test_deferred_indexes_dropped_or_built_by_another_run_meanwhile():
    """Two bulk runs on SQLite each drop the indexes they defer, and build them at the
    end: whichever comes second finds the work done, and is not stopped by it."""
    from archive import bulk

    names = {index.name for _model, index in bulk._deferred()}
    bulk._alter("default", drop=names)
    bulk._alter("default", drop=names)
    assert bulk.missing_indexes() == sorted(names)
    bulk._alter("default", create=names)
    bulk._alter("default", create=names)
    assert bulk.missing_indexes() == []
