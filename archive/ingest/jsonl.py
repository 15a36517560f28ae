"""The JSON Lines reader: exports of other tools (news-please, newspaper, Common Crawl
news, ...), one story per line; a bad line is a ``RecordError`` of its own.
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterator

from .htmlpages import _lines
from .rawstory import DEFAULT_MAX_BYTES, RawStory, ReadError, RecordError, _guarded, decode_bytes

#: Archive field -> the keys other tools use for it, in order of preference.
JSONL_FIELDS = {
    "title": ("title", "headline"),
    "text": ("text", "maintext", "content", "content_original", "body", "articleBody", "article"),
    "url": ("url", "link", "canonical_url"),
    "outlet": ("outlet", "source", "source_domain", "site_name", "sitename", "publisher"),
    "published": (
        "date_publish",
        "publish_date",
        "published",
        "date_published",
        "datePublished",
        "pubDate",
        "date",
    ),
    "byline": ("authors", "author", "byline"),
    "standfirst": ("description", "standfirst", "summary"),
}


def _field(record: dict, name: str) -> str:
    """The first non-empty value among the keys mapped to ``name``, as text."""
    for key in JSONL_FIELDS[name]:
        value = record.get(key)
        if isinstance(value, list):
            parts = [str(v).strip() for v in value if isinstance(v, str | int | float) and v]
            value = (", " if name == "byline" else "\n\n").join(p for p in parts if p)
        elif isinstance(value, dict | bool) or value is None:
            continue
        value = str(value).strip()
        if value:
            return value
    return ""


def jsonl_story(line: str, source: str, encoding: str = "utf-8") -> RawStory:
    """One JSON line to a ``RawStory`` through ``JSONL_FIELDS``; ``ReadError`` says what is wrong."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ReadError(f"not JSON: {exc.msg} (column {exc.colno})") from exc
    if not isinstance(record, dict):
        raise ReadError(f"not a JSON object but {type(record).__name__}")
    text = _field(record, "text")
    if not text:
        raise ReadError("no text: none of " + ", ".join(JSONL_FIELDS["text"]) + " has a value")
    meta = {name: _field(record, name) for name in JSONL_FIELDS if name != "text"}
    meta = {k: v for k, v in meta.items() if v}
    title = " ".join(meta.get("title", "").split())
    body = _lines(text)
    if title and body and " ".join(body[0].split()) == title:
        body = body[1:]  # some exports repeat the headline as the first line of the text
    if title and not body:
        raise ReadError("no text: only a headline")
    return RawStory(
        source=source,
        text="\n".join([title, *body] if title else body),
        format="jsonl",
        encoding=encoding,
        url=meta.get("url", ""),
        meta=meta,
        original=line.rstrip("\r\n"),
    )


def _read_jsonl_stream(stream, source: str, max_bytes: int) -> Iterator[RawStory | RecordError]:
    """Each line of a binary stream is a story or a ``RecordError`` named ``source:line``."""
    number = 0
    while True:
        line = stream.readline(max_bytes + 1) if max_bytes else stream.readline()
        if not line:
            return
        number += 1
        where = f"{source}:{number}"
        if max_bytes and len(line) > max_bytes and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):  # skip the rest of the long line
                line = stream.readline(1 << 20)
            yield RecordError(where, f"record too large: over {max_bytes:,} bytes")
            continue
        if not line.strip():
            continue
        try:
            text, encoding = line.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            try:
                text, encoding = decode_bytes(line)
            except ReadError as exc:
                yield RecordError(where, str(exc))
                continue
        try:
            yield jsonl_story(text.lstrip("\ufeff"), where, encoding)
        except ReadError as exc:
            yield RecordError(where, str(exc))


def read_jsonl(data: bytes, source: str, max_bytes: int = DEFAULT_MAX_BYTES):
    """The JSON Lines reader: one story per line; bad lines are ``RecordError``s."""
    stream = io.BytesIO(data)
    if data.startswith(b"\x1f\x8b"):
        stream = gzip.GzipFile(fileobj=stream)
    return _guarded(_read_jsonl_stream(stream, source, max_bytes), source)
