"""Settings for the news archive, read from the environment.

This module is the only place that reads the environment. Safe defaults for local use:
SQLite in ``var/`` and DEBUG off. Production sets ``DJANGO_SECRET_KEY``,
``DJANGO_ALLOWED_HOSTS``, ``DATABASE_URL`` and, behind TLS, ``DJANGO_SECURE=1``.

Two kinds of variables are read:

- operator settings (README.md, Configuration), each with its default here;
- tuning overrides (``TUNING_VARIABLES``): constants that live beside their code with
  their default (``archive.importer.CHUNK``, ``search.engine.background.BULK_MIN`` ...), which
  the benchmarks and tests may override. A tuning variable becomes a setting only when
  it is set; the module reads ``getattr(settings, NAME, CONSTANT)``.

Every name read is listed in ``ARCHIVE_ENVIRONMENT_VARIABLES``; ``manage.py check``
warns about any other ``ARCHIVE_*`` or ``DJANGO_*`` variable (``archive.checks``).
"""

import os
import re
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_READ = set()  # every environment variable this module reads


def env(name, default=None):
    _READ.add(name)
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = env(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name, default):
    return int(env(name, str(default)))


def env_float(name, default):
    return float(env(name, str(default)))


BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env("ARCHIVE_VAR_DIR", BASE_DIR / "var"))


def _local_secret_key():
    """A random key kept in var/ so that sessions survive restarts on a local install."""
    path = VAR_DIR / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        path.write_text(key)
        path.chmod(0o600)
        return key


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env("DJANGO_SECRET_KEY") or _local_secret_key()
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # django-ninja: the JSON API; as an app its docs page loads Swagger UI from its own
    # static files (without it, from a CDN)
    "ninja",
    "archive.apps.ArchiveConfig",
    "search.apps.SearchConfig",
]

MIDDLEWARE = [
    # outermost: the policy is also sent with responses other middleware answers itself
    "archive.middleware.ContentSecurityPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "archive.middleware.DropNulFromQueryMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "archive.urls"
WSGI_APPLICATION = "archive.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'archive.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while an import writes; the timeout makes a second
    # writer wait instead of failing at once with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing root
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Security headers; the TLS-only ones are switched on with DJANGO_SECURE=1.
SECURE = env_bool("DJANGO_SECURE", False)
if SECURE:
    # A production deployment must say who it is and carry its own key.
    for required in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"):
        if not env(required):
            raise ImproperlyConfigured(f"{required} must be set when DJANGO_SECURE=1")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", True) and SECURE
# Load balancers check health over plain HTTP: the check answers there, never a redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
_hsts_seconds = env_int("DJANGO_HSTS_SECONDS", 31536000)
SECURE_HSTS_SECONDS = _hsts_seconds if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
# Every response: scripts, styles, images, fonts and frames from the site itself only, no
# inline script or style, forms post only to the site, not framed (but for the search
# page's chart: research.coverage_views), no <base> address, no plugins.
ARCHIVE_CONTENT_SECURITY_POLICY = env(
    "ARCHIVE_CONTENT_SECURITY_POLICY",
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; manifest-src 'self'; frame-src 'self'; "
    "form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'",
)
if env_bool("DJANGO_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The archive's own settings.
ARCHIVE_MAX_FILE_BYTES = env_int("ARCHIVE_MAX_FILE_BYTES", 5 * 1024 * 1024)
# Worker processes that read and extract stories ahead of an import's database work
# (0 or unset: one per core).
ARCHIVE_IMPORT_WORKERS = env_int("ARCHIVE_IMPORT_WORKERS", 0)
ARCHIVE_INDEX_DIR = Path(env("ARCHIVE_INDEX_DIR", VAR_DIR / "index"))
# The search backend: "whoosh" (an index in ARCHIVE_INDEX_DIR) or "postgres" (full-text
# search in the database: a PostgreSQL database only; several app servers may share it).
ARCHIVE_SEARCH_BACKEND = (env("ARCHIVE_SEARCH_BACKEND", "whoosh") or "whoosh").strip().lower()
# `import_articles` writes the search index in a second process; set, in its own.
ARCHIVE_INDEX_INLINE = env_bool("ARCHIVE_INDEX_INLINE", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "WARNING")},
    "loggers": {
        "archive": {"level": env("ARCHIVE_LOG_LEVEL", "INFO")},
        "search": {"level": env("ARCHIVE_LOG_LEVEL", "INFO")},
    },
}

# Curation in the admin: upload limits and sign-in protection.
ARCHIVE_MAX_UPLOAD_FILES = env_int("ARCHIVE_MAX_UPLOAD_FILES", 200)
ARCHIVE_MAX_UPLOAD_BYTES = env_int("ARCHIVE_MAX_UPLOAD_BYTES", 100 * 1024 * 1024)
# An uploaded file is refused (reported failed, kept in the upload) when it unpacks to more
# than this (a .gz file) or, as JSON Lines, holds more lines than ARCHIVE_MAX_FILE_RECORDS.
ARCHIVE_MAX_UNPACKED_BYTES = env_int("ARCHIVE_MAX_UNPACKED_BYTES", 16 * 1024 * 1024)
ARCHIVE_MAX_FILE_RECORDS = env_int("ARCHIVE_MAX_FILE_RECORDS", 10000)
# Uploads are imported by `manage.py import_worker`: it looks for queued uploads every
# ARCHIVE_UPLOAD_POLL_SECONDS, and takes back a running upload whose worker has given no
# sign of life for ARCHIVE_UPLOAD_JOB_TIMEOUT seconds (queued again once, then failed).
ARCHIVE_UPLOAD_POLL_SECONDS = env_float("ARCHIVE_UPLOAD_POLL_SECONDS", 2)
ARCHIVE_UPLOAD_JOB_TIMEOUT = env_float("ARCHIVE_UPLOAD_JOB_TIMEOUT", 600)
# Django refuses a request with more files than this outright (400); the upload form gives a
# clear message up to this many.
DATA_UPLOAD_MAX_NUMBER_FILES = ARCHIVE_MAX_UPLOAD_FILES * 5
# Curators sign in through the admin: after sign-in with no usable ``next`` (missing, or
# refused as pointing off the site) they land on the admin's index, a page that exists.
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"
ARCHIVE_LOGIN_MAX_FAILURES = env_int("ARCHIVE_LOGIN_MAX_FAILURES", 5)
ARCHIVE_LOGIN_LOCK_MINUTES = env_int("ARCHIVE_LOGIN_LOCK_MINUTES", 15)
# Failed sign-ins are counted in a cache every gunicorn worker shares (never a per-process
# memory cache, which would let each worker count on its own).
ARCHIVE_LOGIN_CACHE = "shared"
# The JSON API (/api/): requests a minute from one address without a token, and with a
# token (made by curators in the admin), counted in the shared cache (ARCHIVE_CACHE_URL)
# so that every worker and server counts together. "N/min", "N/h" or "N/s".
ARCHIVE_API_ANON_RATE = env("ARCHIVE_API_ANON_RATE", "60/min")
ARCHIVE_API_TOKEN_RATE = env("ARCHIVE_API_TOKEN_RATE", "600/min")
for _name in ("ARCHIVE_API_ANON_RATE", "ARCHIVE_API_TOKEN_RATE"):
    if not re.fullmatch(r"\s*\d+\s*/\s*(s|sec|m|min|h|hour|d|day)\s*", globals()[_name]):
        raise ImproperlyConfigured(f"{_name} must be N/s, N/min, N/h or N/day, e.g. 60/min")
# Readers' pages are kept whole (``archive.pagecache``) and dropped when the archive
# changes: a generation token tells every worker which pages are current.
ARCHIVE_PAGE_CACHE_SECONDS = env_int("ARCHIVE_PAGE_CACHE_SECONDS", 3600)
ARCHIVE_PAGE_CACHE_STAMP = Path(env("ARCHIVE_PAGE_CACHE_STAMP", VAR_DIR / "pages.stamp"))
# Where the page cache, its generation and the sign-in counts live: unset, files in var/
# (every worker of one machine); "db", tables in the database; "redis://host:port/db", a
# Redis server. The last two are shared by every server of the archive.
ARCHIVE_CACHE_URL = (env("ARCHIVE_CACHE_URL", "") or "").strip()
PAGE_CACHE_TABLE = "archive_page_cache"
SHARED_CACHE_TABLE = "archive_shared_cache"


def cache_kind(url):
    """What an ``ARCHIVE_CACHE_URL`` names: ``"files"`` (unset), ``"db"``, ``"redis"``, or
    ``None`` for anything else (``archive.E002``; the files are used meanwhile)."""
    url = (url or "").strip()
    if not url:
        return "files"
    if url.lower() == "db":
        return "db"
    if url.lower().startswith(("redis://", "rediss://")) and len(url.split("://", 1)[1]) > 0:
        return "redis"
    return None


def shared_caches(url, page_dir, shared_dir, page_entries):
    """The ``pages`` and ``shared`` caches for an ``ARCHIVE_CACHE_URL``.

    Files (one machine): pages under ``page_dir``, counts under ``shared_dir``. The database:
    a table each (created by a migration), so that culling old pages never drops a sign-in
    lock. Redis: one server, keys kept apart by prefix; pages leave by their timeout.
    """
    kind = cache_kind(url)
    if kind == "db":
        return {
            "pages": {
                "BACKEND": "django.core.cache.backends.db.DatabaseCache",
                "LOCATION": PAGE_CACHE_TABLE,
                "OPTIONS": {"MAX_ENTRIES": page_entries},
            },
            "shared": {
                "BACKEND": "django.core.cache.backends.db.DatabaseCache",
                "LOCATION": SHARED_CACHE_TABLE,
                "OPTIONS": {"MAX_ENTRIES": 100000},
            },
        }
    if kind == "redis":
        redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url.strip()}
        return {
            "pages": {**redis, "KEY_PREFIX": "archive-pages"},
            "shared": {**redis, "KEY_PREFIX": "archive-shared"},
        }
    # Files, so that one worker's rendering serves every worker (a hit costs a file read).
    return {
        "pages": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(page_dir),
            "OPTIONS": {"MAX_ENTRIES": page_entries},
        },
        "shared": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(shared_dir),
        },
    }


CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    **shared_caches(
        ARCHIVE_CACHE_URL,
        page_dir=env("ARCHIVE_PAGE_CACHE_DIR", str(VAR_DIR / "pages")),
        shared_dir=env("ARCHIVE_SHARED_CACHE_DIR", str(VAR_DIR / "cache")),
        page_entries=env_int("ARCHIVE_PAGE_CACHE_ENTRIES", 5000),
    ),
}

# Tuning overrides: constants kept beside their code, with their default there; a
# variable set in the environment overrides its constant (benchmarks and tests use them;
# an operator does not need them). The constant each one overrides:
TUNING_VARIABLES = {
    "ARCHIVE_IMPORT_CHUNK": int,  # archive.importer.CHUNK: stories per transaction
    "ARCHIVE_IMPORT_CHUNK_SECONDS": float,  # archive.importer.CHUNK_SECONDS
    "ARCHIVE_IMPORT_POOL_MIN": int,  # archive.importer.POOL_MIN: inputs for the workers
    "ARCHIVE_INDEX_BULK_MIN": int,  # search.engine.background.BULK_MIN: a bulk import's size
    "ARCHIVE_INDEX_REBUILD_PROCS": int,  # search.engine.index.rebuild: analysing processes
    "ARCHIVE_INDEX_LOCK_TIMEOUT": float,  # search.engine.index: seconds a writer waits
    "ARCHIVE_INDEX_LOCK_ATTEMPTS": int,  # search.engine.index: tries before a write fails
    "ARCHIVE_INDEX_WRITER_MB": int,  # search.engine.index: an index writer's memory
    "ARCHIVE_SEARCH_WARM_DOCS": int,  # search.engine.searchers: index size searched when warmed
    "ARCHIVE_SEARCH_REFRESH_SECONDS": float,  # search.engine.searchers: a warmed searcher's life
    "ARCHIVE_SEARCH_WARM_POSTINGS": int,  # search.engine.searchers: postings scored as it warms
    "ARCHIVE_SEARCH_WARM_WAIT_SECONDS": float,  # search.engine.searchers: wait for a warm searcher
    "ARCHIVE_PAGE_CACHE_BATCH_SECONDS": float,  # archive.pagecache: generations per import
    "ARCHIVE_STATS_CACHE_SECONDS": int,  # archive.stats.STATS_CACHE_SECONDS
}
for _name, _type in TUNING_VARIABLES.items():
    if env(_name) is not None:
        globals()[_name] = _type(env(_name))

# Every environment variable read above (``manage.py check`` warns about others).
ARCHIVE_ENVIRONMENT_VARIABLES = frozenset(_READ)
