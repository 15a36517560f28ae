"""Outlet recognition from a story's header lines and the site's own signatures."""

from __future__ import annotations

import re

# Phrases that only the outlet itself prints (its own pitch), mapped to the outlet.
SIGNATURES: list[tuple[re.Pattern, str]] = [
    (re.compile(r"\bIndependent Premium\b|\bThe Independent is trusted by\b"), "The Independent"),
]

TAGLINE = re.compile(
    r"\b(breaking news|latest news|headlines|news and|the daily|world news|videos)\b", re.I
)


def looks_like_site_name(line: str) -> bool:
    """A short title-cased line with no sentence punctuation, as a site's masthead is."""
    words = line.split()
    if not 1 <= len(words) <= 5 or line.rstrip().endswith((".", "?", "!", ":", ",")):
        return False
    return all(w[:1].isupper() or not w[:1].isalpha() for w in words)


def looks_like_tagline(line: str) -> bool:
    return (
        bool(TAGLINE.search(line)) and len(line.split()) <= 14 and not line.rstrip().endswith(".")
    )


def outlet_from_signatures(text: str) -> str | None:
    for pattern, name in SIGNATURES:
        if pattern.search(text):
            return name
    return None
