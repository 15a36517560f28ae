"""People found by the importer, scored against hand labels of 150 real stories.

Usage: python -m tests.bench.people [--data DIR] [--show N] [--json FILE]

The labels (``fixtures/labels/people.json``, from ``../shared/data/people-labels``) give, for
60 PolNeAR stories, 45 BBC stories and 45 pages of the extraction benchmark, every person
the story names (one archive-wide ``key`` per person and the ``forms`` the story uses),
traps that are not people (``not_people``) and names counted neither way (``borderline``).

The stories are imported through the real importer (``importer.import_paths``) into a
fresh scratch database: a temporary SQLite file, or with ``DATABASE_URL`` set, Django's
test database for it (``test_<name>``, created and dropped here). Story text: the PolNeAR
text file, the BBC file, or the benchmark page's headline (``meta.json``) as first line
and its ground-truth ``articleBody`` below.

What is scored is the name the archive SHOWS for each person of a story (``Person.name``
of each ``Mention``), not its aliases. Matching rule: a shown name is *right* for a
labelled person of the story when its key (``people.name_key``: case, accents and
punctuation folded) equals the person's key or one of the person's *full forms*: a form
the story uses of two words or more once leading courtesy titles (Mr, Mrs, Ms, Miss, Dr,
Sir, Dame, Prof, Rev) are left out; a key's bracketed qualifier ("Peter Blake (artist)")
is left out. A bare surname ("Obama") or "Mr. Obama" is not the person's right name;
titles that are how a person is known ("Lord Kinnock", "Pope Francis") are.

- precision: right shown names / shown names (names matching a borderline entry are left
  out of both);
- recall: labelled people (not ``ambiguous``) with a right shown name / labelled people;
- wrong person: shown names that are the key of a labelled person who is not in this
  story (another person's name: Bill for Hillary Clinton);
- surname only: shown names that are a one-word form of a person of the story whose key
  has more words (right person, not the right name);
- split: labelled people shown under two names or more, in one story or across stories;
- traps: shown names that are one of the story's ``not_people``;
- order: the stories imported again into an empty archive in reverse order; the stories
  whose shown people (names and counts) or quote speakers differ.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from tests.bench.common import shared_data

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

LABELS = ROOT / "fixtures" / "labels" / "people.json"
COURTESY = {"mr", "mrs", "ms", "miss", "dr", "mx", "sir", "dame", "prof", "rev"}
QUALIFIER = re.compile(r"\s*\([^)]*\)")  # "Peter Blake (artist)"


def default_data() -> Path:
    return shared_data()


def story_file_name(story: dict) -> str:
    return f"{story['set']}-{story['id'].replace('/', '-')}.txt"


def story_text(story: dict, data: Path, aeb_cache: dict) -> str:
    """The story as the archive receives it (see the module docstring)."""
    kind, sid = story["set"], story["id"]
    if kind == "polnear":
        return (data / "polnear" / "text" / f"{sid}.txt").read_text(encoding="utf-8")
    if kind == "bbc":
        raw = (data / "bbc" / f"{sid}.txt").read_bytes()
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.decode("latin-1")
    if not aeb_cache:
        base = data / "article-extraction-benchmark"
        aeb_cache["truth"] = json.loads((base / "ground-truth.json").read_text(encoding="utf-8"))
        aeb_cache["meta"] = json.loads((base / "meta.json").read_text(encoding="utf-8"))["pages"]
    headline = aeb_cache["meta"][sid]["headline"]
    return f"{headline}\n\n{aeb_cache['truth'][sid]['articleBody']}"


def write_stories(stories, data: Path, folder: Path) -> list[Path]:
    aeb: dict = {}
    paths = []
    for story in stories:
        path = folder / story_file_name(story)
        path.write_text(story_text(story, data, aeb), encoding="utf-8")
        paths.append(path)
    return paths


def full_forms(person: dict, name_key) -> set[str]:
    """The keys a shown name may have to be this person's right name."""
    keys = {name_key(QUALIFIER.sub("", person["key"]))}
    for form in person["forms"]:
        words = form.split()
        while words and words[0].rstrip(".").lower() in COURTESY:
            words = words[1:]  # "Sir Peter Blake": "Peter Blake"
        if len(words) >= 2:
            keys.add(name_key(" ".join(words)))
    return keys


def import_in_order(paths: list[Path]) -> dict[str, dict]:
    """Import ``paths`` in this order into an emptied archive; per file name: the names
    shown with their counts, and the quotes' speakers."""
    from archive.importer import import_paths
    from archive.models import Alias, Article, Person

    Article.objects.all().delete()
    Alias.objects.all().delete()
    Person.objects.all().delete()
    for path in paths:  # one story at a time: the order is the order given
        result = import_paths([str(path)])
        if result.failed:
            print(f"  FAILED {path.name}: {result.report_lines()}", file=sys.stderr)
    shown: dict[str, dict] = {}
    articles = Article.objects.prefetch_related("mentions__person", "quotes__speaker")
    for article in articles:
        name = Path(article.source).name
        shown[name] = {
            "people": sorted((m.person.name, m.count) for m in article.mentions.all()),
            "speakers": sorted(
                (q.position, q.speaker.name if q.speaker else "", q.speaker_label)
                for q in article.quotes.all()
            ),
        }
    return shown


def score(stories, shown: dict[str, dict], name_key) -> dict:
    all_keys = {}
    for story in stories:
        for person in story["people"]:
            all_keys[name_key(person["key"])] = person["key"]
    n_shown = n_right = n_wrong = n_surname = n_traps = n_other = 0
    n_people = n_found = 0
    names_of: dict[str, set[str]] = defaultdict(set)  # label key -> names shown for it
    errors: dict[str, list[str]] = defaultdict(list)
    for story in stories:
        sid = story_file_name(story)
        names = [name for name, _count in shown.get(sid, {}).get("people", [])]
        people = story["people"]
        right_for = {}
        for person in people:
            for key in full_forms(person, name_key):
                right_for.setdefault(key, person)
        border = {name_key(f) for b in story.get("borderline", []) for f in [b["key"], *b["forms"]]}
        traps = {name_key(t) for t in story.get("not_people", [])}
        surnames = {
            name_key(f): p
            for p in people
            for f in p["forms"]
            if len(f.split()) == 1 and len(p["key"].split()) > 1
        }
        found = set()
        for name in names:
            key = name_key(name)
            person = right_for.get(key)
            if person is None and key in border:
                continue
            n_shown += 1
            if person is not None:
                n_right += 1
                names_of[person["key"]].add(name)
                if person["key"] in found:
                    errors[sid].append(f"split in story: {person['key']!r} again as {name!r}")
                found.add(person["key"])
            elif key in all_keys and all_keys[key] not in {p["key"] for p in people}:
                n_wrong += 1
                errors[sid].append(f"wrong person: {name!r}")
            elif key in surnames:
                n_surname += 1
                names_of[surnames[key]["key"]].add(name)
                errors[sid].append(f"surname only: {name!r} for {surnames[key]['key']!r}")
            elif key in traps:
                n_traps += 1
                errors[sid].append(f"trap: {name!r}")
            else:
                n_other += 1
                errors[sid].append(f"not a labelled name: {name!r}")
        for person in people:
            if person.get("ambiguous"):
                continue
            n_people += 1
            if person["key"] in found:
                n_found += 1
            else:
                errors[sid].append(f"missed: {person['key']!r} {person['forms']}")
    split = {key: sorted(names) for key, names in names_of.items() if len(names) > 1}
    return {
        "stories": len(stories),
        "shown": n_shown,
        "right": n_right,
        "precision": n_right / n_shown if n_shown else 0.0,
        "labelled": n_people,
        "found": n_found,
        "recall": n_found / n_people if n_people else 0.0,
        "wrong_person": n_wrong,
        "surname_only": n_surname,
        "traps": n_traps,
        "other": n_other,
        "split": split,
        "errors": dict(errors),
    }


def differing(first: dict, second: dict) -> list[str]:
    return sorted(
        name for name in first.keys() | second.keys() if first.get(name) != second.get(name)
    )


def setup_django(tmp: Path):
    """A scratch database (see the module docstring); returns a function that drops it."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    os.environ["ARCHIVE_VAR_DIR"] = str(tmp)
    os.environ["ARCHIVE_INDEX_DIR"] = str(tmp / "index")
    os.environ["ARCHIVE_PAGE_CACHE_DIR"] = str(tmp / "pages")
    os.environ["ARCHIVE_PAGE_CACHE_STAMP"] = str(tmp / "pages.stamp")
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'people.sqlite3'}"
        postgres = False
    else:
        postgres = True
    import django

    django.setup()
    import logging

    logging.disable(logging.WARNING)
    from django.core.management import call_command
    from django.db import connection

    if postgres:
        old = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
        return lambda: connection.creation.destroy_test_db(old, verbosity=0)
    call_command("migrate", verbosity=0)
    return lambda: None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=default_data(), help="../shared/data")
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--show", type=int, default=0, help="print the errors of N stories")
    parser.add_argument("--json", type=Path, help="write the figures and errors here")
    parser.add_argument("--no-order", action="store_true", help="skip the second import order")
    args = parser.parse_args(argv)
    stories = json.loads(args.labels.read_text(encoding="utf-8"))["stories"]
    with tempfile.TemporaryDirectory(prefix="people-bench-") as tmp_name:
        tmp = Path(tmp_name)
        drop = setup_django(tmp)
        try:
            from archive.ingest.people import name_key

            folder = tmp / "stories"
            folder.mkdir()
            paths = write_stories(stories, args.data, folder)
            first = import_in_order(paths)
            result = score(stories, first, name_key)
            if not args.no_order:
                second = import_in_order(list(reversed(paths)))
                result["order_differs"] = differing(first, second)
        finally:
            drop()
    shown = result["shown"] or 1
    print(f"stories: {result['stories']}, labelled people: {result['labelled']}")
    print(f"precision: {result['precision']:.3f} ({result['right']}/{result['shown']})")
    print(f"recall: {result['recall']:.3f} ({result['found']}/{result['labelled']})")
    print(
        f"wrong person: {result['wrong_person']} ({100 * result['wrong_person'] / shown:.1f}% of shown)"
    )
    print(
        f"surname only: {result['surname_only']}, traps shown: {result['traps']}, "
        f"other names: {result['other']}"
    )
    print(f"people shown under two names or more: {len(result['split'])}")
    if "order_differs" in result:
        print(f"stories whose people differ by import order: {len(result['order_differs'])}")
    if args.show:
        for sid, errs in list(result["errors"].items())[: args.show]:
            print(f"\n{sid}")
            for err in errs:
                print(f"  {err}")
        for key, names in result["split"].items():
            print(f"split: {key}: {names}")
        for sid in result.get("order_differs", []):
            print(f"order: {sid}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
