"""Names compared: the matching key of a name, the close spellings of one person's name,
and the names the archive already knows.

Plain functions on strings, shared by the people finder (``people``), the importer's
resolver (``archive.people``), the curators' tools and search. A name's key folds accents,
case and punctuation; two full names are one person's when they share a surname and a
similar given name, or a given name and a surname a letter or two off (Levenshtein
distance, rapidfuzz's, with a swap of two neighbouring letters counted as one edit for a
given name).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz.distance import OSA, Levenshtein

NON_KEY = re.compile(r"[^a-z0-9]+")


@functools.lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """Matching key for a name: accents folded, case and punctuation dropped."""
    if name.isascii():
        return NON_KEY.sub(" ", name.lower()).strip()
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return NON_KEY.sub(" ", folded.lower()).strip()


@dataclass
class KnownNames:
    """What the archive already knows: name keys of people and aliases (curated or imported).

    ``full`` maps a full-name key to the person's name; ``surnames`` maps a surname key to
    the person's name when that surname belongs to one person only.

    ``names`` lists every name added, in order: adding ``names[:n]`` to an empty
    ``KnownNames`` gives the state it had at *version* n (what another process needs to
    copy it), and ``changed_since`` tells whether the answers to some look-ups changed
    since a version.
    """

    full: dict[str, str] = field(default_factory=dict)
    surnames: dict[str, str] = field(default_factory=dict)
    _surname_names: dict[str, set[str]] = field(default_factory=dict, repr=False)
    names: list[str] = field(default_factory=list, repr=False)
    # key -> version at which its entry in ``full`` / ``surnames`` last changed
    _full_at: dict[str, int] = field(default_factory=dict, repr=False)
    _surname_at: dict[str, int] = field(default_factory=dict, repr=False)

    @classmethod
    def from_names(cls, names) -> KnownNames:
        known = cls()
        for name in names:
            known.add(name)
        return known

    @property
    def version(self) -> int:
        return len(self.names)

    def add(self, name: str) -> None:
        """Learn one more name (cheap: an import adds names story by story)."""
        self.names.append(name)
        key = name_key(name)
        if not key:
            return
        version = len(self.names)
        if key not in self.full:
            self.full[key] = name
            self._full_at[key] = version
        if " " in key:
            surname = key.rsplit(" ", 1)[-1]
            before = self.surnames.get(surname)
            holders = self._surname_names.setdefault(surname, set())
            holders.add(name)
            if len(holders) == 1:
                self.surnames[surname] = name
            else:
                self.surnames.pop(surname, None)
            if self.surnames.get(surname) != before:
                self._surname_at[surname] = version

    def changed_since(self, version: int, full_keys, surname_keys) -> bool:
        """Whether looking up ``full_keys`` in ``full`` or ``surname_keys`` in ``surnames``
        could answer differently now than at ``version``."""
        full_at, surname_at = self._full_at, self._surname_at
        return any(full_at.get(key, -1) > version for key in full_keys) or any(
            surname_at.get(key, -1) > version for key in surname_keys
        )

    def recording(self) -> RecordingNames:
        """A read-only view of these names that notes the keys looked up through it."""
        return RecordingNames(self)


class _Recorded:
    """A dict's ``in`` and ``[]`` that note the keys asked for."""

    __slots__ = ("_data", "asked")

    def __init__(self, data: dict):
        self._data = data
        self.asked: set[str] = set()

    def __contains__(self, key):
        self.asked.add(key)
        return key in self._data

    def __getitem__(self, key):
        self.asked.add(key)
        return self._data[key]


class RecordingNames:
    """``KnownNames`` as ``find_people`` reads it, noting every key looked up: a result found
    with it holds as long as ``KnownNames.changed_since`` says those keys did not change."""

    def __init__(self, known: KnownNames):
        self.full = _Recorded(known.full)
        self.surnames = _Recorded(known.surnames)


@functools.lru_cache(maxsize=65536)
def similar_surname(a: str, b: str) -> bool:
    """Two spellings of one surname: equal, or long enough and one or two edits apart. A
    surname that is the other with "s" or "es" added is its plural, not a spelling of it
    (Bidens, Clintons)."""
    a, b = name_key(a), name_key(b)
    if a == b:
        return True
    if min(len(a), len(b)) < 5 or a[0] != b[0] or plural_key(a, {b}) or plural_key(b, {a}):
        return False
    edits = 1 if min(len(a), len(b)) < 7 else 2
    return Levenshtein.distance(a, b, score_cutoff=edits) <= edits


def plural_key(key: str, keys) -> bool:
    """Whether the name key ``key`` is one of ``keys`` with "s" or "es" added ("mike pences",
    "clintons"): the plural of a name, a family or a type, not a person."""
    return key.endswith("s") and (key[:-1] in keys or (key.endswith("es") and key[:-2] in keys))


SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "v"})


def similar_given(a: str, b: str, initials: bool = True) -> bool:
    """Two spellings of one given name (Antony / Anthony), or (``initials``) an initial and
    a name. A name that is the other with letters added at its end is another name
    (Eric / Erica, Paul / Paula)."""
    a, b = name_key(a), name_key(b)
    if a == b:
        return True
    if len(a) == 1 or len(b) == 1:
        return initials and (b.startswith(a) if len(a) == 1 else a.startswith(b))
    if a.startswith(b) or b.startswith(a):
        return False
    if min(len(a), len(b)) < 4 or a[0] != b[0]:
        return False
    # one letter changed, added or removed, or two neighbours swapped (Abdulhadi / Adbulhadi)
    return OSA.distance(a, b, score_cutoff=1) <= 1


@functools.lru_cache(maxsize=65536)
def name_parts(name: str) -> tuple[str, tuple[str, ...], str, str]:
    """(given name, middle names, surname, suffix) of a full name, as keys: "Donald J. Trump
    Jr." -> ("donald", ("j",), "trump", "jr")."""
    words = [w for w in name_key(name).split() if w]
    suffix = ""
    if len(words) > 2 and words[-1] in SUFFIXES:
        suffix = words.pop()
    if not words:
        return "", (), "", suffix
    return words[0], tuple(words[1:-1]), words[-1], suffix


def _same_middle(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Middle names agree when one side gives none, or they match word by word (an initial
    matching a name: "W." / "Walker")."""
    if not a or not b:
        return True
    if len(a) != len(b):
        return False
    return all(
        x == y or (len(x) == 1 and y.startswith(x)) or (len(y) == 1 and x.startswith(y))
        for x, y in zip(a, b, strict=True)
    )


def name_restart(words: list[str]) -> int:
    """Where a run of name words starts its name again, or 0: after a full name (two words
    or more), its surname doubled ("Ted Cruz Cruz", "Donald J. Trump Trump") or its given
    name opening the name once more ("Joe Biden Joe Biden"), as hover cards and flattened
    tables print them. A given name repeated alone is a name ("Sirhan Bishara Sirhan")."""
    keys = [name_key(w) for w in words]
    for i in range(2, len(keys)):
        tail = keys[i:]
        if tail[0] == keys[i - 1] or (tail[0] == keys[0] and len(tail) > 1 and keys[i - 1] in tail):
            return i
    return 0


def middles_differ(a: str, b: str) -> bool:
    """Whether two full names give middle names or initials that contradict each other
    ("George W. Bush" / "George H. W. Bush" / "George P. Bush"): both give some and they do
    not agree word by word. A name without middle names contradicts none ("Donald Trump" /
    "Donald J. Trump")."""
    ma, mb = name_parts(a)[1], name_parts(b)[1]
    return bool(ma) and bool(mb) and not _same_middle(ma, mb)


@functools.lru_cache(maxsize=65536)
def same_person(a: str, b: str, initials: bool = True) -> bool:
    """Whether two full names (two words or more) are spellings of one person's name: the
    same surname and a similar given name (Antony / Anthony), or the same given name and a
    surname one or two letters off (Zelensky / Zelenskyy). Different middle names ("George
    W." / "George H. W. Bush") or suffixes (Jr., Sr., III) make different people;
    ``initials`` lets "G. Bush" match "George Bush" (within one story only)."""
    if name_key(a) == name_key(b):
        return True
    if len(a.split()) < 2 or len(b.split()) < 2:
        return False
    if name_restart(a.split()) or name_restart(b.split()):
        return False  # "Ted Cruz Cruz": a name printed twice is no spelling of it
    ga, ma, sa, xa = name_parts(a)
    gb, mb, sb, xb = name_parts(b)
    if xa != xb or not _same_middle(ma, mb):
        return False
    if sa == sb:
        return similar_given(ga, gb, initials)
    return ga == gb and len(ga) > 1 and similar_surname(sa, sb)
