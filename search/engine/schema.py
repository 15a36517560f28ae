"""The Whoosh schema of the archive's search index.

One index holds two kinds of document, told apart by ``kind``:

* ``article`` — one per published article: headline (boosted), standfirst, body, the
  text of its quotes, outlet and the people mentioned with all their aliases, so that
  "Zelenskyy" finds a story that spells him "Zelensky".
* ``quote`` — one per quotation of a published article, for the quotes tab.

Both carry ``article_id`` so an article and its quotes are replaced in one delete.
Text is English-stemmed and accent-folded. Only what the results page shows is
stored (headline, outlet, date, people); the article text itself comes from the
database. Facets read column (sortable) fields, never the posting lists: faceting a
non-sortable field is one of Whoosh's performance cliffs.
"""

import re
import struct
from array import array
from itertools import accumulate

from whoosh import columns, fields, formats
from whoosh.analysis import STOP_WORDS, Token, Tokenizer
from whoosh.lang.porter import stem
from whoosh.support.charset import accent_map
from whoosh.system import pack_uint

#: Bump when the schema or the analysis changes: ``check_index`` then asks for a rebuild.
SCHEMA_VERSION = 5

WORD_RE = re.compile(r"\w+(?:\.?\w+)*")  # Whoosh's default tokenizer pattern


class FoldingStemmer(Tokenizer):
    """Words, lower-cased, stop words dropped, Porter-stemmed, then accent-folded.

    The same terms and positions as Whoosh's ``StemmingAnalyzer | CharsetFilter(accent_map)``
    in one pass: each distinct word of the input is looked up once in a dictionary
    holding its final form (or None for a stop word), so indexing costs one regex scan
    and one dictionary lookup per word. ``terms()`` is the fast path used by
    ``FastPositions`` when indexing; ``__call__`` is the ordinary token stream (queries,
    highlighting).
    """

    CACHE_LIMIT = 500_000  # distinct words remembered; cleared when full
    is_morph = True  # stems: fields with spelling keep the unstemmed words aside

    def __init__(self, stoplist=STOP_WORDS, minsize=2):
        self.stoplist = frozenset(stoplist) if stoplist is not None else None
        self.minsize = minsize
        self.forms = {}  # word -> its indexed form (None: a stop word), as seen

    def __getstate__(self):
        return {"stoplist": self.stoplist, "minsize": self.minsize}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.forms = {}  # word -> its indexed form (None: a stop word), as seen

    def __eq__(self, other):
        return (
            other.__class__ is self.__class__
            and self.stoplist == other.stoplist
            and self.minsize == other.minsize
        )

    def __hash__(self):
        return hash((self.__class__.__name__, self.minsize))

    def _stopped(self, lower: str) -> bool:
        stops = self.stoplist
        return stops is not None and (len(lower) < self.minsize or lower in stops)

    def final_form(self, word: str):
        """The indexed form of ``word``, or None when it is a stop word."""
        cache = self.forms
        if len(cache) >= self.CACHE_LIMIT:
            cache.clear()
        lower = word.lower()
        result = None if self._stopped(lower) else stem(lower).translate(accent_map)
        if result == "":
            self._empty = True  # ``terms`` must not take it for a stop word
        cache[word] = result
        return result

    _empty = False  # whether some word's indexed form is the empty string

    def terms(self, text: str) -> tuple[list[str], int]:
        """The indexed terms of ``text`` in order, and the position of the first one
        (Whoosh numbers positions from the first word that is not a stop word).

        The words not seen before are worked out first, then every word is looked up
        and the stop words dropped by built-in functions, not a loop per word."""
        cache = self.forms
        words = WORD_RE.findall(text)
        missing = set(words).difference(cache)
        if len(missing) >= self.CACHE_LIMIT:  # more distinct words than the cache holds
            finals = [self.final_form(word) for word in words]
        else:
            if missing:
                if len(cache) + len(missing) > self.CACHE_LIMIT:
                    cache.clear()
                    missing = set(words)
                final = self.final_form
                for word in missing:
                    final(word)
            finals = list(map(cache.__getitem__, words))
        if self.stoplist is None and not self._empty:
            return finals, 0
        if self._empty:
            out = [term for term in finals if term is not None]
        else:
            out = list(filter(None, finals))
        first = 0
        if out:
            while finals[first] is None:
                first += 1
        return out, first

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        no_morph=False,
        **kwargs,
    ):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        cache = self.forms
        matches = WORD_RE.finditer(value) if tokenize else [None]
        pos = None
        for n, match in enumerate(matches):
            word = match.group(0) if match is not None else value
            lower = word.lower()
            t.boost = 1.0
            if keeporiginal:
                t.original = word
            if chars:
                t.startchar = start_char + (match.start() if match is not None else 0)
                t.endchar = start_char + (match.end() if match is not None else len(value))
            if no_morph:
                final = None if self._stopped(lower) else lower.translate(accent_map)
            else:
                final = cache[word] if word in cache else self.final_form(word)
            if final is None:
                if removestops:
                    continue
                t.stopped = True
                t.text = lower.translate(accent_map)
                if positions:
                    t.pos = start_pos + n
            else:
                t.stopped = False
                t.text = final
                if positions:
                    pos = start_pos + n if pos is None else pos + 1
                    t.pos = pos
            yield t


UINT_SIZE = struct.calcsize("!I")  # the size of ``pack_uint``'s count
POSITIONS_HEAD = UINT_SIZE + 1  # a ``FastPositions`` value: the count, a width byte, deltas

_SINGLE_POSITION: dict[int, bytes] = {}  # the encoding of a lone position, by position


class FastPositions(formats.Positions):
    """Whoosh's ``Positions`` format (same encoding on disk), indexing through
    ``FoldingStemmer.terms`` instead of a token stream."""

    def word_values(self, value, analyzer, **kwargs):
        if not isinstance(analyzer, FoldingStemmer) or not isinstance(value, str):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        fb = self.field_boost
        terms, base = analyzer.terms(value)
        poses = {}
        for n, term in enumerate(terms, base):
            try:
                poses[term].append(n)
            except KeyError:
                poses[term] = [n]
        encode = self.encode
        single = _SINGLE_POSITION
        for word, poslist in poses.items():
            if len(poslist) == 1:
                pos = poslist[0]
                try:
                    value = single[pos]
                except KeyError:
                    value = single[pos] = encode(poslist)
                yield word, 1, fb, value
            else:
                yield word, len(poslist), len(poslist) * fb, encode(poslist)

    # Positions as deltas, one byte each when they all fit, else four (Whoosh pickles a
    # list per posting: a third of the indexing time).
    def encode(self, poslist):
        deltas = [poslist[0]]
        deltas.extend([b - a for a, b in zip(poslist, poslist[1:], strict=False)])
        try:
            payload = b"\x01" + bytes(deltas)
        except ValueError:
            payload = b"\x04" + array("I", deltas).tobytes()
        return pack_uint(len(deltas)) + payload

    def decode_positions(self, valuestring):
        data = valuestring[POSITIONS_HEAD:]
        if valuestring[UINT_SIZE] == 4:
            data = array("I", data)
        return list(accumulate(data))


def text_field(analyzer, *, field_boost=1.0, stored=False, spelling=False) -> fields.TEXT:
    field_ = fields.TEXT(
        analyzer=analyzer, field_boost=field_boost, stored=stored, spelling=spelling
    )
    field_.format = FastPositions(field_boost=field_boost)
    return field_


#: Stemmed, lower-cased, accent-folded English words.
TEXT_ANALYZER = FoldingStemmer()

# The text fields a plain word is looked for in, with the boost of a match there.
TEXT_FIELDS = {
    "headline": 3.0,
    "standfirst": 1.5,
    "body": 1.0,
    "quotes": 1.0,
    "outlet": 1.0,
    "people": 1.5,
}
QUOTE_FIELDS = {"quote": 1.0, "speaker_name": 1.0}

# Separator of the person slugs in the ``person_col`` column.
PERSON_SEP = " "


def _name_analyzer():
    # Names keep every word (no stop list: "Of" in an outlet name) but are folded and
    # stemmed like the text, so one analysed query term matches in every field.
    return FoldingStemmer(stoplist=None)


def build_schema() -> fields.Schema:
    """A fresh schema object (Whoosh schemas are mutable, so never share one)."""
    text = TEXT_ANALYZER
    names = _name_analyzer()
    return fields.Schema(
        # "a<article id>" or "q<quote id>", stored only: documents are found and deleted
        # by ``article``, and a searchable key would be a term of its own for every
        # document (half the terms of the index, about 8% of a rebuild's CPU time).
        key=fields.STORED(),
        kind=fields.ID(),
        article=fields.ID(),  # the article id as text, to delete an article with its quotes
        article_id=fields.STORED(),
        headline=text_field(text, field_boost=3.0, spelling=True),
        standfirst=text_field(text, field_boost=1.5),
        # Spelling words come from headlines and names only: the body's would double
        # the indexing work for little gain ("Did you mean" is mostly about names).
        body=text_field(text),
        quotes=text_field(text),
        outlet=text_field(names),
        people=text_field(names, field_boost=1.5, spelling=True),
        # Facets, filters, sorting and collapsing: one value per document in a column.
        outlet_slug=fields.ID(sortable=True),
        # Read from columns only (facets, date filters and date order), never searched.
        month=fields.COLUMN(columns.VarBytesColumn()),  # "YYYY-MM", "" when undated
        day=fields.COLUMN(columns.NumericColumn("I")),  # YYYYMMDD, 0 when undated
        # The article's id (a quote document: the quote's), read for every match at once
        # (a search's downloads and coverage) where a stored field costs a read each.
        num=fields.COLUMN(columns.NumericColumn("I")),
        # The story cluster: "c<cluster id>" for a story with copies, "" otherwise.
        cluster=fields.COLUMN(columns.VarBytesColumn()),
        # People: a keyword field to filter on, a column of space-joined slugs to count.
        person=fields.KEYWORD(scorable=False),
        # Byline names, slugged: the ``author:`` filter.
        author=fields.KEYWORD(scorable=False),
        person_col=fields.COLUMN(columns.VarBytesColumn()),
        people_display=fields.STORED(),  # [(name, slug), ...] in mention order
        signature=fields.STORED(),  # what check_index compares with the database
        # Quote documents.
        quote=text_field(text),
        speaker=fields.ID(sortable=True),  # speaker's person slug, "" when none
        speaker_name=text_field(names),
    )
