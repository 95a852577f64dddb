"""The SQLite store: one file, WAL journal, ``synchronous=FULL``, one ``BEGIN IMMEDIATE`` transaction per call.

``BEGIN IMMEDIATE`` takes SQLite's single write lock before the pool is read, so
calls from any number of threads and processes on the same file run one after
another; ``synchronous=FULL`` makes each ``COMMIT`` reach the disk before the call
returns. The allocations table's primary key ``(pool, key)`` is a second, hard
guarantee that one address is never recorded twice.
"""

from __future__ import annotations

import os
import sqlite3
import time
from typing import Any, Sequence

from ..._errors import shorten
from ..errors import StoreNotFound
from . import _schema
from ._schema import SQLITE
from ._sql import Queries, SqlStore
from .base import StoreError

__all__ = ["SqliteStore"]

BUSY_TIMEOUT = 30.0
"""Seconds a call waits for another connection's write lock before giving up with ``StoreError``
(``?timeout=SECONDS`` in the URL overrides it)."""

_DIALECT = SQLITE._replace(drop_column=sqlite3.sqlite_version_info >= (3, 35, 0))

_BUSY = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}


def _busy(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    return (code is not None and (code & 0xFF) in _BUSY) or "locked" in str(exc) or "busy" in str(exc)


def _read_only_fs(path: str) -> bool:
    """True if the directory holding ``path`` is on a file system mounted read-only."""
    try:
        return bool(os.statvfs(os.path.dirname(os.path.abspath(path))).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # no statvfs (Windows) or no such directory
        return False


def _read_only_text(path: str) -> str:
    return (
        f"{os.path.dirname(os.path.abspath(path))!r} is on a read-only file system; SQLite must write the database"
        " and its -wal and -shm files there (mount it read-write, or put the store elsewhere)"
    )


class SqliteStore(SqlStore):
    """Pools in one SQLite file (``sqlite:///relative.db`` or ``sqlite:////abs/path.db``)."""

    __slots__ = ("path", "timeout", "_conn")

    def __init__(self, url: str, path: str, *, create: bool = True, timeout: float | None = None) -> None:
        super().__init__(url)
        self.path = path
        self.timeout = BUSY_TIMEOUT if timeout is None else timeout
        self._q = Queries("", "?", "")
        self._dialect = _DIALECT
        self._errors = (sqlite3.IntegrityError, sqlite3.Error)
        if not create and not os.path.exists(path):
            self._closed = True
            if not os.path.isdir(os.path.dirname(os.path.abspath(path))):
                raise StoreError(f"cannot open IPAM store {shorten(url)}: no such directory", url=url)
            raise StoreNotFound(f"no IPAM store at {path!r} (nothing was created)", url=url)
        try:
            self._conn = sqlite3.connect(path, timeout=self.timeout, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open IPAM store {shorten(url)}: {exc}", url=url) from exc
        try:
            self._setup(create)
        except BaseException as exc:
            self._conn.close()
            self._closed = True
            if isinstance(exc, (sqlite3.Error, StoreError)) and _read_only_fs(path):
                raise StoreError(
                    f"cannot open IPAM store {shorten(url)}: {_read_only_text(path)}", url=url
                ) from exc
            if isinstance(exc, sqlite3.Error):
                raise StoreError(f"cannot open IPAM store {shorten(url)}: {exc}", url=url) from exc
            raise

    def _setup_schema(self, create: bool) -> None:
        """Check the layout without the write lock when it is current (a stuck writer cannot stall ``open()``);
        create or migrate it (under the write lock) only when needed."""
        try:
            with self._transaction(readonly=True):
                tables = self._tables()
                row = self._one("SELECT value FROM meta WHERE key = 'schema_version'", ()) if "meta" in tables else None
        except StoreError:
            row = None
        if row is not None and row[0] == str(_schema.SCHEMA_VERSION):
            self.schema_version = _schema.SCHEMA_VERSION
            return
        super()._setup_schema(create)

    def _translate(self, exc: BaseException) -> BaseException:
        if isinstance(exc, sqlite3.OperationalError) and "readonly" in str(exc) and _read_only_fs(self.path):
            return StoreError(f"IPAM store {shorten(self.url)}: {_read_only_text(self.path)}", url=self.url)
        return super()._translate(exc)

    def _setup(self, create: bool) -> None:
        conn = self._conn
        conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
        self._retry(lambda: conn.execute("PRAGMA journal_mode = WAL").fetchone())
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        self._setup_schema(create)

    def _where(self) -> str:
        return repr(self.path)

    def _tables(self) -> set[str]:
        rows = self._all("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'", ())
        return {row[0] for row in rows}

    # -- SqlStore primitives ------------------------------------------------------------
    def _db(self) -> sqlite3.Connection:
        return self._conn

    def _many(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        if len(rows) == 1:
            return self._conn.execute(sql, rows[0]).rowcount
        return self._conn.executemany(sql, rows).rowcount

    def _begin(self, readonly: bool = False) -> None:
        # a reader needs no lock in WAL mode: it reads the last committed state while a writer writes
        self._retry(lambda: self._conn.execute("BEGIN" if readonly else "BEGIN IMMEDIATE"))

    def _commit(self) -> None:
        self._conn.execute("COMMIT")

    def _rollback(self) -> None:
        if self._conn.in_transaction:
            self._conn.execute("ROLLBACK")

    def _retry(self, step: Any) -> Any:
        """Run ``step``, retrying while another connection holds the lock (on top of busy_timeout)."""
        deadline = time.monotonic() + self.timeout
        delay = 0.0005
        while True:
            try:
                return step()
            except sqlite3.OperationalError as exc:
                if not _busy(exc):
                    raise StoreError(f"IPAM store {shorten(self.url)}: {exc}", url=self.url) from exc
                if time.monotonic() >= deadline:
                    raise StoreError(
                        f"IPAM store {shorten(self.url)} stayed locked by another connection for over"
                        f" {self.timeout:g} s: {exc}", url=self.url
                    ) from exc
            import random  # here: only a busy database needs it

            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 0.05)

    def _insert_pool(self, name: str, kind: str, spec_json: str) -> int:
        try:
            cur = self._conn.execute(self._q.pool_insert, (name, kind, spec_json))
        except sqlite3.IntegrityError:
            raise self._exists(name) from None
        return int(cur.lastrowid or 0)

    def _close(self) -> None:
        self._conn.close()

