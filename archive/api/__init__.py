"""The read-only JSON API under ``/api/``, built with django-ninja: typed schemas that both
validate the parameters and describe the API (``/api/openapi.json``, ``/api/docs/``).

* ``app`` — the ``NinjaAPI``: its error answers (JSON, never a 500 for a bad request),
  ETags and Cache-Control, the OpenAPI document with the token optional;
* ``routers/`` — one router per kind of record (articles, search, people, outlets, quotes);
* ``schemas`` — what each record holds; ``pages`` — keyset (cursor) pagination;
* ``auth`` — ``Authorization: Bearer <token>`` (``ApiToken``, made in the admin);
* ``throttling`` — requests per minute per address or per token, in the shared cache;
* ``caching`` — conditional GET (weak ETags from the archive's generation or the content);
* ``urls`` — mounted at ``api/`` by ``archive.urls``.
"""
