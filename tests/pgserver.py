"""A real PostgreSQL server for the team database's tests (issue 23), started from the OS's
binaries (``initdb``, ``pg_ctl``) in a temporary folder, on a free loopback port, with
scram-sha-256 authentication; stopped at the end of the session (also when it fails: atexit).

Runs as a normal user, or as root through ``runuser -u postgres`` (PostgreSQL refuses to run as
root). The superuser's password goes into a private pgpass file that ``PGPASSFILE`` names, as a
PostgreSQL user would keep it; every test database is one ``CREATE DATABASE`` away.

When no binaries exist the tests are skipped with the reason, except under ``CI=true`` or
``ISFANNOTATE_REQUIRE_SHARED=1``, where the test command installs them: there it fails.
"""
from __future__ import annotations

import atexit
import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

SUPERUSER = "isf_super"


def binaries() -> Path | None:
    """The folder holding ``initdb``, ``pg_ctl`` and ``postgres``: where the test command's install
    step looks too (isfannotate/pgdeps.py: ISFANNOTATE_PG_BIN, the PATH, then the newest
    /usr/lib/postgresql/N/bin)."""
    from isfannotate.pgdeps import find_server_bin
    return find_server_bin()


def required() -> bool:
    return os.environ.get("CI") == "true" or os.environ.get("ISFANNOTATE_REQUIRE_SHARED") == "1"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    """One running server: ``dsn(dbname)``, ``create_database()``, ``stop()``."""

    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.as_root = os.geteuid() == 0 if hasattr(os, "geteuid") else False
        self.root = Path(tempfile.mkdtemp(prefix="isf-pg-"))
        self.data = self.root / "data"
        self.sockdir = self.root / "sock"
        self.log = self.root / "server.log"
        self.password = secrets.token_urlsafe(18)
        self.port = 0
        self.host = "127.0.0.1"
        self.pgpass = self.root / "pgpass"
        self._count = 0
        self.running = False
        self.known: set[str] = set()   # roles whose password is in the pgpass file

    # ------------------------------------------------------------------ running the binaries
    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env["LC_ALL"] = "C.UTF-8"
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120, cwd=self.root)
        if check and proc.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(args[:2])} failed ({proc.returncode}): {proc.stderr.strip()} {log}")
        return proc

    def start(self) -> PgServer:
        self.sockdir.mkdir()
        pwfile = self.root / "pw"
        pwfile.write_text(self.password + "\n")
        if self.as_root:
            shutil.chown(self.root, "postgres")
            shutil.chown(self.sockdir, "postgres")
            shutil.chown(pwfile, "postgres")
        os.chmod(pwfile, 0o600)
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth=scram-sha-256",
                  f"--pwfile={pwfile}", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
        pwfile.unlink()
        if self.as_root:
            shutil.chown(self.root, "postgres")
        # fsync off (the machine does not crash under a test), but commits written before they return
        # (synchronous_commit on): the fault tests stop the server with -m immediate and must not lose
        # a committed role or grant (an annotator 'removed' after a restart made one fail in CI)
        for attempt in range(3):
            self.port = _free_port()
            opts = (f"-c listen_addresses={self.host} -p {self.port} -k {self.sockdir} -c fsync=off "
                    "-c synchronous_commit=on -c full_page_writes=off -c max_connections=60")
            proc = self._run("pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data), "-l", str(self.log),
                             "-o", opts, check=attempt == 2)
            if proc.returncode == 0:
                break
        self.running = True
        atexit.register(self.stop)
        # the client's password file, private to this process's user
        self.pgpass.write_text(f"{self.host}:{self.port}:*:{SUPERUSER}:{self.password}\n")
        os.chmod(self.pgpass, 0o600)
        return self

    def stop(self) -> None:
        if self.running:
            self.running = False
            with contextlib.suppress(Exception):
                self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "immediate", "-w", check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    # ------------------------------------------------------------------ addresses
    def dsn(self, dbname: str = "postgres", user: str = SUPERUSER) -> str:
        """A libpq URI without a password (it comes from PGPASSFILE, as for a user)."""
        return f"postgresql://{user}@{self.host}:{self.port}/{dbname}"

    def add_password(self, user: str, password: str) -> None:
        """Remember *user*'s password in the pgpass file (as an annotator would in ~/.pgpass)."""
        with open(self.pgpass, "a", encoding="utf-8") as fh:
            fh.write(f"{self.host}:{self.port}:*:{user}:{password}\n")

    def create_database(self, prefix: str = "t") -> str:
        """A new empty database; returns its name."""
        import psycopg

        self._count += 1
        name = f"{prefix}{os.getpid()}_{self._count}"
        with psycopg.connect(self.dsn(), autocommit=True, passfile=str(self.pgpass)) as conn:
            conn.execute(f'CREATE DATABASE "{name}" STRATEGY FILE_COPY')   # no WAL for the copy: faster
        return name

    def drop_database(self, name: str) -> None:
        """Drop a test's database (its sessions ended first), so the files do not pile up."""
        import psycopg

        with psycopg.connect(self.dsn(), autocommit=True, passfile=str(self.pgpass)) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


_server: PgServer | None = None


def server() -> PgServer | None:
    """The session's server, started on first use; None when there are no binaries."""
    global _server
    if _server is None:
        bindir = binaries()
        if bindir is None:
            return None
        _server = PgServer(bindir).start()
    return _server


def stop() -> None:
    global _server
    if _server is not None:
        _server.stop()
        _server = None
