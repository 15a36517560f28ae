"""Production settings: `check --deploy` is clean, secure values are set (DEBUG off, secure
cookies, HSTS, HTTPS redirect), and missing essentials are refused."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_SECURE": "1",
    "DJANGO_SECRET_KEY": "x7!kq2" * 12,
    "DJANGO_ALLOWED_HOSTS": "archive.example.org",
}


def manage(*args, env):
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={**PRODUCTION, "ARCHIVE_VAR_DIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_requires_allowed_hosts_and_secret_key(tmp_path):
    env = {**PRODUCTION, "ARCHIVE_VAR_DIR": str(tmp_path)}
    del env["DJANGO_ALLOWED_HOSTS"]
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must be set when DJANGO_SECURE=1" in result.stderr
    env = {**PRODUCTION, "ARCHIVE_VAR_DIR": str(tmp_path)}
    del env["DJANGO_SECRET_KEY"]
    result = manage("check", env=env)
    assert "DJANGO_SECRET_KEY must be set when DJANGO_SECURE=1" in result.stderr


def test_local_defaults_have_debug_off(settings):
    assert settings.DEBUG is False
    assert "*" not in settings.ALLOWED_HOSTS


def production_settings(tmp_path, **extra):
    """The security settings Django ends up with under ``PRODUCTION`` (plus ``extra``)."""
    names = [
        "DEBUG",
        "ALLOWED_HOSTS",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "X_FRAME_OPTIONS",
    ]
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}))"
    )
    result = manage(
        "shell", "-c", code, env={**PRODUCTION, "ARCHIVE_VAR_DIR": str(tmp_path), **extra}
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_settings_are_secure(tmp_path):
    values = production_settings(tmp_path)
    assert values == {
        "DEBUG": False,
        "ALLOWED_HOSTS": ["archive.example.org"],
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "X_FRAME_OPTIONS": "DENY",
    }


def test_check_deploy_fails_on_debug_or_missing_hsts(tmp_path):
    env = {**PRODUCTION, "ARCHIVE_VAR_DIR": str(tmp_path)}
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env={**env, "DJANGO_DEBUG": "1"}
    )
    assert result.returncode != 0
    assert "security.W018" in result.stderr + result.stdout  # DEBUG on in deployment
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env={**env, "DJANGO_HSTS_SECONDS": "0"}
    )
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout  # no HSTS


def test_with_production_settings_the_health_check_answers_over_plain_http(tmp_path):
    """Load balancers check over plain HTTP: /healthz/ answers 200 there while every other
    page redirects to HTTPS; both carry the Content-Security-Policy."""
    code = (
        "import json; from django.test import Client; c = Client(HTTP_HOST='archive.example.org'); "
        "h = c.get('/healthz/'); p = c.get('/outlets/'); "
        "print(json.dumps([h.status_code, h.content.decode(), p.status_code, p['Location'], "
        "bool(h['Content-Security-Policy']), bool(p['Content-Security-Policy'])]))"
    )
    result = manage("shell", "-c", code, env={**PRODUCTION, "ARCHIVE_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [
        200,
        "ok",
        301,
        "https://archive.example.org/outlets/",
        True,
        True,
    ]
