"""Snippets: a window of a story's text with the query's words in ``<mark>``, on
escaped text (Whoosh's highlighter, its fragmenter reimplemented for speed)."""

from __future__ import annotations

import html
import re
from collections import deque

from whoosh import highlight
from whoosh.support.charset import accent_map

from ..parse import ParsedQuery
from ..results import SNIPPET_WINDOW
from .compile import PrefixWords
from .schema import TEXT_ANALYZER, WORD_RE


class MarkFormatter(highlight.Formatter):
    """``<mark>`` around matched words, everything HTML-escaped."""

    between = " "

    def _text(self, text):
        return html.escape(text, quote=False)

    def format_token(self, text, token, replace=False):
        return f"<mark>{html.escape(highlight.get_text(text, token, replace), quote=False)}</mark>"

    def format(self, fragments, replace=False):
        """Fragments in text order, "…" wherever text was left out."""
        out = []
        end = 0
        for fragment in sorted(fragments, key=lambda f: f.startchar):
            if re.search(r"\w", fragment.text[end : fragment.startchar]):
                out.append("…")
            out.append(self.format_fragment(fragment, replace=replace).strip())
            end = fragment.endchar
        rest = fragments[0].text[end:] if fragments else ""
        if re.search(r"\w", rest):
            out.append("…")
        elif out:
            out[-1] += self._text(rest.rstrip())  # closing punctuation
        return " ".join(out)


_FRAGMENTER = highlight.ContextFragmenter(maxchars=240, surround=90)


class _DistinctScorer(highlight.FragmentScorer):
    """Prefer fragments with more of the different query words, then more matches, then
    the earlier one. Whoosh breaks ties between equal scores by the fragments' memory
    addresses, so without the last rule the same story could get a different snippet from
    one process to the next."""

    def __call__(self, fragment):
        words = len({t.text for t in fragment.matches})
        return (words * 100 + len(fragment.matches)) * 10**7 - fragment.startchar


_SCORER = _DistinctScorer()


def _stem_pattern(terms: set[str]):
    alternatives = sorted({re.escape(t[:5]) for t in terms if t}, key=len, reverse=True)
    if not alternatives:
        return None
    return re.compile(r"\b(?:" + "|".join(alternatives) + ")", re.IGNORECASE)


class _Match:
    """A matched word of a fragment (what Whoosh's formatter and our scorer read)."""

    __slots__ = ("text", "startchar", "endchar")

    def __init__(self, text, startchar, endchar):
        self.text, self.startchar, self.endchar = text, startchar, endchar


def _fragments(text: str, termset: frozenset) -> list:
    """Whoosh's ``ContextFragmenter(maxchars=240, surround=90)`` over the words of
    ``text`` as ``TEXT_ANALYZER`` reads them (stop words kept), step for step: the same
    fragments, without a token object, a generator and a filter for every word."""
    maxchars, surround, charlimit = (
        _FRAGMENTER.maxchars,
        _FRAGMENTER.surround,
        _FRAGMENTER.charlimit,
    )
    cache = TEXT_ANALYZER.forms
    final = TEXT_ANALYZER.final_form
    out = []
    first = None
    firsts: deque = deque()
    countdown = -1
    tks: list = []
    endchar = None
    currentlen = 0
    for match in WORD_RE.finditer(text):
        startchar, endchar = match.span()
        if charlimit and endchar > charlimit:
            break
        word = match.group()
        term = cache[word] if word in cache else final(word)
        if term is None:
            term = word.lower().translate(accent_map)
        matched = term in termset
        tlength = endchar - startchar
        if countdown < 0 and not matched:
            firsts.append(startchar)
            while firsts and endchar - firsts[0] > surround:
                firsts.popleft()
        elif currentlen + tlength > maxchars:
            countdown = 0
        elif matched:
            countdown = surround
            if first is None:
                if firsts:
                    first = firsts[0]
                else:
                    first = startchar
                    countdown += surround
            tks.append(_Match(term, startchar, endchar))
        if countdown >= 0:
            currentlen += tlength
            countdown -= tlength
            if countdown <= 0:
                out.append(highlight.mkfrag(text, tks, startchar=first, endchar=endchar))
                tks = []
                firsts = deque()
                first = None
                currentlen = 0
    if tks:
        out.append(highlight.mkfrag(text, tks, startchar=first, endchar=endchar))
    return out


def _highlight(text: str, terms, top: int) -> str:
    """``highlight.highlight(text, terms, TEXT_ANALYZER, _FRAGMENTER, MarkFormatter(),
    top=top, scorer=_SCORER)``, the same output, in a third of the time."""
    fragments = highlight.top_fragments(
        _fragments(text, frozenset(terms)), top, _SCORER, highlight.FIRST, 1
    )
    return MarkFormatter().format(fragments)


def snippet(text: str, terms: set[str], *, top: int = 2) -> str:
    """An HTML snippet of ``text`` with ``terms`` (analysed forms) in ``<mark>``.

    Only a window around the first likely match is analysed, so a long story costs the
    same as a short one. Returns escaped text without marks when nothing matches.
    """
    if not text:
        return ""
    window = text
    if len(text) > SNIPPET_WINDOW:
        pattern = _stem_pattern(terms)
        found = pattern.search(text) if pattern else None
        start = max(0, found.start() - 200) if found else 0
        start = text.rfind(" ", 0, start) + 1 if start else 0
        window = text[start : start + SNIPPET_WINDOW]
    window = re.sub(r"\s+", " ", window)
    if terms:
        marked = _highlight(window, terms, top)
        if marked:
            return marked
    short = window[:240]
    if len(window) > 240:
        short = short.rsplit(" ", 1)[0] + " …"
    return html.escape(short, quote=False)


def highlight_terms(parsed: ParsedQuery, searcher, prefixes: PrefixWords | None = None) -> set[str]:
    """The analysed forms of the query's positive words, prefixes expanded from the index
    (to the words searched for, with ``prefixes``)."""
    terms = set()
    reader = searcher.reader()
    for group in parsed.groups:
        for atom in group:
            # the analyser reuses one token object: take each text as it comes
            words = [t.text for t in TEXT_ANALYZER(atom.text, mode="query")]
            if atom.kind != "prefix":
                terms.update(words)
                continue
            if prefixes is not None:
                terms.update(prefixes.words(atom))
                continue
            prefix = words[-1] if words else atom.text.lower()
            for fieldname in ("body", "headline"):
                for n, term in enumerate(reader.expand_prefix(fieldname, prefix)):
                    if n >= 100:  # a short prefix can expand to thousands of words
                        break
                    terms.add(term.decode() if isinstance(term, bytes) else term)
    return terms
