"""The SQLite store: one file, WAL journal, ``synchronous=FULL``, one ``BEGIN IMMEDIATE`` transaction per call.

``BEGIN IMMEDIATE`` takes SQLite's single write lock before the pool is read, so
calls from any number of threads and processes on the same file run one after
another; ``synchronous=FULL`` makes each ``COMMIT`` reach the disk before the call
returns. The allocations table's primary key ``(pool, key)`` is a second, hard
guarantee that one address is never recorded twice.
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
from typing import Any, Sequence

from ..._errors import shorten
from ..errors import StoreNotFound
from ._schema import SQLITE
from ._sql import Queries, SqlStore
from .base import StoreError

__all__ = ["SqliteStore"]

BUSY_TIMEOUT = 60.0
"""Seconds a call waits for another connection's write lock before giving up with ``StoreError``."""

_DIALECT = SQLITE._replace(drop_column=sqlite3.sqlite_version_info >= (3, 35, 0))

_BUSY = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}


def _busy(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    return (code is not None and (code & 0xFF) in _BUSY) or "locked" in str(exc) or "busy" in str(exc)


class SqliteStore(SqlStore):
    """Pools in one SQLite file (``sqlite:///relative.db`` or ``sqlite:////abs/path.db``)."""

    __slots__ = ("path", "_conn")

    def __init__(self, url: str, path: str, *, create: bool = True) -> None:
        super().__init__(url)
        self.path = path
        self._q = Queries("", "?", "")
        self._dialect = _DIALECT
        self._errors = (sqlite3.IntegrityError, sqlite3.Error)
        if not create and not os.path.exists(path):
            self._closed = True
            if not os.path.isdir(os.path.dirname(os.path.abspath(path))):
                raise StoreError(f"cannot open IPAM store {shorten(url)}: no such directory", url=url)
            raise StoreNotFound(f"no IPAM store at {path!r} (nothing was created)", url=url)
        try:
            self._conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open IPAM store {shorten(url)}: {exc}", url=url) from exc
        try:
            self._setup(create)
        except BaseException as exc:
            self._conn.close()
            self._closed = True
            if isinstance(exc, sqlite3.Error):
                raise StoreError(f"cannot open IPAM store {shorten(url)}: {exc}", url=url) from exc
            raise

    def _setup(self, create: bool) -> None:
        conn = self._conn
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
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

    def _begin(self) -> None:
        self._retry(lambda: self._conn.execute("BEGIN IMMEDIATE"))

    def _commit(self) -> None:
        self._conn.execute("COMMIT")

    def _rollback(self) -> None:
        if self._conn.in_transaction:
            self._conn.execute("ROLLBACK")

    def _retry(self, step: Any) -> Any:
        """Run ``step``, retrying while another connection holds the lock (on top of busy_timeout)."""
        deadline = time.monotonic() + BUSY_TIMEOUT
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
                        f" {BUSY_TIMEOUT:g} s: {exc}", url=self.url
                    ) from exc
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

