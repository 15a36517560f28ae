"""Which URLs may become links: ``http`` and ``https`` only.

A story's URL comes from its input (a JSON field, a WARC record, a page's canonical link)
and is shown as a link on the article page. ``javascript:``, ``data:``, ``vbscript:`` and
every other scheme is data, not a link: such a value is not stored in the URL field (it
stays in the story's raw input). Browsers ignore ASCII whitespace and control characters
anywhere in a scheme (``java\\tscript:``) and compare it case-insensitively, so the check
does too.
"""

from __future__ import annotations

import re

WEB_SCHEMES = ("http", "https")
_IGNORED = re.compile(r"[\x00-\x20\x7f]")  # what a browser strips or skips in a URL's scheme
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.I)


def web_url(value: str | None) -> str:
    """``value`` stripped of surrounding whitespace when it is an absolute http(s) URL with a
    host, else ``""``."""
    if not value:
        return ""
    url = value.strip(" \t\r\n\f\v\x00")
    match = _SCHEME.match(_IGNORED.sub("", url[:40]))
    if match is None or match.group(1).lower() not in WEB_SCHEMES:
        return ""
    if _IGNORED.search(url):  # a control character or a space inside: not a usable link
        return ""
    rest = url[len(match.group(0)) :]
    if not rest.startswith("//") or len(rest) == 2 or rest[2] in "/?#":
        return ""
    return url
