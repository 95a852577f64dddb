"""A throwaway PostgreSQL server for netx's tests and benchmarks (test support, not installed with netx).

``TempPostgres().start()`` runs ``initdb`` into a fresh temporary directory and starts
``postgres`` listening only on a Unix socket in that directory; ``stop()`` kills it
(``-m immediate``) and removes the directory. As root, the server runs as the
``postgres`` user through ``runuser`` (``initdb`` refuses to run as root).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

__all__ = ["TempPostgres", "find_bindir", "PostgresUnavailable"]


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries (``initdb``/``pg_ctl``) were found, or the server did not start."""


def find_bindir() -> Path | None:
    """Directory holding ``initdb`` and ``pg_ctl``: PATH, then ``pg_config --bindir``, then Debian's layout."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    candidates = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            out = ""
        if out:
            candidates.append(out)
    candidates.append("/usr/lib/postgresql/15/bin")
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for candidate in candidates:
        path = Path(candidate)
        if (path / "initdb").exists() and (path / "pg_ctl").exists():
            return path
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class TempPostgres:
    """One throwaway PostgreSQL cluster on a Unix socket; ``url`` is its libpq URL once started."""

    def __init__(self, *, fast: bool = False) -> None:
        """``fast=True`` turns off the server's own fsync (fine for tests: they kill clients, not the server)."""
        self.fast = fast
        self.dir: Path | None = None
        self.port = 0
        self.url = ""
        self._bindir: Path | None = None
        self._prefix: list[str] = []

    def start(self) -> str:
        """Create and start the cluster; its URL (``postgresql://postgres@/postgres?host=DIR&port=PORT``)."""
        bindir = find_bindir()
        if bindir is None:
            raise PostgresUnavailable("PostgreSQL server binaries (initdb, pg_ctl) not found")
        self._bindir = bindir
        self.dir = Path(tempfile.mkdtemp(prefix="netx-pg-"))
        if os.name == "posix" and os.geteuid() == 0:
            import pwd

            try:
                user = pwd.getpwnam("postgres")
            except KeyError as exc:
                raise PostgresUnavailable("running as root and there is no 'postgres' user to run the server") from exc
            os.chown(self.dir, user.pw_uid, user.pw_gid)
            self._prefix = ["runuser", "-u", "postgres", "--"]
        data = self.dir / "data"
        self._run([str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-locale"])
        self.port = _free_port()
        options = f"-k {self.dir} -p {self.port} -c listen_addresses='' -c max_connections=200"
        if self.fast:
            options += " -c fsync=off -c full_page_writes=off"
        self._run([str(bindir / "pg_ctl"), "-D", str(data), "-w", "-t", "60", "-l", str(self.dir / "server.log"), "-o", options, "start"])
        self.url = f"postgresql://postgres@/postgres?host={self.dir}&port={self.port}"
        return self.url

    def stop(self) -> None:
        """Stop the server at once and delete its directory."""
        if self.dir is None:
            return
        if self._bindir is not None and (self.dir / "data" / "postmaster.pid").exists():
            try:
                self._run([str(self._bindir / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "immediate", "-w", "stop"])
            except PostgresUnavailable:
                pass
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None

    def _run(self, cmd: list[str]) -> None:
        proc = subprocess.run([*self._prefix, *cmd], capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
        if proc.returncode != 0:
            log = ""
            if self.dir is not None and (self.dir / "server.log").exists():
                log = (self.dir / "server.log").read_text(errors="replace")[-2000:]
            raise PostgresUnavailable(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stdout[-1000:]}{proc.stderr[-2000:]}{log}")

    def __enter__(self) -> TempPostgres:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
