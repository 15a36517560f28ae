"""Who is asking: anonymous readers, or the holder of an ``ApiToken`` sent as
``Authorization: Bearer <token>``. A token is optional (it raises the request limit); a
token that is sent but not valid is refused with 401 and the reason, never ignored."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security.http import HttpAuthBase

from ..models import ApiToken

# ``last_used`` is written at most once a minute per token: one UPDATE a minute, not one a
# request (and through ``update()``, which sends no signal: no new page generation).
LAST_USED_EVERY = timedelta(minutes=1)

BAD_SCHEME = 'The Authorization header must be "Bearer <token>".'
BAD_TOKEN = "This API token is not valid: it is unknown or has been revoked."


class Anonymous:
    """A request without a token (``request.auth``): throttled by its address."""

    def __bool__(self):
        return True

    def __str__(self):
        return "anonymous"


ANONYMOUS = Anonymous()


class BearerToken(HttpAuthBase):
    """``Authorization: Bearer <token>`` checked against the stored hashes (one query)."""

    openapi_scheme = "bearer"

    def __call__(self, request):
        header = request.headers.get("Authorization", "")
        if not header.strip():
            return None  # no token: the next callback, ``anonymous``, answers
        scheme, _, key = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise AuthenticationError(401, BAD_SCHEME)
        token = ApiToken.objects.filter(key_hash=ApiToken.hash_key(key.strip())).first()
        if token is None or not token.active:
            raise AuthenticationError(401, BAD_TOKEN)
        now = timezone.now()
        if token.last_used is None or now - token.last_used >= LAST_USED_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used=now)
            token.last_used = now
        return token


def anonymous(request):
    """The reader without a token."""
    return ANONYMOUS


AUTH = [BearerToken(), anonymous]
