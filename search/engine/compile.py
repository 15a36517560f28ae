"""Building Whoosh queries from a ``ParsedQuery``: words, phrases, people's other
spellings, prefixes narrowed to their most common words (``PrefixWords``), and the
filters (``filter_query``, ``date_docs``)."""

from __future__ import annotations

import contextlib
import html
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from datetime import date
from typing import TYPE_CHECKING

from whoosh import query
from whoosh.reading import TermNotFound

from .. import names, source
from .. import parse as language
from ..filters import Filters
from ..parse import PREFIX_MIN, Atom, ParsedQuery
from ..results import by_count
from .schema import TEXT_ANALYZER, TEXT_FIELDS

if TYPE_CHECKING:
    from .searchers import Entry

PREFIX_KEPT = 1024  # prefixes' word lists kept per searcher


def prefix_options(fieldobj, text: str) -> list[str]:
    """What the prefix ``text`` (without its ``*``) is looked up as in a field: its
    analysed form and its plain letters ("negotiat*": "negoti" and "negotiat"); none when
    it analyses to more than one word or is too short."""
    raw = list(fieldobj.process_text(text, mode="query", removestops=False))
    if len(raw) != 1:
        return []
    plain = re.sub(r"\W", "", html.unescape(text.lower()))
    options = {raw[0], plain} if plain else {raw[0]}
    return [p for p in sorted(options) if len(p) >= PREFIX_MIN]


# English endings (the stemmer's, and common runs of them). A prefix may stop inside one:
# "escalati*" is "escalati" + "on", whose word "escalation" is indexed as "escal".
PREFIX_ENDINGS = [
    "e",
    "es",
    "ed",
    "er",
    "ers",
    "ing",
    "ings",
    "s",
    "ion",
    "ions",
    "ation",
    "ations",
    "ational",
    "ationally",
    "ative",
    "ator",
    "ators",
    "ate",
    "ated",
    "ates",
    "ating",
    "al",
    "ally",
    "alism",
    "alist",
    "alists",
    "ality",
    "ance",
    "ances",
    "ence",
    "ences",
    "ency",
    "ent",
    "ents",
    "ently",
    "ant",
    "ants",
    "ment",
    "ments",
    "ness",
    "ful",
    "fully",
    "ism",
    "ist",
    "ists",
    "ity",
    "ities",
    "ive",
    "ively",
    "iveness",
    "ous",
    "ously",
    "ousness",
    "able",
    "ably",
    "ible",
    "ic",
    "ical",
    "ically",
    "ize",
    "ized",
    "izes",
    "izing",
    "ization",
    "ise",
    "ised",
    "ises",
    "ising",
    "isation",
    "or",
    "ors",
    "y",
    "ies",
    "ied",
    "ly",
    "ll",
    "logy",
    "logies",
]
PREFIX_STEM_DOCS = 200  # stories read to confirm that a prefix's words have a shorter form


def prefix_stems(fieldobj, text: str) -> list[str]:
    """Forms shorter than the prefix ``text`` that a word beginning with it may be indexed
    as: the stemmer can cut into the prefix ("escalation" is indexed as "escal", shorter
    than "escalati"). Candidates only, made by analysing the prefix followed by each
    ending of ``PREFIX_ENDINGS`` or an end part of one: "donat" + "ive" makes "don", which
    no word of the prefix is, so ``PrefixWords`` keeps only the forms a word of the
    archive beginning with the prefix has."""
    options = prefix_options(fieldobj, text)
    if not options:
        return []
    plain = re.sub(r"\W", "", html.unescape(text.lower()))
    tails = {ending[i:] for ending in PREFIX_ENDINGS for i in range(len(ending))}
    found = set()
    for tail in tails:
        words = list(fieldobj.process_text(plain + tail, mode="query", removestops=False))
        if len(words) == 1 and len(words[0]) >= PREFIX_MIN:
            found.add(words[0])
    return sorted(w for w in found if not any(w.startswith(o) for o in options))


def _field_query(schema, fieldname: str, atom: Atom, boost: float = 1.0, prefixes=None):
    fieldobj = schema[fieldname]
    if atom.kind == "prefix":
        options = prefix_options(fieldobj, atom.text)
        if prefixes is None:  # every word of the prefix (Whoosh expands it)
            found = [query.Prefix(fieldname, p) for p in options]
        else:  # its most common words only (``PrefixWords``)
            found = [q for p in options if (q := prefixes.query(fieldname, atom, p)) is not None]
            found += [query.Term(fieldname, w) for w in prefixes.stems(fieldname, atom)]
        if not found:
            return None
        return found[0] if len(found) == 1 else query.Or(found)
    words = list(fieldobj.process_text(atom.text, mode="query"))
    if not words:
        return None
    if len(words) == 1:
        return query.Term(fieldname, words[0], boost=boost)
    return query.Phrase(fieldname, words, boost=boost)


def _run_in(run: list, terms: list) -> bool:
    n = len(run)
    return any(terms[i : i + n] == run for i in range(len(terms) - n + 1))


def _adds_matches(schema, fields_, text: str, form: str, *, adjacent: bool) -> bool:
    """Whether searching the name ``form`` beside ``text`` can find a story that ``text``
    alone does not: not when, in every field, the analysed ``form`` holds the terms of
    ``text`` (as a run when ``adjacent``, a phrase). "Borders" adds nothing to "border",
    nor "Doctors Without Borders": both stem to what "border" already finds."""
    for fieldname in fields_:
        fieldobj = schema[fieldname]
        terms = list(fieldobj.process_text(text, mode="query"))
        found = list(fieldobj.process_text(form, mode="query"))
        if not terms:
            return True
        held = _run_in(terms, found) if adjacent else set(terms) <= set(found)
        if not held:
            return True
    return False


def _name_forms(schema, fields_, text: str, *, adjacent: bool) -> list[str]:
    """Other spellings of a person's name that ``text`` may be (search/names.py) and that
    can find more than ``text`` itself."""
    return [
        form
        for form in names.current().expand(text)
        if _adds_matches(schema, fields_, text, form, adjacent=adjacent)
    ]


def _atom_query(schema, atom: Atom, fields_: tuple[str, ...], prefixes=None):
    # The boost on the query, not only the field: Whoosh scores phrases without field boosts.
    atoms = [atom]
    if atom.kind in ("word", "phrase"):
        # Another spelling of a person's name also finds the name.
        atoms += [
            Atom("phrase", form) for form in _name_forms(schema, fields_, atom.text, adjacent=True)
        ]
    parts = [
        q
        for a in atoms
        for f in fields_
        if (q := _field_query(schema, f, a, TEXT_FIELDS.get(f, 1.0), prefixes)) is not None
    ]
    if not parts and atom.kind == "prefix" and prefixes is not None and fields_:
        # A prefix of no word in the index still has to match: it matches nothing.
        return query.Term(fields_[0], NO_WORD)
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else query.Or(parts)


def text_query(schema, parsed: ParsedQuery, fields_: tuple[str, ...], prefixes=None):
    """The word part of ``parsed`` as a Whoosh query, or None when it has no words.

    With ``prefixes`` (a ``PrefixWords``), a prefix is the OR of its chosen words' terms;
    without, a Whoosh ``Prefix`` of all its words."""
    musts = []
    previous = None  # the last group's single word, to spot a two-word alias
    for group in parsed.groups:
        alternatives = [
            q for a in group if (q := _atom_query(schema, a, fields_, prefixes)) is not None
        ]
        if not alternatives:
            previous = None
            continue
        must = alternatives[0] if len(alternatives) == 1 else query.Or(alternatives)
        word = group[0].text if len(group) == 1 and group[0].kind == "word" else None
        forms = (
            _name_forms(schema, fields_, f"{previous} {word}", adjacent=False)
            if previous and word
            else []
        )
        if forms:
            # "Anthony Blinken" also finds "Antony Blinken": both words, or the name.
            names_q = [_atom_query(schema, Atom("phrase", form), fields_) for form in forms]
            musts[-1] = query.Or([query.And([musts[-1], must]), *filter(None, names_q)])
            previous = None
            continue
        musts.append(must)
        previous = word
    if not musts:
        return None
    return musts[0] if len(musts) == 1 else query.And(musts)


def exclusions(schema, parsed: ParsedQuery, fields_, prefixes=None):
    parts = [
        q for a in parsed.exclude if (q := _atom_query(schema, a, fields_, prefixes)) is not None
    ]
    return query.Or(parts) if parts else None


NO_WORD = " "  # a term no analyser makes: what a prefix of no word looks up


def prefix_words(entry: Entry, fieldname: str, prefix: str) -> list[tuple[str, int]]:
    """The words of ``fieldname`` that begin with ``prefix`` and how many documents hold
    each, the most common first (then by word); kept per searcher (``PREFIX_KEPT``).

    The term index is read with the terms' statistics (no look-up per word): a prefix of
    three letters has a few thousand words at 100,000 stories."""
    key = (fieldname, prefix)
    found = entry.prefixes.get(key)
    if found is not None:
        entry.prefixes.move_to_end(key)
        return found
    counts: Counter = Counter()
    if fieldname in entry.searcher.schema:
        for sub, _offset in entry.searcher.subsearchers or [(entry.searcher, 0)]:
            for text, info in sub.reader().iter_prefix(fieldname, prefix):
                counts[text] += info.doc_frequency()
    from_bytes = entry.searcher.schema[fieldname].from_bytes if counts else None
    found = sorted(((from_bytes(t), n) for t, n in counts.items()), key=by_count)
    entry.prefixes[key] = found
    while len(entry.prefixes) > PREFIX_KEPT:
        entry.prefixes.popitem(last=False)
    return found


def _analysed(word: str) -> str | None:
    words = [t.text for t in TEXT_ANALYZER(word, mode="query")]
    return words[0] if len(words) == 1 else None


class PrefixWords:
    """What the prefixes of one query expand to: each prefix its ``limit`` most common
    words (in documents, over the fields searched), ``parse.PREFIX_WORDS`` at most and fewer
    when the query has several prefixes (they share ``PREFIX_TERMS`` field terms). A
    prefix with more words than that gets a notice (``notices``): it was narrowed."""

    def __init__(self, entry: Entry, parsed: ParsedQuery, fields_: tuple[str, ...]):
        self.entry = entry
        self.fields = tuple(f for f in fields_ if f in entry.searcher.schema)
        texts = {a.text for g in parsed.groups for a in g if a.kind == "prefix"}
        texts.update(a.text for a in parsed.exclude if a.kind == "prefix")
        share = language.PREFIX_TERMS // max(1, len(texts) * len(self.fields))
        self.limit = max(1, min(language.PREFIX_WORDS, share))
        self.chosen: dict[str, frozenset[str]] = {}
        self._stems: dict[tuple[str, str], dict[str, int]] = {}
        self.notices: list[str] = []

    def words(self, atom: Atom) -> frozenset[str]:
        """The words ``atom`` (a prefix) is searched as."""
        found = self.chosen.get(atom.text)
        if found is None:
            schema = self.entry.searcher.schema
            totals: Counter = Counter()
            for fieldname in self.fields:
                counts = {}  # a word begins with both of a prefix's forms: counted once
                for option in prefix_options(schema[fieldname], atom.text):
                    counts.update(prefix_words(self.entry, fieldname, option))
                counts.update(self._stem_counts(fieldname, atom))
                totals.update(counts)
            best = sorted(totals.items(), key=by_count)
            found = self.chosen[atom.text] = frozenset(w for w, _n in best[: self.limit])
            if len(best) > self.limit:
                which = f"the {self.limit} most common" if self.limit > 1 else "the most common one"
                self.notices.append(
                    f'"{atom.display()}" matches {len(best):,} words: searched for {which}. '
                    "Type more letters to search for others."
                )
        return found

    def _stem_counts(self, fieldname: str, atom: Atom) -> dict[str, int]:
        """The forms of ``prefix_stems`` in ``fieldname`` that a word of the archive
        beginning with ``atom`` has, with the number of documents holding each."""
        key = (fieldname, atom.text)
        found = self._stems.get(key)
        if found is None:
            reader = self.entry.searcher.reader()
            found = {}
            forms = self.entry.prefix_forms
            stems = forms.get(("stems", fieldname, atom.text))
            if stems is None:  # about 2 ms a field: kept per searcher
                stems = prefix_stems(self.entry.searcher.schema[fieldname], atom.text)
                forms[("stems", fieldname, atom.text)] = stems
                while len(forms) > PREFIX_KEPT:
                    forms.pop(next(iter(forms)))
            for word in stems:
                if (n := reader.doc_frequency(fieldname, word)) and self._confirmed(atom, word):
                    found[word] = n
            self._stems[key] = found
        return found

    def _confirmed(self, atom: Atom, form: str) -> bool:
        """Whether a word beginning with ``atom`` is indexed as ``form``: a headline or
        name word says so, or one of the first ``PREFIX_STEM_DOCS`` stories holding
        ``form`` in its body has such a word (kept per searcher)."""
        plain = re.sub(r"\W", "", html.unescape(atom.text.lower()))
        key = (plain, form)
        known = self.entry.prefix_forms.get(key)
        if known is not None:
            return known
        words = set()
        for fieldname in ("headline", "people"):
            words.update(self.entry.spelling_words(fieldname, plain))
        if not any(_analysed(w) == form for w in words):
            words = set()
            searcher = self.entry.searcher
            ids = []
            with contextlib.suppress(TermNotFound):
                matcher = searcher.postings("body", form)
                while matcher.is_active() and len(ids) < PREFIX_STEM_DOCS:
                    ids.append(searcher.stored_fields(matcher.id()).get("article_id"))
                    matcher.next()
            pattern = re.compile(rf"\b{re.escape(plain)}\w*", re.IGNORECASE)
            for text in source.bodies(ids):
                words.update(m.lower() for m in pattern.findall(text))
        known = any(_analysed(w) == form for w in words)
        self.entry.prefix_forms[key] = known
        while len(self.entry.prefix_forms) > PREFIX_KEPT:
            self.entry.prefix_forms.pop(next(iter(self.entry.prefix_forms)))
        return known

    def stems(self, fieldname: str, atom: Atom) -> list[str]:
        """The chosen words of ``atom`` that are ``prefix_stems`` in ``fieldname``."""
        if fieldname not in self.fields:
            return []
        chosen = self.words(atom)
        return sorted(w for w in self._stem_counts(fieldname, atom) if w in chosen)

    def query(self, fieldname: str, atom: Atom, prefix: str):
        """The chosen words of ``atom`` that begin with ``prefix`` in ``fieldname``: a
        term, an OR of terms (Whoosh's expansion of a ``Prefix``), or None."""
        chosen = self.words(atom)
        words = sorted(w for w, _n in prefix_words(self.entry, fieldname, prefix) if w in chosen)
        if not words:
            return None
        if len(words) == 1:
            return query.Term(fieldname, words[0])
        return query.Or([query.Term(fieldname, w) for w in words])


def filter_query(filters: Filters, *, person_field: str = "person"):
    """The outlet and person filters as Whoosh query parts (all must match); dates are
    matched on the ``day`` column (``date_docs``)."""
    parts = []
    if filters.unknown:
        parts.append(query.Term("kind", "-none-"))  # a named filter that matches nothing
    if filters.outlets:
        parts.append(query.Or([query.Term("outlet_slug", o.slug) for o in filters.outlets]))
    if filters.persons:
        parts.append(query.Or([query.Term(person_field, p.slug) for p in filters.persons]))
    for slug in filters.authors:
        # "author:Jane Roe": her byline slug, so both names must be hers
        parts.append(query.Term("author", slug))
    return parts


def date_docs(entry, filters: Filters, docs: set[int]) -> set[int]:
    """Those of ``docs`` dated within the filter's range (undated ones never are): the
    range's documents looked up in ``docs`` when they are fewer, else the days of
    ``docs`` checked (a range of years can hold a million documents with the quotes)."""
    if not (filters.date_from or filters.date_to):
        return docs
    asc, asc_days = entry.day_ascending()
    low = max(_day_number(filters.date_from) if filters.date_from else 1, 1)
    high = _day_number(filters.date_to) if filters.date_to else 99999999
    start, end = bisect_left(asc_days, low), bisect_right(asc_days, high)
    if end - start < len(docs):
        return docs.intersection(asc[start:end])
    days = entry.column("day")
    return {d for d in docs if low <= days[d] <= high}


def _day_number(day: date) -> int:
    return day.year * 10000 + day.month * 100 + day.day
