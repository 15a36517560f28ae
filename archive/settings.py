"""Settings for the news archive, read from the environment.

Safe defaults for local use: SQLite in ``var/`` and DEBUG off. Production sets
``DJANGO_SECRET_KEY``, ``DJANGO_ALLOWED_HOSTS``, ``DATABASE_URL`` and, behind TLS,
``DJANGO_SECURE=1``.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ARCHIVE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = os.environ.get(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


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
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or _local_secret_key()
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
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'archive.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
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
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
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
        if not os.environ.get(required):
            raise ImproperlyConfigured(f"{required} must be set when DJANGO_SECURE=1")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE and env_bool("DJANGO_SSL_REDIRECT", True)
# Load balancers check health over plain HTTP: the check answers there, never a redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000")) if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
# Every response: scripts, styles, images and fonts from the site itself only, no inline
# script or style, forms post only to the site, no framing, no <base>, no plugins.
ARCHIVE_CONTENT_SECURITY_POLICY = os.environ.get(
    "ARCHIVE_CONTENT_SECURITY_POLICY",
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; manifest-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'",
)
if env_bool("DJANGO_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The archive's own settings.
ARCHIVE_MAX_FILE_BYTES = int(os.environ.get("ARCHIVE_MAX_FILE_BYTES", str(5 * 1024 * 1024)))
# Stories saved per transaction (and per search-index write) by an import run, at most,
# and seconds a transaction stays open at most (another writer waits that long).
ARCHIVE_IMPORT_CHUNK = int(os.environ.get("ARCHIVE_IMPORT_CHUNK", "1000"))
ARCHIVE_IMPORT_CHUNK_SECONDS = float(os.environ.get("ARCHIVE_IMPORT_CHUNK_SECONDS", "5"))
# Worker processes that read and extract stories ahead of the database work (0 or unset:
# one per core), for an import of at least ARCHIVE_IMPORT_POOL_MIN inputs.
ARCHIVE_IMPORT_WORKERS = int(os.environ.get("ARCHIVE_IMPORT_WORKERS", "0"))
ARCHIVE_IMPORT_POOL_MIN = int(os.environ.get("ARCHIVE_IMPORT_POOL_MIN", "400"))
ARCHIVE_INDEX_DIR = Path(os.environ.get("ARCHIVE_INDEX_DIR", VAR_DIR / "index"))
# An import_articles run of at least this many stories (and at least as many as the
# archive holds) rebuilds the search index once at the end instead of writing per chunk.
ARCHIVE_INDEX_BULK_MIN = int(os.environ.get("ARCHIVE_INDEX_BULK_MIN", "2000"))
# A search index of at least this many documents (articles and quotes) is searched through
# warmed searchers: a fresh one is loaded in the background when the index changes, and
# kept at least ARCHIVE_SEARCH_REFRESH_SECONDS (how far searches may lag the index).
ARCHIVE_SEARCH_WARM_DOCS = int(os.environ.get("ARCHIVE_SEARCH_WARM_DOCS", "20000"))
ARCHIVE_SEARCH_REFRESH_SECONDS = float(os.environ.get("ARCHIVE_SEARCH_REFRESH_SECONDS", "5"))
# Postings of the most common words scored as a searcher is warmed (12 bytes each).
ARCHIVE_SEARCH_WARM_POSTINGS = int(os.environ.get("ARCHIVE_SEARCH_WARM_POSTINGS", "1500000"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
    "loggers": {
        "archive": {"level": os.environ.get("ARCHIVE_LOG_LEVEL", "INFO")},
        "search": {"level": os.environ.get("ARCHIVE_LOG_LEVEL", "INFO")},
    },
}

# Curation in the admin: upload limits and sign-in protection.
ARCHIVE_MAX_UPLOAD_FILES = int(os.environ.get("ARCHIVE_MAX_UPLOAD_FILES", "200"))
ARCHIVE_MAX_UPLOAD_BYTES = int(os.environ.get("ARCHIVE_MAX_UPLOAD_BYTES", str(100 * 1024 * 1024)))
# An uploaded file is refused (reported failed, kept in the upload) when it unpacks to more
# than this (a .gz file) or, as JSON Lines, holds more lines than ARCHIVE_MAX_FILE_RECORDS.
ARCHIVE_MAX_UNPACKED_BYTES = int(
    os.environ.get("ARCHIVE_MAX_UNPACKED_BYTES", str(16 * 1024 * 1024))
)
ARCHIVE_MAX_FILE_RECORDS = int(os.environ.get("ARCHIVE_MAX_FILE_RECORDS", "10000"))
# Uploads are imported by `manage.py import_worker`: it looks for queued uploads every
# ARCHIVE_UPLOAD_POLL_SECONDS, and takes back a running upload whose worker has given no
# sign of life for ARCHIVE_UPLOAD_JOB_TIMEOUT seconds (queued again once, then failed).
ARCHIVE_UPLOAD_POLL_SECONDS = float(os.environ.get("ARCHIVE_UPLOAD_POLL_SECONDS", "2"))
ARCHIVE_UPLOAD_JOB_TIMEOUT = float(os.environ.get("ARCHIVE_UPLOAD_JOB_TIMEOUT", "600"))
# Django refuses a request with more files than this outright (400); the upload form gives a
# clear message up to this many.
DATA_UPLOAD_MAX_NUMBER_FILES = ARCHIVE_MAX_UPLOAD_FILES * 5
# Curators sign in through the admin: after sign-in with no usable ``next`` (missing, or
# refused as pointing off the site) they land on the admin's index, a page that exists.
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"
ARCHIVE_LOGIN_MAX_FAILURES = int(os.environ.get("ARCHIVE_LOGIN_MAX_FAILURES", "5"))
ARCHIVE_LOGIN_LOCK_MINUTES = int(os.environ.get("ARCHIVE_LOGIN_LOCK_MINUTES", "15"))
# Failed sign-ins are counted in a cache every gunicorn worker shares: a file-based cache in
# var/ (a per-process memory cache would let each worker count on its own).
ARCHIVE_LOGIN_CACHE = "shared"
# Readers' pages are kept whole (``archive.pagecache``) and dropped when the archive
# changes: the stamp file tells every worker which generation is current.
ARCHIVE_PAGE_CACHE_SECONDS = int(os.environ.get("ARCHIVE_PAGE_CACHE_SECONDS", "3600"))
ARCHIVE_PAGE_CACHE_STAMP = Path(os.environ.get("ARCHIVE_PAGE_CACHE_STAMP", VAR_DIR / "pages.stamp"))
ARCHIVE_PAGE_CACHE_BATCH_SECONDS = float(os.environ.get("ARCHIVE_PAGE_CACHE_BATCH_SECONDS", "10"))
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Files, so that one worker's rendering serves every worker (a hit costs a file read).
    "pages": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("ARCHIVE_PAGE_CACHE_DIR", str(VAR_DIR / "pages")),
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("ARCHIVE_PAGE_CACHE_ENTRIES", "5000"))},
    },
    "shared": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("ARCHIVE_SHARED_CACHE_DIR", str(VAR_DIR / "cache")),
    },
}
