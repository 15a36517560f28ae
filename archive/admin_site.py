"""Admin sign-in protected against password guessing.

Failed sign-ins are counted per user name and client address in a cache shared by all
server processes (``settings.ARCHIVE_LOGIN_CACHE``: a file-based cache in ``var/`` by
default, the database or Redis with ``ARCHIVE_CACHE_URL`` so that every server counts
together; with several gunicorn workers a per-process memory cache would let each worker
count separately). After ``ARCHIVE_LOGIN_MAX_FAILURES`` failures the pair is locked for
``ARCHIVE_LOGIN_LOCK_MINUTES`` minutes, even for the right password.

An attempt is counted *before* its password is checked, under a lock every process takes
(the cache's own increment is a read and a write, not atomic): of any number of attempts
at once, at most ``ARCHIVE_LOGIN_MAX_FAILURES`` get their password checked before the
lock; the others are refused unchecked. With files the lock is a file lock; with a shared
cache it is a key of that cache added atomically (an insert on the key's primary key, or
Redis' ``SET NX``), released after the count and expiring by itself if its holder dies;
an attempt that cannot take it within ``COUNT_LOCK_WAIT_SECONDS`` is refused unchecked.
A successful sign-in clears the count.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from django.core.exceptions import ValidationError

log = logging.getLogger(__name__)

# A shared cache's count lock: how long an attempt waits for it, how often it looks again,
# and after how long a lock whose holder died frees itself.
COUNT_LOCK_WAIT_SECONDS = 5
COUNT_LOCK_POLL_SECONDS = 0.01
COUNT_LOCK_EXPIRY_SECONDS = 10


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


def _lock_path() -> Path:
    """The file every process locks around a count: beside the shared cache's files when it
    keeps files (every worker sees them), else in ``var/``."""
    cache = _cache()
    folder = getattr(cache, "_dir", None) or settings.VAR_DIR
    os.makedirs(folder, exist_ok=True)
    return Path(folder) / "sign-in.lock"


@contextmanager
def _counting(username: str, ip: str):
    """One count at a time for a user name and address, across threads, processes and
    (with a shared cache) servers. Yields whether the lock was taken."""
    if not isinstance(_cache(), FileBasedCache):
        with _cache_lock(_key("count", username, ip)) as held:
            yield held
        return
    with open(_lock_path(), "ab") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def _cache_lock(key: str):
    """Hold ``key`` of the shared cache (an atomic add); yields whether it was taken."""
    cache = _cache()
    token = uuid.uuid4().hex
    deadline = time.monotonic() + COUNT_LOCK_WAIT_SECONDS
    held = cache.add(key, token, timeout=COUNT_LOCK_EXPIRY_SECONDS)
    while not held and time.monotonic() < deadline:
        time.sleep(COUNT_LOCK_POLL_SECONDS)
        held = cache.add(key, token, timeout=COUNT_LOCK_EXPIRY_SECONDS)
    if not held:
        log.warning("admin sign-in: the count lock %s stayed taken", key)
    try:
        yield held
    finally:
        if held and cache.get(key) == token:
            cache.delete(key)


def begin_attempt(username: str, ip: str) -> int | None:
    """Count a sign-in attempt of ``username`` from ``ip`` before its password is checked.

    Returns the attempt's number since the last success, or ``None`` when the pair is
    locked (the attempt must be refused without checking the password).
    """
    cache = _cache()
    key = _key("fail", username, ip)
    with _counting(username, ip) as held:
        if not held or cache.get(_key("lock", username, ip)):
            return None
        attempts = (cache.get(key) or 0) + 1
        if attempts > settings.ARCHIVE_LOGIN_MAX_FAILURES:
            return None
        cache.set(key, attempts, timeout=lock_seconds())
    return attempts


def register_failure(username: str, ip: str, attempt: int) -> None:
    """Attempt number ``attempt`` failed: at the limit, the pair is locked."""
    if attempt >= settings.ARCHIVE_LOGIN_MAX_FAILURES:
        cache = _cache()
        with _counting(username, ip):
            cache.set(_key("lock", username, ip), True, timeout=lock_seconds())
            cache.delete(_key("fail", username, ip))
        log.warning("admin sign-in locked for %r from %s after %d failures", username, ip, attempt)


def reset_failures(username: str, ip: str) -> None:
    """Forget the failures of ``username`` from ``ip`` (after a successful sign-in)."""
    _cache().delete_many([_key("fail", username, ip), _key("lock", username, ip)])


class ThrottledAuthenticationForm(AdminAuthenticationForm):
    """The admin sign-in form, refusing a user name and address after too many failures."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        ip = client_ip(self.request)
        attempt = begin_attempt(username, ip)
        if attempt is None:
            raise ValidationError(locked_message(), code="locked")
        try:
            cleaned = super().clean()
        except ValidationError:
            register_failure(username, ip, attempt)
            # The attempt that reached the limit says so; an earlier one that a concurrent
            # attempt overtook still gets its own answer (its password was checked).
            if attempt >= settings.ARCHIVE_LOGIN_MAX_FAILURES:
                raise ValidationError(locked_message(), code="locked") from None
            raise
        reset_failures(username, ip)
        return cleaned
