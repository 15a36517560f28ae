"""Shared pieces of the benchmarks: a scratch archive, a gunicorn server, timing helpers.

Everything here talks only to loopback addresses and stops by itself.
"""

from __future__ import annotations

import http.client
import json
import math
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
BENCH_DIR = ROOT / "var" / "bench"


def percentile(values, q):
    """The q-th percentile (0-100) of ``values`` by nearest rank; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    # the smallest value with at least q% of the values at or below it
    rank = max(0, min(len(ordered) - 1, math.ceil(q * len(ordered) / 100) - 1))
    return ordered[rank]


def summary_ms(seconds):
    ms = [s * 1000 for s in seconds]
    return {
        "p50": round(percentile(ms, 50), 2),
        "p95": round(percentile(ms, 95), 2),
        "p99": round(percentile(ms, 99), 2),
        "mean": round(statistics.fmean(ms), 2) if ms else 0.0,
        "n": len(ms),
    }


@dataclass
class Archive:
    """A scratch archive: its own var dir (SQLite file, index) or a PostgreSQL database."""

    var_dir: Path
    database_url: str | None = None
    extra_env: dict = field(default_factory=dict)

    @property
    def env(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        env.update(
            ARCHIVE_VAR_DIR=str(self.var_dir),
            ARCHIVE_INDEX_DIR=str(self.var_dir / "index"),
            DJANGO_SETTINGS_MODULE="archive.settings",
            PYTHONPATH=str(ROOT),
        )
        env.pop("DATABASE_URL", None)
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        env.update(self.extra_env)
        return env

    def reset(self):
        if self.var_dir.exists():
            shutil.rmtree(self.var_dir)
        self.var_dir.mkdir(parents=True)
        if self.database_url:
            name = self.database_url.rsplit("/", 1)[1]
            admin = self.database_url.rsplit("/", 1)[0] + "/postgres"
            subprocess.run(
                ["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"],
                check=True,
                capture_output=True,
            )
            subprocess.run(
                ["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True
            )
        self.manage("migrate", "--noinput", "-v0")

    def manage(self, *args, check=True, timeout=None):
        """Run a management command in this archive and return the completed process."""
        proc = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and proc.returncode != 0:
            raise RuntimeError(
                f"manage.py {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}"
            )
        return proc

    def measure(self, *args, check=True):
        """Run a management command and measure wall time and the child's peak RSS (MB)."""
        start = time.perf_counter()
        with open(self.var_dir / "cmd.out", "w") as out, open(self.var_dir / "cmd.err", "w") as err:
            command = [PYTHON, "manage.py", *args]
            proc, peak_mb = run_measuring_peak(
                command, cwd=ROOT, env=self.env, stdout=out, stderr=err
            )
        elapsed = time.perf_counter() - start
        if check and proc.returncode != 0:
            raise RuntimeError(
                f"manage.py {' '.join(args)} failed ({proc.returncode}):\n"
                + (self.var_dir / "cmd.err").read_text()[-3000:]
            )
        return elapsed, peak_mb, (self.var_dir / "cmd.out").read_text()


# Starts the command and writes its peak RSS (KB, its own or a child's, the larger) to
# the file named first. A process started straight from a large one (this runner after
# building a corpus) counts the large one's memory as its own peak: Linux keeps the size
# of the process image an exec replaces. This launcher is small.
LAUNCHER = """
import os, subprocess, sys
proc = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(proc.pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_measuring_peak(command: list[str], **popen) -> tuple[subprocess.Popen, float]:
    """Run ``command`` to its end; return the finished process and its peak RSS in MB."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as peak:
        proc = subprocess.Popen([sys.executable, "-c", LAUNCHER, peak.name, *command], **popen)
        proc.wait()
        text = peak.read().strip()
    return proc, int(text) / 1024 if text else 0.0


# A fixed pure-Python workload (text split, counted and hashed), the kind of work the
# archive does: its time tells how fast this machine's cores were during a run, so that
# runs on different days (or machines) can be compared.
SPEED_CODE = """
import re, time, zlib
start = time.process_time()
text = " ".join(f"word{i * 7919 % 10007} Story{i % 97} said" for i in range(60000))
counts = {}
for _ in range(6):
    for w in re.findall(r"\\w+", text):
        counts[w] = counts.get(w, 0) + 1
    sum(zlib.crc32(w.encode()) for w in text.split())
print(time.process_time() - start)
"""


def machine_speed(cores: int = 2) -> dict:
    """Seconds of CPU the fixed workload takes on one core alone, and how many times
    more work ``cores`` copies running at once get done (``cores`` on idle separate
    cores; less when the cores are busy with other work or are siblings of one)."""

    def run(n):
        start = time.perf_counter()
        procs = [
            subprocess.Popen([PYTHON, "-c", SPEED_CODE], stdout=subprocess.PIPE, text=True)
            for _ in range(n)
        ]
        cpu = [float(p.communicate()[0]) for p in procs]
        return time.perf_counter() - start, cpu

    alone, (cpu,) = run(1)
    together, _ = run(cores)
    return {
        "workload_cpu_s": round(cpu, 2),
        f"speedup_{cores}_processes": round(cores * alone / together, 2),
    }


def worker_rss_mb(master_pid: int) -> list[float]:
    """Resident memory (MB) of each child of ``master_pid`` (a gunicorn master's workers)."""
    sizes = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:  # gone meanwhile
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(master_pid) and "VmRSS" in fields:
            sizes.append(round(int(fields["VmRSS"].split()[0]) / 1024, 1))
    return sorted(sizes)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn serving the archive on a loopback port, as the README recommends."""

    def __init__(self, archive: Archive, workers=3, threads=1, port=None, keepalive=None):
        self.archive = archive
        self.workers = workers
        self.threads = threads
        self.keepalive = keepalive  # seconds; None: gunicorn's default
        self.port = port or free_port()
        self.proc = None

    def _spawn(self, log):
        return subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "archive.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--threads",
                str(self.threads),
                "--graceful-timeout",
                "5",
                "--timeout",
                "30",
                *(["--keep-alive", str(self.keepalive)] if self.keepalive is not None else []),
            ],
            cwd=ROOT,
            env=self.archive.env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )

    def start(self, timeout=30, warm_timeout=180):
        """Start gunicorn and wait until it answers and, for a steady-state measure,
        until every worker has warmed its searcher (its log line), at most
        ``warm_timeout`` seconds (0: do not wait)."""
        log_path = self.archive.var_dir / "gunicorn.log"
        start_at = log_path.stat().st_size if log_path.exists() else 0
        with open(log_path, "a") as log:
            self.proc = self._spawn(log)
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                status, _, _ = get(self.port, "/", timeout=2)
                if status < 500:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            self.stop()
            raise RuntimeError("gunicorn did not start; see gunicorn.log")
        started = time.time()
        while warm_timeout and time.time() - started < warm_timeout:
            with open(log_path, "rb") as log:
                log.seek(start_at)
                warmed = log.read().count(b"searcher warmed in")
            if warmed >= self.workers:
                break
            time.sleep(0.5)
        self.warm_seconds = round(time.time() - started, 1)
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def get(port, path, timeout=10, conn=None):
    """GET ``path`` on the loopback server: (status, seconds, body bytes)."""
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    start = time.perf_counter()
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1"})
        response = conn.getresponse()
        body = response.read()
        return response.status, time.perf_counter() - start, body
    finally:
        if own:
            conn.close()


def write_results(results: dict, path: Path | None = None):
    path = path or BENCH_DIR / "results.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, sort_keys=True))
    return path


def shared_data() -> Path:
    """``shared/data`` beside the checkout (``../shared/data``), or beside its parent folder
    for a checkout one level deeper (a git worktree); the first that exists."""
    for base in (ROOT.parent, ROOT.parent.parent):
        path = base / "shared" / "data"
        if path.exists():
            return path
    return ROOT.parent / "shared" / "data"
