"""Settings from the environment: read in archive/settings.py only, every variable the
documents name is read there, and `manage.py check` warns about one it does not know."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core import checks
from django.core.management import call_command

from archive.checks import check_environment

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
VARIABLE = re.compile(r"\b(?:ARCHIVE|DJANGO)_[A-Z0-9_]*[A-Z0-9]\b")
READS_ENVIRONMENT = re.compile(r"os\.environ|getenv|environ\.get|environ\[")


@pytest.fixture
def clean_environment(monkeypatch):
    for name in list(os.environ):
        if name.startswith(("ARCHIVE_", "DJANGO_")) and name != "DJANGO_SETTINGS_MODULE":
            monkeypatch.delenv(name)
    return monkeypatch


def test_an_unknown_archive_variable_is_warned_about_with_the_closest_name(clean_environment):
    clean_environment.setenv("ARCHIVE_INDX_DIR", "/srv/index")
    clean_environment.setenv("ARCHIVE_INDEX_DIR", "/srv/index")

    assert check_environment() == [
        checks.Warning(
            "The environment variable ARCHIVE_INDX_DIR is not a setting of the archive: "
            "it is ignored.",
            hint="Did you mean ARCHIVE_INDEX_DIR?",
            id="archive.W001",
        )
    ]


def test_an_unknown_django_variable_is_warned_about_and_others_readers_are_not(
    clean_environment,
):
    clean_environment.setenv("DJANGO_SECRETKEY", "x")
    clean_environment.setenv("DJANGO_SUPERUSER_PASSWORD", "x")  # createsuperuser's
    clean_environment.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Django's
    clean_environment.setenv("ARCHIVE_IMPORT_CHUNK", "2")  # a tuning override
    clean_environment.setenv("ARCHIVE_ZZZ", "1")

    assert [(w.msg, w.hint) for w in check_environment()] == [
        (
            "The environment variable ARCHIVE_ZZZ is not a setting of the archive: it is ignored.",
            "See Configuration in README.md.",
        ),
        (
            "The environment variable DJANGO_SECRETKEY is not a setting of the archive: "
            "it is ignored.",
            "Did you mean DJANGO_SECRET_KEY?",
        ),
    ]


def test_manage_py_check_runs_the_environment_check(clean_environment, capsys):
    clean_environment.setenv("ARCHIVE_MAX_FILE_BYTE", "10")

    call_command("check")

    err = capsys.readouterr().err
    assert (
        "?: (archive.W001) The environment variable ARCHIVE_MAX_FILE_BYTE is not a setting "
        "of the archive: it is ignored.\n\tHINT: Did you mean ARCHIVE_MAX_FILE_BYTES?"
    ) in err


def test_no_warning_without_unknown_variables(clean_environment):
    clean_environment.setenv("ARCHIVE_VAR_DIR", "/srv/archive")
    clean_environment.setenv("DJANGO_DEBUG", "0")

    assert check_environment() == []


def test_every_variable_the_documents_name_is_read_in_settings():
    named = {}
    for document in DOCUMENTS:
        for name in VARIABLE.findall(document.read_text()):
            named.setdefault(name, document.name)
    assert len(named) >= 20  # the README's configuration table at least
    unread = {name: doc for name, doc in named.items() if name not in settings_reads()}
    assert unread == {}


def test_settings_is_the_only_module_reading_the_environment():
    readers = []
    for package in ("archive", "search"):
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            # settings.py reads the values; checks.py only lists the names, to warn
            if relative in ("archive/settings.py", "archive/checks.py"):
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                # wsgi.py names the settings module for the server, as Django's template does
                if READS_ENVIRONMENT.search(line) and "DJANGO_SETTINGS_MODULE" not in line:
                    readers.append(f"{relative}:{number}")
    assert readers == []


def settings_reads():
    """The variables archive/settings.py reads, found in its source (not only those read
    on this run)."""
    source = (ROOT / "archive" / "settings.py").read_text()
    return set(re.findall(r'env(?:_bool|_list|_int|_float)?\(\s*"([A-Z0-9_]+)"', source)) | set(
        settings.TUNING_VARIABLES
    )


def test_the_environment_variables_of_settings_are_those_its_source_reads():
    # conditional reads would escape the check: every one is read on every start
    assert settings_reads() == settings.ARCHIVE_ENVIRONMENT_VARIABLES


def test_a_tuning_variable_overrides_its_constant_only_when_set(tmp_path):
    def read(extra):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ARCHIVE_", "DJANGO_"))}
        env.update(extra, ARCHIVE_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="archive.settings")
        script = (
            "import django, json; django.setup(); from django.conf import settings; "
            "from archive import importer; from search.engine import background; print(json.dumps("
            "[getattr(settings, 'ARCHIVE_IMPORT_CHUNK', None), "
            "getattr(settings, 'ARCHIVE_INDEX_BULK_MIN', None), settings.ARCHIVE_INDEX_INLINE,"
            " importer.CHUNK, background.bulk_min()]))"
        )
        out = subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    assert read({}) == [None, None, False, 1000, 2000]
    assert read(
        {"ARCHIVE_IMPORT_CHUNK": "7", "ARCHIVE_INDEX_BULK_MIN": "9", "ARCHIVE_INDEX_INLINE": "1"}
    ) == [7, 9, True, 1000, 9]
