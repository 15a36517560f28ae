"""More like this: the stories closest to one story, from its stored vector.

A story's key terms are the words (lexemes) it uses most, the headline's counting
``HEADLINE_WEIGHT`` times, that the archive does not use everywhere: each candidate
word's stories are counted up to ``max_df`` (a count that stops there costs little
whatever the word), a word in more is dropped, and the rest are scored by
``uses * log(stories / word's stories)``. The best ``MORE_LIKE_THIS_TERMS`` are OR-ed and
the matching stories ranked by ``ts_rank`` (normalised by length: a long story using
the words once ranks below a short one using them often), over the newest
``run.RANK_CANDIDATES`` matches.
"""

from __future__ import annotations

import math

from django.db import connection

from .documents import ARTICLE_TABLE, CONFIG
from .run import RANK_CANDIDATES

MORE_LIKE_THIS_CHARS = 20_000  # characters of a given text its key terms come from
MORE_LIKE_THIS_TERMS = 12
MORE_LIKE_THIS_CANDIDATES = 40  # the story's most used words whose stories are counted
MORE_LIKE_THIS_MAX_DF = 0.05  # of the stories: a word in more is not a key term
MORE_LIKE_THIS_MIN_DF = 50  # ... unless the archive is small
HEADLINE_WEIGHT = 3
SIMILAR_NORMALIZATION = 2  # ts_rank divided by the story's length


def key_terms(article_id: int, text: str | None) -> list[tuple[str, float]]:
    """(lexeme, score) of the story's key terms, best first."""
    if text is not None:
        vector = f"to_tsvector('{CONFIG}', left(%s, {MORE_LIKE_THIS_CHARS}))"
        params = [text]
    else:
        vector = f"(SELECT vector FROM {ARTICLE_TABLE} WHERE article_id = %s)"
        params = [article_id]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {ARTICLE_TABLE}")
        stories = cursor.fetchone()[0]
        cap = max(MORE_LIKE_THIS_MIN_DF, int(stories * MORE_LIKE_THIS_MAX_DF))
        cursor.execute(
            f"""
            WITH t AS (
                SELECT lexeme, coalesce(array_length(positions, 1), 1)
                    * (CASE WHEN 'A' = ANY(weights) THEN {HEADLINE_WEIGHT} ELSE 1 END) AS uses
                FROM unnest({vector})
                WHERE lexeme ~ '^[[:alpha:]]{{3,}}$'
                ORDER BY uses DESC, lexeme LIMIT {MORE_LIKE_THIS_CANDIDATES}
            )
            SELECT lexeme, uses, (
                SELECT count(*) FROM (
                    SELECT 1 FROM {ARTICLE_TABLE} d
                    WHERE d.vector @@ to_tsquery('simple', quote_literal(t.lexeme)) LIMIT %s
                ) x
            ) FROM t
            """,
            [*params, cap + 1],
        )
        rows = cursor.fetchall()
    scored = [
        (lexeme, uses * math.log((stories + 1) / df)) for lexeme, uses, df in rows if 0 < df <= cap
    ]
    scored.sort(key=lambda item: (-item[1], item[0]))
    return scored[:MORE_LIKE_THIS_TERMS]


def more_like_this(article_id: int, limit: int, text: str | None = None) -> list[int]:
    """Ids of published stories similar to ``article_id``, most similar first."""
    terms = key_terms(article_id, text)
    if not terms:
        return []
    query = " | ".join(f"'{lexeme}'" for lexeme, _score in terms)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT article_id FROM (
                SELECT article_id, published, vector FROM {ARTICLE_TABLE}
                WHERE vector @@ to_tsquery('simple', %s) AND article_id <> %s
                ORDER BY published DESC NULLS LAST, article_id DESC LIMIT {RANK_CANDIDATES}
            ) c
            ORDER BY ts_rank(vector, to_tsquery('simple', %s), {SIMILAR_NORMALIZATION}) DESC,
                published DESC NULLS LAST, article_id
            LIMIT %s
            """,
            [query, article_id, query, limit],
        )
        return [row[0] for row in cursor.fetchall()]
