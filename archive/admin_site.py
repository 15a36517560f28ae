"""Admin sign-in protected against password guessing.

Failed sign-ins are counted per user name and client address in a cache shared by all
server processes (``settings.ARCHIVE_LOGIN_CACHE``, a file-based cache in ``var/`` by
default: with several gunicorn workers a per-process memory cache would let each worker
count separately). After ``ARCHIVE_LOGIN_MAX_FAILURES`` failures the pair is locked for
``ARCHIVE_LOGIN_LOCK_MINUTES`` minutes, even for the right password.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.cache import caches
from django.core.exceptions import ValidationError

log = logging.getLogger(__name__)


def _cache():
    return caches[settings.ARCHIVE_LOGIN_CACHE]


def client_ip(request) -> str:
    """The client's address as the server saw it (the proxy's when behind one)."""
    return (request.META.get("REMOTE_ADDR") or "unknown") if request is not None else "unknown"


def _key(kind: str, username: str, ip: str) -> str:
    digest = hashlib.sha256(f"{username.strip().lower()}|{ip}".encode()).hexdigest()
    return f"admin-login:{kind}:{digest}"


def lock_seconds() -> int:
    return settings.ARCHIVE_LOGIN_LOCK_MINUTES * 60


def locked_message() -> str:
    minutes = settings.ARCHIVE_LOGIN_LOCK_MINUTES
    return (
        "Too many failed sign-in attempts for this account from your address. "
        f"Signing in is locked for {minutes} minute{'s' if minutes != 1 else ''}; "
        "try again later."
    )


def is_locked(username: str, ip: str) -> bool:
    """Whether sign-in for ``username`` from ``ip`` is locked."""
    return bool(_cache().get(_key("lock", username, ip)))


def register_failure(username: str, ip: str) -> int:
    """Count one failed sign-in; locks the pair at the limit. Returns the failure count."""
    cache = _cache()
    key = _key("fail", username, ip)
    cache.add(key, 0, timeout=lock_seconds())
    try:
        failures = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=lock_seconds())
        failures = 1
    if failures >= settings.ARCHIVE_LOGIN_MAX_FAILURES:
        cache.set(_key("lock", username, ip), True, timeout=lock_seconds())
        cache.delete(key)
        log.warning("admin sign-in locked for %r from %s after %d failures", username, ip, failures)
    return failures


def reset_failures(username: str, ip: str) -> None:
    """Forget the failures of ``username`` from ``ip`` (after a successful sign-in)."""
    _cache().delete_many([_key("fail", username, ip), _key("lock", username, ip)])


class ThrottledAuthenticationForm(AdminAuthenticationForm):
    """The admin sign-in form, refusing a user name and address after too many failures."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        ip = client_ip(self.request)
        if is_locked(username, ip):
            raise ValidationError(locked_message(), code="locked")
        try:
            cleaned = super().clean()
        except ValidationError:
            register_failure(username, ip)
            if is_locked(username, ip):
                raise ValidationError(locked_message(), code="locked") from None
            raise
        reset_failures(username, ip)
        return cleaned
