"""Requests a period per address (no token) or per token, counted in the ``shared`` cache
(``ARCHIVE_CACHE_URL``: files on one machine, or the database or Redis that every server
shares), so that several workers and servers count together.

A fixed window: the count of the current period is a cache key of its own (``add`` then
``incr``, atomic on Redis); a request past the limit is answered 429 with ``Retry-After``,
the seconds until the period ends. A cache out of reach lets the request through (logged):
the limit protects the archive, it must not take it down."""

from __future__ import annotations

import logging
import re
import threading
import time

from django.conf import settings
from django.core.cache import caches
from ninja.throttling import BaseThrottle

from ..models import ApiToken

log = logging.getLogger(__name__)

CACHE_ALIAS = "shared"
PERIODS = {"s": 1, "sec": 1, "min": 60, "m": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}
RATE = re.compile(r"^\s*(\d+)\s*/\s*([a-z]+)\s*$")


def parse_rate(rate: str) -> tuple[int, int]:
    """``"60/min"`` -> ``(60, 60)``: requests, and the period in seconds."""
    match = RATE.match(rate or "")
    if not match or match.group(2) not in PERIODS:
        raise ValueError(f'not a rate: "{rate}" (use N/s, N/min, N/h or N/day)')
    return int(match.group(1)), PERIODS[match.group(2)]


def client_address(request) -> str:
    """The client's address: ``REMOTE_ADDR`` (a proxy in front must pass the client's own
    there, as for the sign-in limit; ``X-Forwarded-For`` is anyone's to write)."""
    return request.META.get("REMOTE_ADDR") or "unknown"


class ApiRateThrottle(BaseThrottle):
    """``ARCHIVE_API_TOKEN_RATE`` per token, ``ARCHIVE_API_ANON_RATE`` per address."""

    timer = staticmethod(time.time)

    def __init__(self):
        self._local = threading.local()  # the wait of this thread's last refusal

    def allow_request(self, request) -> bool:
        auth = getattr(request, "auth", None)
        if isinstance(auth, ApiToken):
            ident, rate = f"token:{auth.pk}", settings.ARCHIVE_API_TOKEN_RATE
        else:
            ident, rate = f"addr:{client_address(request)}", settings.ARCHIVE_API_ANON_RATE
        limit, period = parse_rate(rate)
        now = self.timer()
        window = int(now // period)
        self._local.wait = (window + 1) * period - now
        key = f"api-throttle:{period}:{ident}:{window}"
        cache = caches[CACHE_ALIAS]
        try:
            cache.add(key, 0, timeout=period + 5)
            try:
                count = cache.incr(key)
            except ValueError:  # expired between the two calls
                cache.set(key, 1, timeout=period + 5)
                count = 1
        except Exception:
            log.exception("the API's request counts could not be read: request let through")
            return True
        request.rate_limit = (limit, max(0, limit - count))
        return count <= limit

    def wait(self) -> float:
        return max(1.0, getattr(self._local, "wait", 1.0))
