"""Two app servers over one PostgreSQL database: two gunicorn instances on loopback, each with
its own var/, both with ``ARCHIVE_CACHE_URL=db``. A story imported through one is at once
on the other's pages (the page generation is shared) and, with the PostgreSQL search
backend, found by the other's search.

Runs on PostgreSQL only, in a scratch database named from the test database's name,
created and dropped here; the servers are always stopped, every wait is bounded.
"""

import contextlib
import importlib.util
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
from django.conf import settings

from tests.conftest import ROOT

START_SECONDS = 30  # a server answering /healthz/
REQUEST_SECONDS = 15
STOP_SECONDS = 10
HAS_PG_SEARCH = importlib.util.find_spec("search.pg") is not None

pytestmark = pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="two servers share a PostgreSQL database: run with DATABASE_URL=postgres://…",
)


def _dsn(database):
    """The test database's server, user and password, for ``database``."""
    db = settings.DATABASES["default"]
    user = urllib.parse.quote(db.get("USER") or "", safe="")
    password = urllib.parse.quote(db.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{database}"


def _admin(sql):
    import psycopg

    with psycopg.connect(_dsn("postgres"), autocommit=True) as connection:
        connection.execute(sql)


def _scratch_name():
    base = settings.DATABASES["default"]["NAME"].removeprefix("test_")
    return f"test_{base}_two"


def _env(database_url, var_dir, backend):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ARCHIVE_", "DJANGO_")) and k != "DATABASE_URL"
    }
    env.update(
        DATABASE_URL=database_url,
        ARCHIVE_VAR_DIR=str(var_dir),
        ARCHIVE_CACHE_URL="db",
        ARCHIVE_SEARCH_BACKEND=backend,
        ARCHIVE_INDEX_INLINE="1",
        DJANGO_SECRET_KEY="two-servers-one-archive-test-key-" + "x" * 20,
        DJANGO_SETTINGS_MODULE="archive.settings",
    )
    return env


def _manage(env, *args):
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


class Server:
    """One gunicorn instance (one worker) on a free loopback port."""

    def __init__(self, name, env, log_path):
        self.name = name
        self.env = env
        self.log_path = log_path
        self.log = open(log_path, "w")  # noqa: SIM115 (closed by stop())
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "archive.wsgi", "--bind", "127.0.0.1:0"]
            + ["--workers", "1", "--timeout", "30", "--error-logfile", "-"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped with its worker
        )
        self.url = None

    def wait_ready(self):
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server {self.name} exited:\n{self.log_path.read_text()}")
            if self.url is None:
                found = re.search(
                    r"Listening at: (http://127\.0\.0\.1:\d+)", self.log_path.read_text()
                )
                self.url = found.group(1) if found else None
            if self.url is not None:
                try:
                    if self.get("/healthz/")[0] == 200:
                        return
                except OSError:
                    pass
            time.sleep(0.1)
        raise AssertionError(f"server {self.name} not ready:\n{self.log_path.read_text()}")

    def get(self, path):
        """(status, X-Page-Cache, body) of a GET, for the one name both servers answer to
        (as behind a proxy: a page is kept per scheme and host)."""
        request = urllib.request.Request(self.url + path, headers={"Host": "127.0.0.1"})
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_SECONDS) as response:
                return (
                    response.status,
                    response.headers.get("X-Page-Cache"),
                    response.read().decode(),
                )
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("X-Page-Cache"), error.read().decode()

    def stop(self):
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=STOP_SECONDS)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=STOP_SECONDS)
        self.log.close()


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory):
    """Servers A and B over a fresh scratch database (migrated), searching with the
    PostgreSQL backend when this checkout has it, else Whoosh (each its own index)."""
    backend = "postgres" if HAS_PG_SEARCH else "whoosh"
    name = _scratch_name()
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{name}"')
    servers = []
    try:
        root = tmp_path_factory.mktemp("instances")
        envs = {s: _env(_dsn(name), root / s, backend) for s in ("a", "b")}
        _manage(envs["a"], "migrate", "--noinput", "--verbosity", "0")
        for s in ("a", "b"):
            servers.append(Server(s, envs[s], root / f"{s}.log"))
        for server in servers:
            server.wait_ready()
        yield {"a": servers[0], "b": servers[1], "backend": backend, "root": root}
    finally:
        for server in servers:
            server.stop()
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _import_through(server, root, word):
    """A story naming ``word``, imported with server's settings (its var/, its index)."""
    folder = root / f"story-{word}"
    folder.mkdir()
    (folder / "story.txt").write_text(
        f"Harbour council names the {word} bridge\n\n"
        "The council voted on Tuesday to name the new harbour crossing after a local "
        "engineer.\n\n"
        f"Councillors said the {word} bridge would open to walkers and cyclists in the "
        "spring, after two years of work on its foundations and deck.\n\n"
        "The vote was unanimous, and the engineer's family attended the meeting.\n",
        encoding="utf-8",
    )
    out = _manage(server.env, "import_articles", str(folder))
    assert "1 created" in out, out


def _word():
    letters = "".join(chr(ord("a") + int(c, 16) % 26) for c in uuid.uuid4().hex[:10])
    return f"zq{letters}"


def test_a_story_imported_through_one_server_is_on_the_others_cached_pages(two_servers):
    a, b, root = two_servers["a"], two_servers["b"], two_servers["root"]
    status, first, _ = b.get("/")
    assert (status, first) == (200, "miss")
    assert b.get("/")[1] == "hit"
    assert a.get("/")[1] == "hit"  # B's rendering, served by A: one page cache
    word = _word()
    _import_through(a, root, word)
    status, cached, body = b.get("/")
    assert (status, cached) == (200, "miss")  # B's page of the old generation is dropped
    assert f"Harbour council names the {word} bridge" in body
    assert b.get("/")[1] == "hit"
    # The generation lives in the database, not in either server's stamp file.
    assert not (root / "a" / "pages.stamp").exists()
    assert not (root / "b" / "pages.stamp").exists()


@pytest.mark.skipif(
    not HAS_PG_SEARCH,
    reason="the PostgreSQL search backend (search.pg) is not in this checkout; with Whoosh "
    "each server searches its own index",
)
def test_a_story_imported_through_one_server_is_found_by_the_others_search(two_servers):
    a, b, root = two_servers["a"], two_servers["b"], two_servers["root"]
    assert two_servers["backend"] == "postgres"
    word = _word()
    assert 'class="result-count">No results<' in b.get(f"/search/?q={word}")[2]
    _import_through(a, root, word)
    status, _, body = b.get(f"/search/?q={word}")
    assert status == 200
    assert 'class="result-count">1 result<' in body
    assert f">Harbour council names the {word} bridge</a>" in body
