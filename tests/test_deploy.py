"""Production settings: `check --deploy` is clean, and missing essentials are refused."""

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
