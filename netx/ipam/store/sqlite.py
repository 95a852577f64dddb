"""The SQLite store: one file, WAL journal, ``synchronous=FULL``, one ``BEGIN IMMEDIATE`` transaction per call.

``BEGIN IMMEDIATE`` takes SQLite's single write lock before the pool is read, so
calls from any number of threads and processes on the same file run one after
another; ``synchronous=FULL`` makes each ``COMMIT`` reach the disk before the call
returns. The allocations table's primary key ``(pool, key)`` is a second, hard
guarantee that one address is never recorded twice.
"""

from __future__ import annotations

import random
import sqlite3
import time
from typing import Any, Sequence

from ..._errors import shorten
from .base import StoreError
from ._sql import SCHEMA_VERSION, Queries, SqlStore, check_version, migrate_v1

__all__ = ["SqliteStore", "SCHEMA"]

BUSY_TIMEOUT = 30.0
"""Seconds a call waits for another connection's write lock before giving up with ``StoreError``
(``?timeout=SECONDS`` in the URL overrides it)."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS pools (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    name      TEXT NOT NULL UNIQUE,
    spec      TEXT NOT NULL,
    cursor4   BLOB,
    cursor6   BLOB,
    allocated INTEGER NOT NULL DEFAULT 0,
    created   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    kind      TEXT NOT NULL DEFAULT 'address' CHECK (kind IN ('address', 'subnet')),
    allocated_keys BLOB CHECK (length(allocated_keys) = 17)
);
CREATE TABLE IF NOT EXISTS free (  -- key columns first: SQLite 3.40's integrity_check misreads them otherwise
    pool INTEGER NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
    hi   BLOB NOT NULL CHECK (length(hi) = 17),
    lo   BLOB NOT NULL CHECK (length(lo) = 17 AND lo <= hi),
    PRIMARY KEY (pool, hi)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS allocations (
    pool    INTEGER NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
    key     BLOB NOT NULL CHECK (length(key) = 17),
    address TEXT NOT NULL,
    owner   TEXT,
    last_key BLOB CHECK (length(last_key) = 17 AND last_key > key),
    PRIMARY KEY (pool, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS allocations_owner ON allocations (pool, owner, key);
"""

_BUSY = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}


def _busy(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    return (code is not None and (code & 0xFF) in _BUSY) or "locked" in str(exc) or "busy" in str(exc)


class SqliteStore(SqlStore):
    """Pools in one SQLite file (``sqlite:///relative.db`` or ``sqlite:////abs/path.db``)."""

    __slots__ = ("path", "timeout", "_conn")

    def __init__(self, url: str, path: str, *, timeout: float | None = None) -> None:
        super().__init__(url)
        self.path = path
        self.timeout = BUSY_TIMEOUT if timeout is None else timeout
        self._q = Queries("", "?", "")
        try:
            self._conn = sqlite3.connect(path, timeout=self.timeout, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open IPAM store {shorten(url)}: {exc}") from exc
        try:
            self._setup()
        except BaseException as exc:
            self._conn.close()
            self._closed = True
            if isinstance(exc, sqlite3.Error):
                raise StoreError(f"cannot open IPAM store {shorten(url)}: {exc}") from exc
            raise

    def _setup(self) -> None:
        conn = self._conn
        conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
        self._retry(lambda: conn.execute("PRAGMA journal_mode = WAL").fetchone())
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        with self._transaction():
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "meta" not in tables:
                if tables & {"pools", "free", "allocations"}:
                    raise StoreError(
                        f"{shorten(self.path)} holds tables named like netx's (pools, free, allocations) but no netx"
                        " meta table: not a netx IPAM database"
                    )
                for statement in SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute("INSERT INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            version = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if check_version(shorten(self.path), None if version is None else version[0]) == 1:
                for statement in migrate_v1("", "BLOB"):
                    conn.execute(statement)

    # -- SqlStore primitives ------------------------------------------------------------
    def _db(self) -> sqlite3.Connection:
        return self._conn

    def _many(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        if len(rows) == 1:
            return self._conn.execute(sql, rows[0]).rowcount
        return self._conn.executemany(sql, rows).rowcount

    def _begin(self) -> None:
        self._retry(lambda: self._conn.execute("BEGIN IMMEDIATE"))

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
                    raise StoreError(f"IPAM store {shorten(self.url)}: {exc}") from exc
                if time.monotonic() >= deadline:
                    raise StoreError(
                        f"IPAM store {shorten(self.url)} stayed locked by another connection for over"
                        f" {self.timeout:g} s: {exc}"
                    ) from exc
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 0.05)

    def _translate(self, exc: BaseException) -> BaseException:
        if isinstance(exc, sqlite3.IntegrityError):
            return StoreError(
                f"IPAM store {shorten(self.url)} refused a write that would break its integrity ({exc});"
                " nothing was changed"
            )
        if isinstance(exc, sqlite3.Error):
            return StoreError(f"IPAM store {shorten(self.url)}: {type(exc).__name__}: {exc}")
        if isinstance(exc, UnicodeEncodeError):
            return StoreError(f"IPAM store {shorten(self.url)} cannot store text that is not valid Unicode: {exc}")
        return exc

    def _insert_pool(self, name: str, kind: str, spec_json: str) -> int:
        try:
            cur = self._conn.execute(self._q.pool_insert, (name, kind, spec_json))
        except sqlite3.IntegrityError:
            raise self._exists(name) from None
        return int(cur.lastrowid or 0)

    def _close(self) -> None:
        self._conn.close()

