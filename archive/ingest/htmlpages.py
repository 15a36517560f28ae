"""The HTML reader: a saved web page, one story. trafilatura finds the article, its
metadata and date (htmldate); ``pagemeta`` reads what the page says about its own story.
"""

from __future__ import annotations

import codecs
import re

from . import pagemeta
from .rawstory import _BOMS, RawStory, ReadError, decode_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def decode_html(data: bytes, declared: str = "") -> tuple[str, str]:
    """Decode an HTML page: byte order mark, then the declared charset (HTTP header or
    ``<meta charset>``), then strict UTF-8, then the text reader's guess."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace"), encoding
    candidates = [declared] if declared else []
    m = _META_CHARSET.search(data[:4096])
    if m:
        candidates.append(m.group(1).decode("ascii", "ignore"))
    for encoding in [*candidates, "utf-8"]:
        try:
            name = codecs.lookup(encoding).name
        except LookupError:
            continue
        if name in ("latin-1", "iso8859-1", "ascii"):
            name = "cp1252"  # what browsers do with a page that says ISO-8859-1
        try:
            return data.decode(name), name
        except UnicodeDecodeError:
            continue
    return decode_bytes(data)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").split("\n") if line.strip()]


MIN_ARTICLE_WORDS = 10  # fewer words of body text than this: the page has no article


def html_story(
    html: str,
    source: str,
    *,
    url: str = "",
    encoding: str = "utf-8",
    fmt: str = "html",
    meta: dict | None = None,
) -> RawStory:
    """Extract the article of one HTML page into a ``RawStory``.

    ``text`` is the headline and then the body paragraphs, one a line, as trafilatura
    extracts them (precision-first settings: boilerplate and comments left out);
    ``meta`` has the headline, site name, byline, publication date (htmldate, the original
    date rather than the last update), canonical URL and description. ``original`` is the
    page itself. Raises ``ReadError`` for a page with no article text.
    """
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url or None,
            with_metadata=True,
            favor_precision=True,
            include_comments=False,
            include_tables=True,
        )
    except Exception as exc:  # lxml and trafilatura raise many kinds on hopeless markup
        raise ReadError(f"broken HTML: {type(exc).__name__}: {exc}") from exc
    paragraphs = _lines(doc.text) if doc is not None else []
    words = sum(len(p.split()) for p in paragraphs)
    if words < MIN_ARTICLE_WORDS:
        # trafilatura falls back to any text at all (a menu, "Home"): that is not an article
        raise ReadError("no article found in the page: no body text")
    page = pagemeta.read_page(html, url or doc.url or "")
    title = page.headline or " ".join((doc.title or "").split())
    while paragraphs and (paragraphs[0] == title or pagemeta.key(paragraphs[0]) in page.titles):
        paragraphs = paragraphs[1:]  # the headline (or a title form of it) repeated as text
    if not paragraphs:
        raise ReadError("no article found in the page: only a headline")
    paragraphs.extend(pagemeta.later_sections(page, paragraphs))
    # a dek is the standfirst; trafilatura may have taken it as the first paragraph
    dek = ""
    if len(paragraphs) > 1 and pagemeta.key(paragraphs[0]) == pagemeta.key(page.description):
        dek = pagemeta.dek_of(page, paragraphs[1], in_body=True)
        if dek:
            paragraphs = paragraphs[1:]
    else:
        dek = pagemeta.dek_of(page, paragraphs[0])
    found = {
        "title": title,
        "outlet": page.outlet,
        "byline": (doc.author or "").strip(),
        "authors": page.authors,
        "wire": page.wire or pagemeta.wire_from_text(paragraphs),
        "published": doc.date or "",
        "url": doc.url or url or "",
        "standfirst": dek,
    }
    merged = {k: v for k, v in found.items() if v}
    for key, value in (meta or {}).items():
        if value and not merged.get(key):
            merged[key] = value
    headline = title or merged.get("standfirst", "")[:200] or "Untitled page"
    return RawStory(
        source=source,
        text="\n".join([headline, *paragraphs]),
        format=fmt,
        encoding=encoding,
        url=merged.get("url", ""),
        meta=merged,
        original=html,
    )


def read_html_story(data: bytes, source: str) -> list[RawStory]:
    """The HTML reader: one saved web page, one story."""
    html, encoding = decode_html(data)
    if not html.strip():
        raise ReadError("empty story: the file has no text")
    return [html_story(html, source, encoding=encoding)]
