"""The PostgreSQL search backend: PostgreSQL's full-text search over tables of the
archive's own database (created by search/migrations/0002_postgres_search.py).

* ``documents`` — what an article's rows hold, written in the transaction that changes
  them (``write``), and the word table of did-you-mean kept in step;
* ``tsquery`` — the query language (``search.parse``) as a ``tsquery``, built safely;
* ``run`` — a search: matches, total, facets, the ranked or dated page, snippets;
* ``spelling`` — did you mean, from the word table (``pg_trgm``);
* ``similar`` — more like this;
* ``maintain`` — rebuild and check;
* ``backend`` — ``PostgresBackend``, the ``SearchBackend`` over them.
"""
