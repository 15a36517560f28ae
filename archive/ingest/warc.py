"""The WARC (and older ARC) reader: every HTML response or resource record of a web
archive is a story; a truncated or malformed record stops the file with a ``RecordError``.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Iterator

from .htmlpages import decode_html, html_story
from .rawstory import DEFAULT_MAX_BYTES, RawStory, ReadError, RecordError, _guarded


def _read_warc_stream(stream, source: str, max_bytes: int) -> Iterator[RawStory | RecordError]:
    from warcio.archiveiterator import ArchiveIterator

    number = 0
    stories = 0
    records = ArchiveIterator(stream, arc2warc=True)
    while True:
        where = f"{source}#{number + 1}"
        try:
            record = next(records)
        except StopIteration:
            break
        except Exception as exc:  # warcio raises several kinds on a damaged header
            what = "malformed or truncated WARC record" if number else "not a readable WARC file"
            yield RecordError(where, f"{what}: {_warc_reason(exc)}")
            return
        number += 1
        html_record = _html_record(record)
        if html_record is None:
            if _drained_short(record):
                yield RecordError(where, "truncated record: the file ends inside it")
                return
            continue
        ctype, url = html_record
        captured = (record.rec_headers.get_header("WARC-Date") or "")[:10]
        try:
            payload = record.content_stream().read(max_bytes + 1 if max_bytes else -1)
        except Exception as exc:  # chunked or gzip body cut short
            yield RecordError(where, f"truncated record: {_warc_reason(exc)} ({url})")
            return
        if max_bytes and len(payload) > max_bytes:
            yield RecordError(where, f"record too large: over {max_bytes:,} bytes")
            continue
        if _drained_short(record):
            # the file ended before the record's Content-Length: a cut-off download
            yield RecordError(where, f"truncated record: the file ends inside it ({url})")
            return
        m = re.search(r"charset=([\w.:-]+)", ctype, re.I)
        stories += 1
        try:
            html, encoding = decode_html(payload, m.group(1) if m else "")
            meta = {"captured": captured, "published": captured} if captured else {}
            yield html_story(html, where, url=url, encoding=encoding, fmt="warc", meta=meta)
        except ReadError as exc:
            yield RecordError(where, f"{exc} ({url})" if url else str(exc))
    if not stories:
        yield RecordError(
            source, f"no HTML pages: none of its {number} records is an HTML response"
        )


def _html_record(record) -> tuple[str, str] | None:
    """(content type, URL) of a successful HTML response or resource record, else None."""
    if record.rec_type not in ("response", "resource"):
        return None
    http = record.http_headers
    if record.rec_type == "response" and http is None:
        return None
    ctype = (http or record.rec_headers).get_header("Content-Type") or ""
    if "html" not in ctype.lower():
        return None
    if http is not None and not str(http.get_statuscode()).startswith("2"):
        return None  # redirects and error pages are not stories
    return ctype, record.rec_headers.get_header("WARC-Target-URI") or ""


def _drained_short(record) -> bool:
    """Read what is left of the record; True when the file ended before its Content-Length."""
    raw = record.raw_stream
    while raw.read(1 << 16):
        pass
    return getattr(raw, "limit", 0) > 0


def _warc_reason(exc: Exception) -> str:
    from warcio.exceptions import ArchiveLoadFailed

    if not isinstance(exc, ArchiveLoadFailed | EOFError | OSError | zlib.error):
        return "damaged record header"
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]


def read_warc(data: bytes, source: str, max_bytes: int = DEFAULT_MAX_BYTES):
    """The WARC reader: each HTML response (or resource) record becomes a story with its URL
    and capture date (``meta['captured']``, also the publication date when the page has none).
    A truncated or malformed record stops the file with a ``RecordError``; the records before
    it are kept."""
    return _guarded(_read_warc_stream(io.BytesIO(data), source, max_bytes), source)
