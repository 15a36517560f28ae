"""A search as a URL's query string gives it (``?q=…&in=quotes&outlet=…&person=…&from=…&to=…``),
read in one place for every page that takes one: the search page, its coverage chart and
CSV, its downloads and feed, the comparison page and the JSON API."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .parse import parse_date

MAX_FILTER_VALUES = 5  # values a form may give of one filter (outlet, person)


@dataclass
class SearchRequest:
    """A query in the query language with the form's filters; ``notices`` say what of the
    request was ignored and why (a date that is not one)."""

    text: str = ""
    scope: str = "articles"  # or "quotes"
    outlet_slugs: list[str] = field(default_factory=list)
    person_slugs: list[str] = field(default_factory=list)
    date_from: date | None = None
    date_to: date | None = None
    notices: list[str] = field(default_factory=list)

    @classmethod
    def from_query(cls, get, prefix: str = "") -> SearchRequest:
        """Read a request from a ``QueryDict`` (``prefix``: its keys' prefix, as on a page
        that holds several searches)."""
        request = cls(
            text=get.get(prefix + "q", "").strip(),
            scope="quotes" if get.get(prefix + "in") == "quotes" else "articles",
            outlet_slugs=[v for v in get.getlist(prefix + "outlet")[:MAX_FILTER_VALUES] if v],
            person_slugs=[v for v in get.getlist(prefix + "person")[:MAX_FILTER_VALUES] if v],
        )
        request.date_from = request._date(get.get(prefix + "from", ""), end=False, label="from")
        request.date_to = request._date(get.get(prefix + "to", ""), end=True, label="to")
        return request

    def _date(self, value: str, *, end: bool, label: str) -> date | None:
        if not value:
            return None
        try:
            return parse_date(value, end=end)
        except ValueError:
            self.notices.append(
                f'"{value}" is not a date (use YYYY-MM-DD); the {label} filter was ignored.'
            )
            return None

    @property
    def empty(self) -> bool:
        """Neither words nor a filter: nothing to search for."""
        return not (
            self.text or self.outlet_slugs or self.person_slugs or self.date_from or self.date_to
        )

    def kwargs(self) -> dict:
        """The keyword arguments of ``search.api.search`` (and its kin) for this request."""
        return {
            "scope": self.scope,
            "outlet_slugs": self.outlet_slugs,
            "person_slugs": self.person_slugs,
            "date_from": self.date_from,
            "date_to": self.date_to,
        }

    def query_items(self) -> list[tuple[str, str]]:
        """The request as query-string pairs (``urlencode`` them for a link)."""
        items = [("q", self.text)] if self.text else []
        if self.scope == "quotes":
            items.append(("in", "quotes"))
        items += [("outlet", s) for s in self.outlet_slugs]
        items += [("person", s) for s in self.person_slugs]
        if self.date_from:
            items.append(("from", self.date_from.isoformat()))
        if self.date_to:
            items.append(("to", self.date_to.isoformat()))
        return items
