"""The query language, understood without an index (every backend reads queries the same way).

The query language is the one people know from web search engines:

* ``words`` — every word must match (in the headline, standfirst, body, quotes,
  outlet or people, stemmed: ``talks`` finds "talking");
* ``"exact phrase"``; ``a OR b``; ``-word`` / ``-"phrase"`` to exclude; ``prefix*``;
* filters ``outlet:NAME``, ``person:NAME``, ``author:NAME`` (a byline name),
  ``from:YYYY-MM-DD``, ``to:YYYY-MM-DD``
  (``from:2022`` and ``to:2022-02`` take the whole year or month); quote a value with
  spaces: ``outlet:"Daily Mirror"``.

A malformed query (unbalanced quotes, a lone operator, a bad date) is never an error:
it is searched as plain words and ``ParsedQuery.notice`` says what happened.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from datetime import date

from .source import parse_date

PREFIX_MIN = 3  # letters a prefix needs before *: "re*" or "co*" is a good part of the language
FILTER_NAMES = ("outlet", "person", "author", "from", "to")
# A prefix matches the most common of its words only (by how many documents hold them):
# PREFIX_WORDS at most, and all the prefixes of a query share PREFIX_TERMS (field, word)
# terms (the cost bound of a prefix search, whatever the backend).
PREFIX_WORDS = 30  # words one prefix expands to at most
PREFIX_TERMS = 60  # (field, word) terms the prefixes of one query expand to in all


@dataclass
class Atom:
    """One thing to match: a word, a phrase or a prefix."""

    kind: str  # word | phrase | prefix
    text: str

    def display(self) -> str:
        if self.kind == "phrase":
            return f'"{self.text}"'
        if self.kind == "prefix":
            return f"{self.text}*"
        return self.text


@dataclass
class ParsedQuery:
    """A user's query, understood."""

    text: str = ""
    groups: list[list[Atom]] = field(default_factory=list)  # all groups must match; OR inside
    exclude: list[Atom] = field(default_factory=list)
    outlets: list[str] = field(default_factory=list)
    persons: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    date_from: date | None = None
    date_to: date | None = None
    notice: str = ""

    @property
    def has_terms(self) -> bool:
        return bool(self.groups)

    @property
    def has_filters(self) -> bool:
        return bool(self.outlets or self.persons or self.authors or self.date_from or self.date_to)

    @property
    def words(self) -> list[str]:
        """The plain words (candidates for spelling suggestions)."""
        return [a.text for g in self.groups for a in g if a.kind == "word"]


class QuerySyntaxError(ValueError):
    pass


TOKEN_RE = re.compile(r'(-?)(?:([A-Za-z]+):)?("[^"]*"|[^\s"]+)|(")')


def _unquote(value: str) -> str:
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value


def _atom(token: str) -> Atom | None:
    if token.startswith('"'):
        text = _unquote(token).strip()
        return Atom("phrase", text) if text else None
    if token.endswith(":") and token[:-1].lower() in FILTER_NAMES:
        raise QuerySyntaxError(f'"{token}" needs a value.')
    if not re.search(r"\w", token):
        raise QuerySyntaxError(f'"{token}" on its own is not a word or an operator.')
    if token.endswith("*"):
        stem = token.rstrip("*")
        if len(re.sub(r"\W", "", stem)) < PREFIX_MIN:
            raise QuerySyntaxError(
                f'"{token}": a prefix search needs at least {PREFIX_MIN} letters before *.'
            )
        return Atom("prefix", stem)
    return Atom("word", token.replace("*", ""))


def _strict_parse(text: str, parsed: ParsedQuery) -> None:
    if text.count('"') % 2:
        raise QuerySyntaxError("Unbalanced quotation marks.")
    groups: list[list[Atom]] = []
    pending_or = False
    for match in TOKEN_RE.finditer(text):
        neg, name, value, stray = match.groups()
        if stray:
            raise QuerySyntaxError("Unbalanced quotation marks.")
        lname = (name or "").lower()
        if name and lname in FILTER_NAMES:
            if neg or pending_or:
                raise QuerySyntaxError(f'"{match.group(0)}": a filter cannot be negated or OR-ed.')
            _apply_filter(parsed, lname, _unquote(value).strip())
            continue
        if name:  # an unknown "word:" is just words
            value = f"{name} {value}" if not value.startswith('"') else value
        if value == "OR" and not neg:
            if not groups or pending_or:
                raise QuerySyntaxError('"OR" needs a word on each side.')
            pending_or = True
            continue
        if value in ("AND",) and not neg:
            continue
        atoms = []
        for part in value.split(" ") if name and not value.startswith('"') else [value]:
            atom = _atom(part)
            if atom:
                atoms.append(atom)
        if neg:
            if not atoms:
                raise QuerySyntaxError('A lone "-" needs a word after it.')
            if pending_or:
                raise QuerySyntaxError('"OR" needs a word on each side.')
            parsed.exclude.extend(atoms)
            continue
        if not atoms:
            continue
        if pending_or:
            groups[-1].append(atoms[0])
            groups.extend([a] for a in atoms[1:])
            pending_or = False
        else:
            groups.extend([a] for a in atoms)
    if pending_or:
        raise QuerySyntaxError('"OR" needs a word on each side.')
    parsed.groups = groups


def _apply_filter(parsed: ParsedQuery, name: str, value: str) -> None:
    if not value:
        raise QuerySyntaxError(f'"{name}:" needs a value.')
    if name == "outlet":
        parsed.outlets.append(value)
    elif name == "person":
        parsed.persons.append(value)
    elif name == "author":
        parsed.authors.append(value)
    else:
        try:
            day = parse_date(value, end=(name == "to"))
        except ValueError:
            # A bad date drops that filter only; the rest of the query stands.
            parsed.notice = (
                f'"{name}:{value}" is not a date (use YYYY-MM-DD); that filter was ignored.'
            )
            return
        if name == "from":
            parsed.date_from = day
        else:
            parsed.date_to = day


def parse(text: str) -> ParsedQuery:
    """Understand a user's query; malformed syntax falls back to plain words."""
    text = (text or "").strip()[:500]
    parsed = ParsedQuery(text=text)
    try:
        _strict_parse(text, parsed)
    except QuerySyntaxError as exc:
        fallback = ParsedQuery(text=text, notice=f"{exc} Searched for the words instead.")
        for match in TOKEN_RE.finditer(text.replace('"', " ")):
            neg, name, value, _stray = match.groups()
            lname = (name or "").lower()
            if name and lname in FILTER_NAMES and value.strip('"*-'):
                with contextlib.suppress(QuerySyntaxError):
                    _apply_filter(fallback, lname, value)
                continue
            for word in re.findall(r"\w+", f"{name or ''} {value}"):
                if word not in ("OR", "AND"):
                    fallback.groups.append([Atom("word", word)])
        return fallback
    return parsed
