"""The PostgreSQL store (``postgresql://...``, needs ``pip install 'netx-ip[postgres]'``).

``allocate()`` on a ``lowest`` or ``random`` address pool is one statement in its own
transaction (``_pgsql.py``): concurrent callers on one pool lock different free
intervals and scale like independent insert-and-commit clients. Every other call is one
READ COMMITTED transaction (set per transaction, whatever the server's default) that
starts with ``SELECT ... FOR UPDATE`` on the pool's row, so it runs alone on its pool;
read-only calls take no lock at all (one REPEATABLE READ snapshot). The allocations
table's primary key ``(pool, key)`` is the hard backstop against handing an address out
twice; ``COMMIT`` returns only once PostgreSQL has made the transaction durable.

No wait is unbounded: each session runs with ``lock_timeout`` = the store's timeout
(30 s, ``?timeout=SECONDS``), ``statement_timeout`` twice that, and
``idle_in_transaction_session_timeout`` so a stopped client cannot hold a pool's lock
for ever. Lost connections are re-made (also after ``os.fork()``, in the child);
deadlocks and serialization failures are retried with exponential backoff and jitter,
a bounded number of times; a connection lost during COMMIT raises ``OutcomeUnknown``.

The tables live in their own schema, ``netx`` unless the URL says ``?schema=NAME``
(a netx option, removed before the URL reaches libpq).
"""

from __future__ import annotations

import os
import random
import select
import threading
import time
import weakref
from _thread import get_ident as _get_ident
from typing import TYPE_CHECKING, Any, Callable, NamedTuple, Sequence, TypeVar

import orjson

from .._state import Owner, Totals
from ..errors import IPAMError, OutcomeUnknown
from ._pgsql import (
    CARVE, CARVE_PARAMS, DRAW_PARAMS, FAST_VERSION, LOWEST_PARAMS, POOL_LOCK, POOL_MOD, PROC, TAKE, TAKE_PARAMS, Prepared,
    bytea_array, draw_sql, fast_sql, lowest_sql, prepared,
)
from ._schema import POSTGRES
from ._sql import Queries, SqlState, SqlStore, address_text, ki, kb
from .base import StoreError
from .url import DEFAULT_TIMEOUT, mask_url

if TYPE_CHECKING:
    import psycopg

__all__ = ["PostgresStore"]

_RETRIES = 8  # attempts of a retryable step (lost connection, deadlock, serialization failure)
T = TypeVar("T")


def _quote(ident: str) -> str:
    return '"' + ident.replace('"', '""') + '"'


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError as exc:
        raise IPAMError("PostgreSQL IPAM stores need the psycopg driver: pip install 'netx-ip[postgres]'") from exc
    return psycopg


_STORES: weakref.WeakSet[PostgresStore] = weakref.WeakSet()  # open stores, for the fork handler
_INHERITED: list[Any] = []  # connections a forked child inherited: kept, never used


# what a thread's clone shares with its store (the database and its statements, not a session)
_SHARED = ("url", "schema", "timeout", "_conninfo", "_pg", "_statements", "_run_gen", "_prepped", "_q", "_dialect",
           "_specs", "_errors", "schema_version")


def _binary(state: PgState, owner: Owner) -> tuple[bytes, bytes | None]:
    """The pool id (``bigint``) and the owner (``text``, or NULL) as the fast paths' statements take them."""
    return state._id.to_bytes(8, "big", signed=True), None if owner is None else owner.encode()


class _Statements(NamedTuple):
    """The statements the fast paths send by name (``PostgresStore._prepared``)."""

    lowest: Prepared
    draw: Prepared
    take: Prepared
    carve: Prepared


def _after_fork_in_child() -> None:
    for store in list(_STORES):
        store._forked()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _abandon(conn: Any) -> None:
    """Forget a connection inherited across ``fork()`` without touching the parent's session.

    Closing it would send the server a Terminate message on the parent's socket; instead its
    descriptor is pointed at ``/dev/null`` (the parent's socket stays open in the parent) and
    the object is kept, so nothing in this process ever reads or writes that session again.
    """
    try:
        fd = conn.pgconn.socket
    except Exception:  # closed already: no socket left
        return
    try:
        devnull = os.open(os.devnull, os.O_RDWR)
        try:
            os.dup2(devnull, fd)
        finally:
            os.close(devnull)
    except OSError:
        pass
    _INHERITED.append(conn)


def _usable(conn: Any) -> bool:
    """False for a connection known or seen to be dead: closed, broken, or sent something while idle.

    An idle session receives nothing unless the server ended it (``pg_terminate_backend``, a
    restart, a failover): checking first, with a zero-timeout poll, lets a call reconnect before
    it sends anything, instead of losing its statement to a dead session (and its outcome)."""
    if conn.closed or conn.broken:
        return False
    try:
        poller = select.poll()
        poller.register(conn.pgconn.socket, select.POLLIN | select.POLLERR | select.POLLHUP)
        return not poller.poll(0)
    except (OSError, ValueError, AttributeError):
        return True  # cannot tell (no poll() here): let the call find out
    except Exception:  # psycopg: no socket, the connection is gone
        return False


class PgState(SqlState):
    """``SqlState`` of a PostgreSQL pool: no counter to update, and the one-statement ``take`` fast path.

    Nothing counts allocations as they happen (a counter row would be one more row every ``allocate()``
    writes, and one they would all queue on): the count is the pool's rows in ``allocations``
    (``count(*)``, an index-only scan, read only by ``stats()`` and lease reclaiming), and the keys they
    cover are ``pools.allocated_keys`` (NULL: one per allocation, as in every address pool), which only the
    general path changes. ``pools.allocated`` is not used on PostgreSQL."""

    __slots__ = ()

    _store: PostgresStore
    # _tx.count and _tx.keys: what this transaction changed (alloc_put / alloc_del add to them); _tx.stored:
    # pools.allocated_keys as entered (None: one key per allocation)

    def _enter(self, readonly: bool = False) -> None:
        store = self._store
        try:
            row = store._one(store._q.enter_read if readonly else store._q.enter, (self._id,))
        except store._pg.errors.LockNotAvailable as exc:
            raise store._locked(self._name, exc) from exc
        if row is None:
            raise store._gone(self._name)
        keys, ext = row[0], row[1]
        self._tx.ext = {} if ext is None else orjson.loads(ext)
        self._tx.stored = None if keys is None else ki(keys)
        self._tx.count = self._tx.keys = 0
        self._tx.dirty = False

    def _allocations(self) -> int:
        """The pool's allocations now (this transaction's changes included)."""
        return int(self._store._one(self._store._q.alloc_any, (self._id,))[0])

    def alloc_totals(self) -> Totals:
        """How many allocations (counted) and keys they cover."""
        n = self._allocations()
        return Totals(n, (n - self._tx.count if self._tx.stored is None else self._tx.stored) + self._tx.keys)

    def _flush(self) -> None:
        if self._tx.dirty:
            ext = orjson.dumps(self._tx.ext, option=orjson.OPT_SORT_KEYS).decode() if self._tx.ext else None
            if self._tx.stored is None and self._tx.keys == self._tx.count:
                keys = None  # still one key per allocation
            else:
                base = self._allocations() - self._tx.count if self._tx.stored is None else self._tx.stored
                keys = kb(base + self._tx.keys)
            self._store._run(self._store._q.flush, (keys, ext, self._id))
            self._tx.dirty = False

    def take(
        self, owner: Owner, lo: int, hi: int, draws: Sequence[int] = (), more: Callable[[], Sequence[int]] | None = None
    ) -> tuple[int | None, int]:
        """Allocate one key of ``lo..hi`` to ``owner`` in one statement and transaction of its own (two when
        the common case does not apply).

        Without ``draws``: the lowest free key (``lowest``); ``(None, 0)`` when none is free. With
        ``draws`` (``random``): the first of ``draws`` and then of ``more()`` (called only when the first
        draw misses) that is free, and how many draws that used; ``(None, 0)`` when none is. ``(-1, 0)``
        inside an open transaction: the caller then takes the general path (as it does when no draw hit)."""
        return self._store._take(self, owner, lo, hi, draws, more)

    def carve(self, owner: Owner, size: int, plen: int, parents: Sequence[tuple[int, int]]) -> int | None:
        """``SubnetPool.allocate(plen)`` in one statement and transaction of its own: the first key of the
        lowest free aligned block of ``size`` keys in ``parents`` (first and last keys, in order), recorded for
        ``owner``; None when none is free; -1 inside an open transaction (the caller takes the general path)."""
        return self._store._carve(self, owner, size, plen, parents)


class PostgresStore(SqlStore):
    """Pools in a PostgreSQL database, shared by any number of processes and hosts."""

    __slots__ = (
        "schema", "timeout", "_conninfo", "_conn", "_pg", "_pid", "_statements", "_run_gen", "_prepped", "_owner",
        "_tls", "_clones", "_clone",
    )

    schema: str
    timeout: float
    _conn: psycopg.Connection[Any] | None  # None only while (re)connecting fails
    _pg: Any  # the psycopg module, imported on first use
    _owner: int  # the thread that opened it (threading.get_ident()), whose calls it runs itself
    _tls: Any  # .store: the store object of any other thread (a clone of this one: see _thread_store)
    _clones: weakref.WeakSet[PostgresStore]  # those clones (each dies with its thread)
    _clone: bool  # this is one of them

    def __init__(
        self, url: str, conninfo: str, schema: str, *, create: bool = True, timeout: float | None = None
    ) -> None:
        super().__init__(url)
        self._pg = _psycopg()
        self.schema = schema
        self.timeout = DEFAULT_TIMEOUT if timeout is None else timeout
        self._conninfo = conninfo
        q = self._prefix()
        self._q = Queries(q, "%s", " FOR UPDATE", "::inet")
        # a call that writes also takes the pool's advisory lock exclusively: it waits for the allocate() calls
        # in flight (each holds it shared) and they wait for it (their statements and its are never interleaved)
        lock = f"pg_advisory_xact_lock({POOL_LOCK}, (p.id %% {POOL_MOD})::int)"
        self._q.enter = f"SELECT allocated_keys, ext, {lock} FROM {q}pools p WHERE id = %s FOR UPDATE"
        self._q.enter_read = f"SELECT allocated_keys, ext FROM {q}pools p WHERE id = %s"
        self._q.flush = f"UPDATE {q}pools SET allocated_keys = %s, ext = %s WHERE id = %s"
        self._q.pool_by_name = f"SELECT id, spec, kind, {lock} FROM {q}pools p WHERE name = %s FOR UPDATE"
        self._dialect = POSTGRES
        self._errors = (self._pg.IntegrityError, self._pg.Error)
        s = _quote(schema)
        self._statements = _Statements(  # allocate()'s and SubnetPool.allocate()'s, prepared on each connection
            prepared("netx_lowest", lowest_sql(s), LOWEST_PARAMS), prepared("netx_draw", draw_sql(s), DRAW_PARAMS),
            prepared("netx_take", TAKE.format(s=s), TAKE_PARAMS), prepared("netx_carve", CARVE.format(s=s), CARVE_PARAMS))
        from psycopg import generators

        self._run_gen = generators.execute
        self._prepped: weakref.WeakSet[psycopg.Connection[Any]] = weakref.WeakSet()  # hold netx's statements
        self._conn = None
        self._pid = os.getpid()
        self._owner = threading.get_ident()
        self._tls = threading.local()  # no reference back to this store: its clones do not hold it either
        self._clones = weakref.WeakSet()
        self._clone = False
        try:
            self._connect()
            self._setup_schema(create)
            self._setup_fast()
        except BaseException as exc:
            self._close()
            self._closed = True
            if isinstance(exc, self._pg.Error):
                raise StoreError(f"cannot open IPAM store {mask_url(url)!r}: {exc}".strip(), url=mask_url(url)) from exc
            raise
        _STORES.add(self)

    # -- connections --------------------------------------------------------------------
    def _new_connection(self) -> psycopg.Connection[Any]:
        """A connection with netx's session settings: bounded waits, READ COMMITTED default (in a transaction's
        mode: ``_begin`` switches it to autocommit for the fast path)."""
        pg = self._pg
        conn = pg.connect(self._conninfo, autocommit=True, connect_timeout=max(1, round(self.timeout)))
        ms = max(1, int(self.timeout * 1000))
        conn.execute(
            f"SET lock_timeout = {ms}; SET statement_timeout = {2 * ms};"
            f" SET idle_in_transaction_session_timeout = {max(2 * ms, 60_000)};"
            " SET default_transaction_isolation = 'read committed'; SET client_encoding = 'UTF8'"
        )
        conn.isolation_level = pg.IsolationLevel.READ_COMMITTED
        conn.autocommit = False
        return conn  # type: ignore[no-any-return]

    def _connect(self) -> None:
        """(Re)connect, dropping the previous connection if there is one."""
        self._close_conn(self._conn)
        self._conn = None
        self._conn = self._new_connection()

    def _forked(self) -> None:
        """In a child after ``os.fork()``: forget every inherited connection and lock; reconnect on next use."""
        self._guard = threading.RLock()
        self._depth = 0
        self._entered = []
        if self._conn is not None:
            _abandon(self._conn)
        self._conn = None
        self._pid = os.getpid()

    def _thread_store(self) -> PostgresStore:
        """This store in the thread that opened it; in any other thread, a clone of it made on the thread's
        first call (the same database and settings, a connection and transaction state of its own), so that
        threads run their calls side by side instead of queueing on one connection. A clone closes its
        connection when its thread ends, or when the store is closed."""
        if _get_ident() == self._owner:
            return self
        try:
            return self._tls.store  # type: ignore[no-any-return]
        except AttributeError:
            return self._new_clone()

    def _new_clone(self) -> PostgresStore:
        if self._closed:
            return self  # its calls say so
        clone = object.__new__(PostgresStore)
        for name in _SHARED:
            setattr(clone, name, getattr(self, name))
        clone._closed, clone._guard, clone._depth, clone._readonly, clone._entered = False, threading.RLock(), 0, False, []
        clone._conn, clone._pid, clone._clone, clone._clones = None, os.getpid(), True, weakref.WeakSet()
        clone._owner = _get_ident()  # its thread: it runs its own calls (it connects on the first)
        clone._tls = self._tls  # (should another thread ever reach it, that thread's own clone answers)
        self._tls.store = clone
        self._clones.add(clone)
        _STORES.add(clone)
        return clone

    def __del__(self) -> None:
        if getattr(self, "_clone", False) and self._conn is not None:  # a thread's clone, gone with its thread
            try:
                if self._pid != os.getpid():  # in a forked child: the parent's session
                    _abandon(self._conn)
                else:
                    self._close_conn(self._conn)
            except Exception:  # interpreter shutdown: nothing left to do
                pass

    def _check_fork(self) -> None:
        if self._pid != os.getpid():  # forked without the at-fork hook (e.g. a raw os.fork syscall wrapper)
            self._forked()

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

    def _setup_fast(self) -> None:
        """Create (or update) the PostgreSQL-only objects of the fast path (``_pgsql.py``), once per version
        (recorded as the comment on ``netx_take``)."""
        q = _quote(self.schema)
        version = "SELECT obj_description(to_regprocedure(%s), 'pg_proc')"
        proc = PROC.format(s=q)
        with self._transaction():
            row = self._one(version, (proc,))
            if row is not None and row[0] == FAST_VERSION:
                return
            self._run("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"netx.ipam schema {self.schema}",))
            row = self._one(version, (proc,))
            if row is None or row[0] != FAST_VERSION:
                for statement in fast_sql(q):
                    self._db().execute(statement)  # no parameters: '%' is an operator here
                self._db().execute(f"COMMENT ON FUNCTION {proc} IS '{FAST_VERSION}'")

    # -- SqlStore primitives ------------------------------------------------------------
    def _db(self) -> psycopg.Connection[Any]:
        conn = self._thread_store()._conn
        if conn is None:  # only after a failed reconnect, which raised already
            raise StoreError(f"IPAM store {mask_url(self.url)!r} has no connection (reconnecting failed)",
                             url=mask_url(self.url))
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

    def _begin(self, readonly: bool = False, autocommit: bool = False) -> None:
        """Make the main connection ready (reconnected if dead) for a transaction, or with ``autocommit``
        for one fast-path statement. It stays in the mode last asked for: consecutive fast-path calls
        switch nothing (each switch is a trip through psycopg's machinery, about 3 µs)."""
        self._check_fork()
        conn = self._conn
        if conn is None or not _usable(conn):
            try:
                self._connect()
            except self._pg.Error as exc:
                raise StoreError(
                    f"cannot reconnect to IPAM store {mask_url(self.url)!r}: {exc}".strip(), url=mask_url(self.url)
                ) from exc
            conn = self._db()
        if conn.autocommit != autocommit:
            conn.autocommit = autocommit
        # the isolation this call needs, whatever the server's default: READ COMMITTED with row locks for
        # writers; one REPEATABLE READ snapshot that locks nothing (and cannot fail to serialize) for readers
        levels = self._pg.IsolationLevel
        if conn.read_only != readonly:
            conn.read_only = readonly
            conn.isolation_level = levels.REPEATABLE_READ if readonly else levels.READ_COMMITTED

    def _start(self, state: SqlState | None, readonly: bool = False) -> None:
        """Begin, then lock the pool's row; retry on a lost connection, a deadlock or a serialization failure."""
        pg = self._pg
        retryable = (pg.errors.DeadlockDetected, pg.errors.SerializationFailure)
        deadline = time.monotonic() + self.timeout
        for attempt in range(_RETRIES):
            self._begin(readonly)
            try:
                if state is not None:
                    state._enter(readonly)
                return
            except pg.OperationalError as exc:
                conn = self._db()
                try:
                    conn.rollback()
                except pg.Error:
                    pass
                lost = conn.broken or conn.closed
                if attempt + 1 == _RETRIES or time.monotonic() > deadline or not (lost or isinstance(exc, retryable)):
                    raise
                if lost:
                    self._connect()
                _backoff(attempt)

    def _commit(self) -> None:
        conn = self._db()
        try:
            conn.commit()
        except self._pg.Error as exc:
            if (conn.broken or conn.closed) and not self._readonly:
                raise self._unknown("the transaction", exc) from exc
            raise

    def _rollback(self) -> None:
        if self._conn is not None and not self._conn.closed:
            self._conn.rollback()

    # -- the fast path ------------------------------------------------------------------
    def _take(
        self, state: PgState, owner: Owner, lo: int, hi: int, draws: Sequence[int],
        more: Callable[[], Sequence[int]] | None,
    ) -> tuple[int | None, int]:
        """``PgState.take`` in autocommit mode, on this thread's connection."""
        declined: tuple[int | None, int] = (-1, 0)
        return self._fast(lambda conn: self._call_take(state, conn, owner, lo, hi, draws, more), declined)

    def _carve(self, state: PgState, owner: Owner, size: int, plen: int, parents: Sequence[tuple[int, int]]) -> int | None:
        """``PgState.carve`` in autocommit mode: ``netx_carve`` (``_pgsql.py``), with the fast path's retries."""
        los, his = [kb(lo) for lo, _ in parents], [kb(hi) for _, hi in parents]

        values = [*_binary(state, owner), str(size).encode(), plen.to_bytes(4, "big", signed=True), bytea_array(los),
                  bytea_array(his)]

        def carve(conn: psycopg.Connection[Any]) -> int | None:
            row = self._retrying(state, owner, "subnet pool",
                                 lambda: self._prepared(conn, self._statements.carve, values), conn)
            return None if row is None or row[0] is None else ki(row[0])

        declined: int | None = -1
        return self._fast(carve, declined)

    def _fast(self, call: Callable[[psycopg.Connection[Any]], T], declined: T) -> T:
        """``call(conn)`` on this thread's connection in autocommit mode; ``declined`` inside an open
        transaction of this thread (the caller then joins it on the general path)."""
        here = self._thread_store()
        if here is not self:
            return here._fast(call, declined)
        self._check_open()
        self._check_fork()  # before the guard: a fork replaces it
        with self._guard:
            self._check_open()
            if self._depth:
                return declined
            self._begin(autocommit=True)
            return call(self._conn or self._db())  # (_db: raises for a failed reconnect)

    def _retrying(
        self, state: PgState, owner: Owner, kind: str, run: Callable[[], T], conn: psycopg.Connection[Any]
    ) -> T:
        """``run()``, one autocommit ``allocate()`` statement on ``conn`` for ``owner`` in ``state``'s pool
        (a ``kind``: ``pool`` or ``subnet pool``, for the messages), retried (bounded, with backoff) on
        deadlocks and serialization failures; a lost connection is an unknown outcome, a missing pool
        ``PoolNotFound``."""
        pg = self._pg
        deadline = time.monotonic() + self.timeout
        for attempt in range(_RETRIES):
            try:
                return run()
            except pg.Error as exc:
                if conn.broken or conn.closed:
                    what = f"allocate() on {kind} {state._name!r}" + (f" for owner {owner!r}" if owner else "")
                    raise self._unknown(what, exc) from exc
                if isinstance(exc, pg.errors.NoDataFound):
                    raise self._gone(state._name) from None
                if isinstance(exc, pg.errors.LockNotAvailable):
                    raise self._locked(state._name, exc) from exc
                retry = isinstance(exc, (pg.errors.SerializationFailure, pg.errors.DeadlockDetected))
                if not retry or attempt + 1 == _RETRIES or time.monotonic() > deadline:
                    raise self._translate(exc) from exc
                _backoff(attempt)
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    def _call_take(
        self, state: PgState, conn: psycopg.Connection[Any], owner: Owner, lo: int, hi: int, draws: Sequence[int],
        more: Callable[[], Sequence[int]] | None,
    ) -> tuple[int | None, int]:
        """The common case as one plain statement (``lowest_sql`` / ``draw_sql`` on the first draw); when that
        takes nothing, ``netx_take`` (on every draw: ``draws`` and then ``more()``) decides, in a transaction
        of its own. Deadlocks and serialization failures are retried (bounded), with backoff."""
        pool8, owner8 = _binary(state, owner)
        first: tuple[Prepared, list[bytes | None]] | None
        statements = self._statements
        if draws:
            d = draws[0]
            first = None if d == 0 else (
                statements.draw, [pool8, owner8, kb(d), kb(d - 1), kb(d + 1), address_text(d).encode()])
        else:
            first = (statements.lowest, [pool8, kb(lo), kb(hi), owner8])
        every: bytes | None = None

        def once() -> tuple[int | None, int]:
            nonlocal every
            if first is not None:
                one = self._prepared(conn, *first)
                if one is not None and one[0] is not None:
                    return ki(one[0]), 1 if draws else 0
            if every is None:
                every = bytea_array([kb(k) for k in (*draws, *(more() if more is not None else ()))])
            row = self._prepared(conn, statements.take, [pool8, owner8, kb(lo), kb(hi), every])
            if row is None or row[0] is None or row[1] is None:
                return None, 0
            return ki(row[0]), int.from_bytes(row[1], "big", signed=True)

        return self._retrying(state, owner, "pool", once, conn)

    def _prepared(
        self, conn: psycopg.Connection[Any], stmt: Prepared, values: list[bytes | None]
    ) -> list[bytes | None] | None:
        """The values of ``stmt``'s first row (None: no row), in binary, through libpq's
        prepared-statement calls directly: psycopg's ``execute`` (query conversion, adaptation, a cursor) was
        about 115k of the 162k instructions an ``allocate()`` cost the client. netx's statements are prepared on
        a connection before its first use (and again should the server have lost them: SQLSTATE 26000); errors
        are psycopg's own exceptions, and Ctrl-C cancels the statement, as in ``execute``."""
        pg, pgconn = self._pg, conn.pgconn
        for attempt in range(2):
            if conn not in self._prepped:
                for each in self._statements:
                    pgconn.send_prepare(each.name, each.sql, each.types)
                    made = conn.wait(self._run_gen(pgconn))[-1]
                    if made.status != pg.pq.ExecStatus.COMMAND_OK and made.error_field(
                            pg.pq.DiagnosticField.SQLSTATE) != b"42P05":  # (42P05: it was left, after a 26000)
                        raise pg.errors.error_from_result(made, encoding="utf-8")
                self._prepped.add(conn)
            pgconn.send_query_prepared(stmt.name, values, stmt.formats, 1)
            res = conn.wait(self._run_gen(pgconn))[-1]
            if res.status == pg.pq.ExecStatus.TUPLES_OK:
                return [res.get_value(0, j) for j in range(res.nfields)] if res.ntuples else None
            if attempt == 0 and res.error_field(pg.pq.DiagnosticField.SQLSTATE) == b"26000":  # lost (DISCARD ALL)
                self._prepped.discard(conn)
                continue
            raise pg.errors.error_from_result(res, encoding="utf-8")
        raise AssertionError("unreachable")  # pragma: no cover - the second attempt returns or raises

    # -- errors ---------------------------------------------------------------------------
    def _locked(self, name: str, exc: BaseException) -> StoreError:
        return StoreError(
            f"IPAM store {mask_url(self.url)!r}: waited {self.timeout:g} s for pool {name!r}, locked by another"
            " session all along (a stuck or stopped process, or an open transaction); nothing was changed"
            f" ({type(exc).__name__}: {str(exc).strip()})",
            url=mask_url(self.url),
        )

    def _unknown(self, what: str, exc: BaseException) -> OutcomeUnknown:
        return OutcomeUnknown(
            f"IPAM store {mask_url(self.url)!r}: the connection was lost while {what} was committing, so its outcome"
            " is unknown: it may have taken effect (look before retrying: addresses_of(owner) or ensure(owner) finds"
            f" an address it handed out) ({type(exc).__name__}: {str(exc).strip()})",
            url=mask_url(self.url),
        )

    def _translate(self, exc: BaseException) -> BaseException:
        pg = self._pg
        where = f"IPAM store {mask_url(self.url)!r}"
        if isinstance(exc, pg.errors.LockNotAvailable):
            return StoreError(
                f"{where}: waited {self.timeout:g} s for a lock held by another session (a stuck or stopped process,"
                f" or an open transaction); nothing was changed ({exc})".strip(),
                url=mask_url(self.url),
            )
        if isinstance(exc, pg.errors.QueryCanceled):
            return StoreError(
                f"{where}: a statement ran past its {2 * self.timeout:g} s limit; nothing was changed ({exc})",
                url=mask_url(self.url),
            )
        return super()._translate(exc)

    def _insert_pool(self, name: str, kind: str, spec_json: str) -> int:
        pg = self._pg
        try:
            row = self._one(self._q.pool_insert + " RETURNING id", (name, kind, spec_json))
        except pg.errors.UniqueViolation:
            raise self._exists(name) from None
        return int(row[0])

    def _state(self, pid: int, name: str) -> PgState:
        return PgState(self, pid, name)

    def _close(self) -> None:
        _STORES.discard(self)
        if self._pid != os.getpid():
            self._forked()
        self._close_conn(self._conn)
        for clone in list(self._clones):  # the other threads' connections: once their calls in flight end
            with clone._guard:
                clone._closed = True
                clone._close()

    @staticmethod
    def _close_conn(conn: psycopg.Connection[Any] | None) -> None:
        if conn is not None:  # a failed close leaves nothing to clean up
            try:
                conn.close()
            except Exception:
                pass


def _backoff(attempt: int) -> None:
    """Sleep before retry ``attempt`` (0-based): exponential from 2 ms, capped at 0.5 s, with full jitter."""
    time.sleep(min(0.5, 0.002 * 2**attempt) * random.random() + 0.0005)
