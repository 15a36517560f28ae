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

from whoosh import columns, fields
from whoosh.analysis import CharsetFilter, StemmingAnalyzer
from whoosh.codec import whoosh3
from whoosh.support.charset import accent_map

#: Stemmed, lower-cased, accent-folded English words.
TEXT_ANALYZER = StemmingAnalyzer(cachesize=50000) | CharsetFilter(accent_map)

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
    return StemmingAnalyzer(stoplist=None, minsize=1) | CharsetFilter(accent_map)


def build_schema() -> fields.Schema:
    """A fresh schema object (Whoosh schemas are mutable, so never share one)."""
    text = TEXT_ANALYZER
    return fields.Schema(
        key=fields.ID(unique=True, stored=True),  # "a<article id>" or "q<quote id>"
        kind=fields.ID(),
        article=fields.ID(),  # the article id as text, to delete an article with its quotes
        article_id=fields.STORED(),
        headline=fields.TEXT(analyzer=text, field_boost=3.0, stored=True, spelling=True),
        standfirst=fields.TEXT(analyzer=text, field_boost=1.5),
        # Spelling words come from headlines and names only: the body's would double
        # the indexing work for little gain ("Did you mean" is mostly about names).
        body=fields.TEXT(analyzer=text),
        quotes=fields.TEXT(analyzer=text),
        outlet=fields.TEXT(analyzer=_name_analyzer(), stored=True),
        people=fields.TEXT(analyzer=_name_analyzer(), field_boost=1.5, spelling=True),
        # Facets and filters: one value per document in a column.
        outlet_slug=fields.ID(sortable=True),
        month=fields.ID(sortable=True),  # "YYYY-MM", "" when undated
        published=fields.DATETIME(stored=True),
        day=fields.NUMERIC(int, bits=32, sortable=True, signed=False),  # YYYYMMDD, 0 undated
        # People: a keyword field to filter on, a column of space-joined slugs to count.
        person=fields.KEYWORD(scorable=False),
        person_col=fields.COLUMN(columns.VarBytesColumn()),
        people_display=fields.STORED(),  # [(name, slug), ...] in mention order
        signature=fields.STORED(),  # what check_index compares with the database
        # Quote documents.
        quote=fields.TEXT(analyzer=text),
        speaker=fields.ID(sortable=True),  # speaker's person slug, "" when none
        speaker_name=fields.TEXT(analyzer=_name_analyzer()),
    )


def _cached_reader(self, fieldname, column):
    """Whoosh's own, but remembering that a field has no length column.

    The stock version checks the disk for the column file again for every posting of a
    field without lengths (ids, keywords, spelling words): 40% of commit time.
    """
    try:
        return self._readers[fieldname]
    except KeyError:
        reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
        self._readers[fieldname] = reader
        return reader


whoosh3.W3PerDocReader._cached_reader = _cached_reader
