"""The query language (``search.parse``) as PostgreSQL ``tsquery`` text.

The text is made of the query's words, each one quoted as a ``tsquery`` lexeme (quotes
doubled, backslashes escaped), joined by operators this module writes: ``&`` between
groups, ``|`` inside an OR group, ``:*`` after a prefix, and a phrase is one quoted
lexeme of several words (``to_tsquery`` makes it ``a <-> b``). It is always handed to
PostgreSQL as a parameter (``to_tsquery('english', %s)``), never pasted into SQL, so no
user text is read as an operator. PostgreSQL analyses each lexeme with the same
configuration as the documents (stemming, stop words dropped).

People's other spellings (``search.names``) are OR-ed in, as the Whoosh backend does:
"Zelenskyy" also finds "Zelensky", "Anthony Blinken" also "Antony Blinken".
"""

from __future__ import annotations

import re

from django.db import connection

from .. import names
from ..parse import PREFIX_TERMS, PREFIX_WORDS, Atom, ParsedQuery
from .documents import WORD_TABLE

# PostgreSQL's English stop words (tsearch_data/english.stop): a query of these alone
# searches nothing.
STOP_WORDS = frozenset(
    """i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what which
    who whom this that these those am is are was were be been being have has had having do
    does did doing a an the and but if or because as until while of at by for with about
    against between into through during before after above below to from up down in out on
    off over under again further then once here there when where why how all any both each
    few more most other some such no nor not only own same so than too very s t can will
    just don should now""".split()  # noqa: SIM905 (the file's layout, readable)
)
WORD_RE = re.compile(r"[^\W_]+")


def lexeme(text: str) -> str:
    """``text`` as one quoted ``tsquery`` operand: nothing in it is an operator."""
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def searchable(parsed: ParsedQuery) -> bool:
    """Whether a positive word, phrase or prefix of ``parsed`` is searched (stop words
    are not)."""
    return any(
        a.kind == "prefix" or any(w.lower() not in STOP_WORDS for w in WORD_RE.findall(a.text))
        for g in parsed.groups
        for a in g
    )


NOTHING = "false"  # ``match_text`` of a query a prefix of no word makes match nothing


class Prefixes:
    """What the prefixes of one query stand for: each prefix its most common words in the
    word table (the stories using them), ``PREFIX_WORDS`` at most and fewer when the query
    has several prefixes (they share ``PREFIX_TERMS``); a prefix with more words than that
    gets a notice. The words are stemmed like any other (``presid*`` would not find the
    stem ``presid`` of "president", as a prefix of stems would not find "escalation" from
    ``escalat*``)."""

    def __init__(self, parsed: ParsedQuery):
        texts = {a.text for g in parsed.groups for a in g if a.kind == "prefix"}
        texts.update(a.text for a in parsed.exclude if a.kind == "prefix")
        self.limit = max(1, min(PREFIX_WORDS, PREFIX_TERMS // max(1, len(texts))))
        self.notices: list[str] = []
        self.words: dict[str, list[str]] = {}
        for text in sorted(texts):
            self.words[text] = self._look_up(text)

    def _look_up(self, text: str) -> list[str]:
        key = "".join(WORD_RE.findall(text)).lower()
        pattern = re.sub(r"([\\%_])", r"\\\1", key) + "%"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT word, count(*) OVER () FROM {WORD_TABLE} WHERE word LIKE %s "
                "ORDER BY stories DESC, word LIMIT %s",
                [pattern, self.limit],
            )
            rows = cursor.fetchall()
        if rows and rows[0][1] > self.limit:
            which = f"the {self.limit} most common" if self.limit > 1 else "the most common one"
            self.notices.append(
                f'"{text}*" matches {rows[0][1]:,} words: searched for {which}. '
                "Type more letters to search for others."
            )
        return [word for word, _n in rows]


def _operand(atom: Atom, prefixes: Prefixes | None = None, loose: bool = False) -> str | None:
    words = WORD_RE.findall(atom.text)
    if not words:
        return None
    if atom.kind == "prefix":
        if prefixes is None or atom.text not in prefixes.words:
            return lexeme(" ".join(words)) + ":*"
        found = prefixes.words[atom.text]
        return _any([lexeme(w) for w in found]) if found else ""
    if loose and len(words) > 1:
        return "(" + " & ".join(lexeme(w) for w in words) + ")"
    return lexeme(" ".join(words))


def _alternatives(atom: Atom, prefixes: Prefixes | None = None, loose: bool = False) -> list[str]:
    """The operands of ``atom``: itself, and another spelling of a person's name."""
    found = _operand(atom, prefixes, loose)
    if found is None:
        return []
    if not found:
        return []  # a prefix of no word
    result = [found]
    if atom.kind in ("word", "phrase"):
        for form in names.current().expand(atom.text):
            other = _operand(Atom("phrase", form), loose=loose)
            if other and other not in result:
                result.append(other)
    return result


def _any(operands: list[str]) -> str:
    return operands[0] if len(operands) == 1 else "(" + " | ".join(operands) + ")"


def match_text(parsed: ParsedQuery, prefixes: Prefixes | None = None, loose: bool = False) -> str:
    """The ``tsquery`` text every match must satisfy ("" when the query has no words,
    ``NOTHING`` when it cannot match).

    ``loose``: each phrase (a lexeme of several words) is the AND of its words instead, a
    query the GIN index answers without reading the vectors (a phrase needs the words'
    positions, which only the vector has); every match of the query matches it."""
    musts: list[str] = []
    previous = None  # the last group's single word, to spot a two-word alias
    for group in parsed.groups:
        operands = [op for atom in group for op in _alternatives(atom, prefixes, loose)]
        if not operands and any(atom.kind == "prefix" for atom in group):
            return NOTHING  # a prefix of no word in the archive: nothing matches
        if not operands:
            previous = None
            continue
        must = _any(operands)
        word = group[0].text if len(group) == 1 and group[0].kind == "word" else None
        forms = names.current().expand(f"{previous} {word}") if previous and word else []
        if forms:
            # "Anthony Blinken" also finds "Antony Blinken": both words, or the name.
            spelled = [op for form in forms if (op := _operand(Atom("phrase", form), loose=loose))]
            musts[-1] = "(" + " | ".join([f"({musts[-1]} & {must})", *spelled]) + ")"
            previous = None
            continue
        musts.append(must)
        previous = word
    return " & ".join(musts)


def exclude_text(parsed: ParsedQuery, prefixes: Prefixes | None = None) -> str:
    """The ``tsquery`` text no match may satisfy ("" when nothing is excluded)."""
    operands = [op for atom in parsed.exclude for op in _alternatives(atom, prefixes)]
    return " | ".join(operands)


def highlight_text(parsed: ParsedQuery, prefixes: Prefixes | None = None) -> str:
    """The positive words, phrases and prefixes OR-ed: what snippets mark."""
    operands = [
        op for group in parsed.groups for atom in group for op in _alternatives(atom, prefixes)
    ]
    return " | ".join(operands)
