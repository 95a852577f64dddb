"""The PostgreSQL store (``postgresql://...``, needs ``pip install 'netx[postgres]'``).

Each call is one READ COMMITTED transaction that starts with ``SELECT ... FOR UPDATE``
on the pool's row: calls on one pool from any number of processes and hosts run one
after another, while different pools proceed in parallel. The allocations table's
primary key ``(pool, key)`` is the hard backstop against handing an address out twice;
``COMMIT`` returns only once PostgreSQL has made the transaction durable.

The tables live in their own schema, ``netx`` unless the URL says ``?schema=NAME``
(a netx option, removed before the URL reaches libpq).
"""

from __future__ import annotations

import random
import time
from typing import TYPE_CHECKING, Any, Sequence

from ..errors import IPAMError
from ._schema import POSTGRES
from ._sql import Queries, SqlState, SqlStore
from .base import StoreError
from .url import mask_url

if TYPE_CHECKING:
    import psycopg

__all__ = ["PostgresStore"]

_RETRIES = 5  # attempts to start a transaction (lost connection, deadlock, serialization failure)


def _quote(ident: str) -> str:
    return '"' + ident.replace('"', '""') + '"'


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError as exc:
        raise IPAMError("PostgreSQL IPAM stores need the psycopg driver: pip install 'netx[postgres]'") from exc
    return psycopg


class PostgresStore(SqlStore):
    """Pools in a PostgreSQL database, shared by any number of processes and hosts."""

    __slots__ = ("schema", "_conninfo", "_conn", "_pg")

    schema: str
    _conn: psycopg.Connection[Any] | None  # None only while (re)connecting fails
    _pg: Any  # the psycopg module, imported on first use

    def __init__(self, url: str, conninfo: str, schema: str, *, create: bool = True) -> None:
        super().__init__(url)
        self._pg = _psycopg()
        self.schema = schema
        self._conninfo = conninfo
        self._q = Queries(self._prefix(), "%s", " FOR UPDATE", "::inet")
        self._dialect = POSTGRES
        self._errors = (self._pg.IntegrityError, self._pg.Error)
        self._conn = None
        try:
            self._connect()
            self._setup_schema(create)
        except BaseException as exc:
            self._close()
            self._closed = True
            if isinstance(exc, self._pg.Error):
                raise StoreError(f"cannot open IPAM store {mask_url(url)!r}: {exc}".strip(), url=mask_url(url)) from exc
            raise

    def _connect(self) -> None:
        """(Re)connect, dropping the previous connection if there is one."""
        self._close()
        self._conn = None
        self._conn = self._pg.connect(self._conninfo, autocommit=False, connect_timeout=30)

    def _prefix(self) -> str:
        return _quote(self.schema) + "."

    def _where(self) -> str:
        return f"schema {self.schema!r}"

    def _prepare(self, create: bool) -> None:
        # one opener at a time creates (or migrates) the schema
        self._run("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"netx.ipam schema {self.schema}",))
        if create:
            self._run(f"CREATE SCHEMA IF NOT EXISTS {_quote(self.schema)}", ())

    def _tables(self) -> set[str]:
        rows = self._all("SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (self.schema,))
        return {row[0] for row in rows}

    # -- SqlStore primitives ------------------------------------------------------------
    def _db(self) -> psycopg.Connection[Any]:
        conn = self._conn
        if conn is None:  # only after a failed reconnect, which raised already
            raise StoreError(f"IPAM store {mask_url(self.url)!r} has no connection (reconnecting failed)")
        return conn

    def _many(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        conn = self._db()
        if len(rows) == 1:  # executemany would enter pipeline mode: a round trip more
            return conn.execute(sql, rows[0]).rowcount
        with conn.cursor() as cur:
            cur.executemany(sql, rows)
            return cur.rowcount

    def _now(self) -> float:
        """The database's clock (the transaction's start), so hosts whose clocks differ agree on leases."""
        return float(self._one("SELECT EXTRACT(EPOCH FROM now())", ())[0])

    def _begin(self) -> None:
        conn = self._conn
        if conn is None or conn.closed or conn.broken:
            try:
                self._connect()
            except self._pg.Error as exc:
                raise StoreError(f"cannot reconnect to IPAM store {mask_url(self.url)!r}: {exc}".strip()) from exc

    def _start(self, state: SqlState | None) -> None:
        """Begin, then lock the pool's row; retry on a lost connection, a deadlock or a serialization failure."""
        pg = self._pg
        retryable = (pg.errors.DeadlockDetected, pg.errors.SerializationFailure, pg.errors.LockNotAvailable)
        for attempt in range(_RETRIES):
            self._begin()
            try:
                if state is not None:
                    state._enter()
                return
            except pg.OperationalError as exc:
                conn = self._db()
                try:
                    conn.rollback()
                except pg.Error:
                    pass
                lost = conn.broken or conn.closed
                if attempt + 1 == _RETRIES or not (lost or isinstance(exc, retryable)):
                    raise
                if lost:
                    self._connect()
                time.sleep(0.001 * (2**attempt) * (0.5 + random.random()))

    def _commit(self) -> None:
        self._db().commit()

    def _rollback(self) -> None:
        if self._conn is not None and not self._conn.closed:
            self._conn.rollback()

    def _insert_pool(self, name: str, kind: str, spec_json: str) -> int:
        pg = self._pg
        try:
            row = self._one(self._q.pool_insert + " RETURNING id", (name, kind, spec_json))
        except pg.errors.UniqueViolation:
            raise self._exists(name) from None
        return int(row[0])

    def _close(self) -> None:
        if self._conn is not None:  # a failed close leaves nothing to clean up
            try:
                self._conn.close()
            except Exception:
                pass

