"""The ``PoolState`` of the SQL stores, and the transaction machinery SQLite and PostgreSQL share.

The tables are described in ``_schema.py`` (one layout for every dialect). An
allocation covers the keys ``key..last_key`` (``last_key`` NULL: the one key ``key``,
as in every address pool; a subnet pool stores its block's last key and the CIDR as
``address``). ``pools.allocated`` counts allocations (SQLite only: PostgreSQL counts the
rows, see ``postgres.PgState``), ``allocated_keys`` the keys they cover (a 17-byte blob: an
IPv6 /48 of /64s exceeds any SQL integer; NULL: one key per allocation).
``pools.ext`` holds the algorithm's per-pool extension state.

Keys (netx's one ordered key space, up to 2**129) are stored as 17-byte big-endian
blobs, so byte order is numeric order and every lookup is one B-tree probe. Free
intervals are disjoint, so ordering them by their last key orders them by their
first too; they are keyed by the last key ``hi`` because handing out the lowest key
of an interval changes only ``lo``: an in-place update (a HOT update in PostgreSQL)
that adds no index entry.
``address`` is the human-readable text of an allocated key, for people reading the
database directly; netx itself only reads ``key``.

Each pool call runs inside ``SqlState.transaction()``: one database transaction that
first locks and re-reads the pool's row (so a pool deleted elsewhere raises
``PoolNotFound``), then runs the algorithm's primitives as small indexed statements,
writes the pool row back (allocation counts, extension state) and commits.
"""

from __future__ import annotations

import _thread
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Iterator, Protocol, Sequence

import json  # stdlib, not orjson: see netx/ipam/spec.py

from ..._errors import shorten
from ..._ip import _fmt4, _fmt6
from ..._keys import V6_BASE
from .._base import CorruptState
from .._state import Owner, Span, Totals
from ..errors import StoreNotFound
from . import _schema
from ._schema import SCHEMA_VERSION, Dialect
from .base import Store, StoreError
from .url import mask_url

if TYPE_CHECKING:
    from .base import Spec

__all__ = [
    "SqlStore", "SqlState", "Queries", "Connection", "Cursor", "SCHEMA_VERSION", "check_version", "kb", "ki",
    "address_text",
]

def check_version(where: str, value: object) -> int:
    """The schema version recorded in ``meta`` (``where`` names the database in messages); one that is
    missing or not a number, or was written by a newer netx, raises ``StoreError``."""
    version = int(value) if isinstance(value, str) and value.isascii() and value.isdigit() else None
    if version is None:
        raise StoreError(f"{where}: the netx meta table has no valid schema_version ({value!r})")
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{where} uses IPAM schema version {version}, newer than the {SCHEMA_VERSION} this netx understands:"
            " upgrade netx"
        )
    return version


_KEY_BYTES = 17  # keys go up to 2**129 - 1
_BATCH0, _BATCH_MAX = 16, 1024  # rows per lazy fetch: first batch, growing to this


def kb(key: int) -> bytes:
    """A key as stored: 17 bytes, big-endian (byte order == numeric order)."""
    return key.to_bytes(_KEY_BYTES, "big")


_join = bytearray().join


def kbind(key: int) -> bytearray:
    """``kb`` as a ``bytearray``, for the bulk inserts: Python's sqlite3 binds one directly, while
    ``bytes`` first go through its adapter lookup (two failed attribute lookups, ~0.5 µs a value);
    psycopg sends both as ``bytea``."""
    return _join((key.to_bytes(_KEY_BYTES),))


def ki(blob: bytes) -> int:
    """A stored key back as an int."""
    return int.from_bytes(blob, "big")


def address_text(key: int, last: int | None = None) -> str:
    """The address of a key as text (what ``str(IP)`` prints); with ``last``, the CIDR of block ``key..last``."""
    if key < V6_BASE:
        text, bits = _fmt4(key), 32
    else:
        text, bits = _fmt6(key - V6_BASE), 128
    if last is None or last == key:
        return text
    return f"{text}/{bits + 1 - (last - key + 1).bit_length()}"


class Queries:
    """The SQL text of every statement, for one backend and table prefix (all parameterized)."""

    __slots__ = (
        "enter", "enter_read", "flush", "floor", "ceil", "iter_first", "iter_after",
        "free_update", "free_delete", "free_insert",
        "alloc_at", "alloc_put", "alloc_del", "alloc_of", "alloc_of_null", "alloc_iter_first", "alloc_iter_after",
        "alloc_any", "pool_by_name", "pool_by_name_read", "pool_names", "pool_insert", "pool_delete", "free_drop", "alloc_drop",
        "alloc_floor", "alloc_expired", "alloc_expire",
    )

    def __init__(self, t: str, p: str, lock: str, address: str = "") -> None:
        """``t``: table prefix (``""`` or ``'"schema".'``); ``p``: placeholder (``?``/``%s``); ``lock``: row lock
        clause; ``address``: cast of the address text (``::inet`` in PostgreSQL)."""
        pools, free, allocs = f"{t}pools", f"{t}free", f"{t}allocations"
        self.enter = f"SELECT allocated, allocated_keys, ext FROM {pools} WHERE id = {p}{lock}"
        self.enter_read = f"SELECT allocated, allocated_keys, ext FROM {pools} WHERE id = {p}"
        self.flush = f"UPDATE {pools} SET allocated = {p}, allocated_keys = {p}, ext = {p} WHERE id = {p}"
        # the interval holding `key` or, failing that, the one before it: two index probes, one round trip
        self.floor = (
            f"SELECT lo, hi FROM (SELECT lo, hi FROM {free} WHERE pool = {p} AND hi >= {p} ORDER BY hi LIMIT 1) AS a"
            f" UNION ALL"
            f" SELECT lo, hi FROM (SELECT lo, hi FROM {free} WHERE pool = {p} AND hi < {p} ORDER BY hi DESC LIMIT 1) AS b"
        )
        # the interval holding `key` (if any) and the next one
        self.ceil = f"SELECT lo, hi FROM {free} WHERE pool = {p} AND hi >= {p} ORDER BY hi LIMIT 2"
        self.iter_first = f"SELECT lo, hi FROM {free} WHERE pool = {p} AND hi >= {p} ORDER BY hi LIMIT {p}"
        self.iter_after = f"SELECT lo, hi FROM {free} WHERE pool = {p} AND hi > {p} ORDER BY hi LIMIT {p}"
        # the interval starting at `old` is the first one ending at or after `old`
        holding = f"(SELECT hi FROM {free} WHERE pool = {p} AND hi >= {p} ORDER BY hi LIMIT 1)"
        self.free_update = f"UPDATE {free} SET lo = {p}, hi = {p} WHERE pool = {p} AND hi = {holding} AND lo = {p}"
        self.free_delete = f"DELETE FROM {free} WHERE pool = {p} AND hi = {holding} AND lo = {p}"
        self.free_insert = f"INSERT INTO {free} (pool, lo, hi) VALUES ({p}, {p}, {p})"
        self.alloc_at = f"SELECT owner, last_key, expires FROM {allocs} WHERE pool = {p} AND key = {p}"
        self.alloc_put = (
            f"INSERT INTO {allocs} (pool, key, last_key, address, owner, expires)"
            f" VALUES ({p}, {p}, {p}, {p}{address}, {p}, {p})"
        )
        self.alloc_expired = (
            f"SELECT key, last_key, owner, expires FROM {allocs}"
            f" WHERE pool = {p} AND expires IS NOT NULL AND expires <= {p} ORDER BY expires LIMIT {p}"
        )
        self.alloc_expire = f"UPDATE {allocs} SET expires = {p} WHERE pool = {p} AND key = {p}"
        self.alloc_del = f"DELETE FROM {allocs} WHERE pool = {p} AND key = {p}"
        self.alloc_of = f"SELECT key, last_key, expires FROM {allocs} WHERE pool = {p} AND owner = {p} ORDER BY key"
        self.alloc_of_null = (
            f"SELECT key, last_key, expires FROM {allocs} WHERE pool = {p} AND owner IS NULL ORDER BY key"
        )
        self.alloc_iter_first = (
            f"SELECT key, owner, last_key, expires FROM {allocs} WHERE pool = {p} AND key >= {p} ORDER BY key LIMIT {p}"
        )
        self.alloc_iter_after = (
            f"SELECT key, owner, last_key, expires FROM {allocs} WHERE pool = {p} AND key > {p} ORDER BY key LIMIT {p}"
        )
        self.alloc_any = f"SELECT count(*) FROM {allocs} WHERE pool = {p}"
        self.alloc_floor = (
            f"SELECT key, last_key, owner, expires FROM {allocs} WHERE pool = {p} AND key <= {p}"
            " ORDER BY key DESC LIMIT 1"
        )
        self.pool_by_name = f"SELECT id, spec, kind FROM {pools} WHERE name = {p}{lock}"
        self.pool_by_name_read = f"SELECT id, spec, kind FROM {pools} WHERE name = {p}"
        self.pool_names = f"SELECT name, kind FROM {pools}"
        self.pool_insert = f"INSERT INTO {pools} (name, kind, spec) VALUES ({p}, {p}, {p})"
        self.pool_delete = f"DELETE FROM {pools} WHERE id = {p}"
        self.free_drop = f"DELETE FROM {free} WHERE pool = {p}"
        self.alloc_drop = f"DELETE FROM {allocs} WHERE pool = {p}"


class Cursor(Protocol):
    """What the stores use of a DB-API cursor (``sqlite3.Cursor``, ``psycopg.Cursor``)."""

    @property
    def rowcount(self) -> int: ...

    @property
    def description(self) -> Any: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


class Connection(Protocol):
    """What the stores use of a connection: ``execute`` returning a cursor (``sqlite3``, ``psycopg``)."""

    def execute(self, sql: str, params: Sequence[Any], /) -> Cursor: ...


class SqlStore(Store):
    """A store on a SQL database: one connection, used by one thread at a time, one transaction per call."""

    __slots__ = ("_q", "_dialect", "_depth", "_readonly", "_entered", "_specs", "_errors", "schema_version")

    _q: Queries
    _dialect: Dialect
    _errors: tuple[type[BaseException], type[BaseException]]  # the driver's (IntegrityError, Error)
    schema_version: int | None
    """The table layout's version (``SCHEMA_VERSION`` once open; an older database is migrated on open)."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.schema_version = None
        self._depth = 0  # nesting of transactions on the connection (guarded by _guard)
        self._readonly = False  # the open transaction only reads
        self._entered: list[SqlState] = []  # pools touched by the open transaction
        self._specs: dict[int, Spec] = {}  # pool id -> its (immutable) spec; ids are never reused

    def _thread_store(self) -> SqlStore:
        """The store object that runs the current thread's transactions: this one (one connection, used by
        one thread at a time); PostgreSQL gives every other thread one of its own."""
        return self

    # -- backend primitives (one statement each) ---------------------------------------
    def _db(self) -> Connection:  # pragma: no cover - abstract
        """The open connection."""
        raise NotImplementedError

    def _one(self, sql: str, params: Sequence[Any]) -> Any:
        """Execute one statement; its first row, or None."""
        return self._db().execute(sql, params).fetchone()

    def _all(self, sql: str, params: Sequence[Any]) -> list[Any]:
        """Execute one statement; all its rows."""
        return self._db().execute(sql, params).fetchall()

    def _run(self, sql: str, params: Sequence[Any]) -> int:
        """Execute one statement; its row count."""
        return self._db().execute(sql, params).rowcount

    def _many(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:  # pragma: no cover - abstract
        """Execute one statement per row; the total row count."""
        raise NotImplementedError

    def _begin(self, readonly: bool = False) -> None:  # pragma: no cover - abstract
        """Begin a transaction: one that writes takes the locks writers need; a read-only one, none."""
        raise NotImplementedError

    def _start(self, state: SqlState | None, readonly: bool = False) -> None:
        """Begin the transaction and enter ``state`` (lock its pool row unless ``readonly``)."""
        self._begin(readonly)
        if state is not None:
            state._enter(readonly)

    def _commit(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _rollback(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _now(self) -> float:
        """The clock leases are judged by: this process's (PostgreSQL overrides it with the database's)."""
        import time

        return time.time()

    def _translate(self, exc: BaseException) -> BaseException:
        """The exception to raise for ``exc`` (database errors become ``StoreError``)."""
        integrity, error = self._errors
        url = mask_url(self.url)
        where = f"IPAM store {shorten(url)}"
        if isinstance(exc, integrity):
            return StoreError(f"{where} refused a write that would break its integrity ({exc}); nothing was changed",
                              url=url)
        if isinstance(exc, error):
            return StoreError(f"{where}: {type(exc).__name__}: {exc}".strip(), url=url)
        if isinstance(exc, CorruptState):
            return StoreError(f"{where} is corrupt: {exc}", url=url)
        if isinstance(exc, UnicodeEncodeError):
            return StoreError(f"{where} cannot store text that is not valid Unicode: {exc}", url=url)
        return exc

    # -- schema ------------------------------------------------------------------------
    def _prefix(self) -> str:
        """What table names are prefixed with (``""``, or the quoted PostgreSQL schema and a dot)."""
        return ""

    def _where(self) -> str:
        """The database as messages name it (a file path, a PostgreSQL schema)."""
        raise NotImplementedError  # pragma: no cover - abstract

    def _tables(self) -> set[str]:  # pragma: no cover - abstract
        """Names of the tables in the database (SQLite) or the store's schema (PostgreSQL)."""
        raise NotImplementedError

    def _prepare(self, create: bool) -> None:
        """Hook before the layout is read, in its transaction (PostgreSQL: serialize openers, create the schema)."""

    def _rows(self, sql: str, params: Sequence[Any]) -> list[Any]:
        """Execute one statement; its rows (none for a statement that returns none)."""
        cur = self._db().execute(sql, params)
        return cur.fetchall() if cur.description is not None else []

    def _setup_schema(self, create: bool) -> None:
        """Check the layout (creating it in an empty database when ``create``, migrating an older one)."""
        d, t = self._dialect, self._prefix()
        with self._transaction():
            self._prepare(create)
            tables = self._tables()
            if "meta" not in tables:
                if tables:
                    names = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
                    raise StoreError(
                        f"{self._where()} holds tables netx did not create ({names}) but no netx meta table:"
                        " not a netx IPAM database; give netx a database (or schema) of its own"
                    )
                if not create:
                    raise StoreNotFound(f"no IPAM store at {self._where()} (nothing was created)", url=self.url)
                _schema.create(self._rows, d, t)
                version = SCHEMA_VERSION
            else:
                row = self._one(f"SELECT value FROM {t}meta WHERE key = 'schema_version'", ())
                version = check_version(self._where(), None if row is None else row[0])
                if version < SCHEMA_VERSION:
                    version = _schema.migrate(self._rows, d, t, version)
        self.schema_version = version

    def _insert_pool(self, name: str, kind: str, spec_json: str) -> int:  # pragma: no cover - abstract
        """Insert a pool row; its new id (a unique name violation raises ``PoolExists``)."""
        raise NotImplementedError

    # -- transactions ------------------------------------------------------------------
    @contextmanager
    def _transaction(self, state: SqlState | None = None, readonly: bool = False) -> Iterator[None]:
        """One atomic, durable unit on the connection; nested use joins the open one.

        ``readonly``: the body only reads; it takes no lock and sees one snapshot."""
        here = self._thread_store()
        if here is not self:  # another thread's: its own store object, connection and transaction
            with here._transaction(state, readonly):
                yield
            return
        with self._guard:
            self._check_open()
            if self._depth:
                if self._readonly and not readonly:
                    raise StoreError("a call that writes cannot join a read-only transaction", url=self.url)
                self._depth += 1
                try:
                    if state is not None and state not in self._entered:
                        state._enter(self._readonly)
                        self._entered.append(state)
                    yield
                finally:
                    self._depth -= 1
                return
            self._depth = 1
            self._readonly = readonly
            try:
                self._start(state, readonly)
                if state is not None:
                    self._entered.append(state)
                yield
                for entered in self._entered:
                    entered._flush()
                self._commit()
            except BaseException as exc:
                try:
                    self._rollback()
                except Exception:  # the connection is gone; the server rolls back for us
                    pass
                translated = self._translate(exc)
                if translated is exc:
                    raise
                raise translated from exc
            finally:
                self._depth = 0
                self._readonly = False
                for entered in self._entered:
                    entered._reset()
                self._entered.clear()

    # -- Store hooks ------------------------------------------------------------------
    def _create(self, name: str, spec: Spec) -> SqlState:
        q = self._q
        with self._transaction():
            pid = self._insert_pool(name, spec.kind, spec.to_json())
            free = [(pid, kb(lo), kb(hi)) for lo, hi in spec.initial_free()]
            if free:
                self._many(q.free_insert, free)
        self._specs[pid] = spec
        return self._state(pid, name)

    def _open_pool(self, name: str) -> tuple[Spec, SqlState]:
        from ..spec import spec_from_json

        with self._transaction(readonly=True):
            row = self._one(self._q.pool_by_name_read, (name,))
        if row is None:
            raise self._not_found(name)
        pid = int(row[0])
        spec = self._specs.get(pid)
        if spec is None:
            spec = self._specs[pid] = spec_from_json(row[2], row[1])
        return spec, self._state(pid, name)

    def _kinds(self) -> dict[str, str]:
        with self._transaction(readonly=True):
            return {row[0]: row[1] for row in self._all(self._q.pool_names, ())}

    def _delete(self, name: str, force: bool) -> None:
        q = self._q
        with self._transaction():
            row = self._one(q.pool_by_name, (name,))
            if row is None:
                raise self._not_found(name)
            pid = row[0]
            if not force:
                count = int(self._one(q.alloc_any, (pid,))[0])
                if count:  # expired leases are free again: they do not count
                    count -= len(self._all(q.alloc_expired, (pid, self._now(), count)))
                if count:
                    raise self._in_use(name, count)
            for drop in (q.alloc_drop, q.free_drop, q.pool_delete):
                self._run(drop, (pid,))
        self._specs.pop(int(pid), None)

    def _state(self, pid: int, name: str) -> SqlState:
        return SqlState(self, pid, name)


class _Tx(_thread._local):
    """What a pool's state holds for the open transaction of the current thread: one per thread, since
    threads run their transactions side by side on PostgreSQL (a connection each)."""

    ext: dict[str, str]  # the pool's extension state (pools.ext, loaded by _enter)
    count: int  # allocations (pools.allocated; PostgreSQL: this transaction's change)
    keys: int  # keys they cover (pools.allocated_keys; PostgreSQL: this transaction's change)
    dirty: bool  # the pool's row needs writing back at commit
    stored: int | None  # PostgreSQL: pools.allocated_keys as entered (None: one key per allocation)

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        """No transaction: nothing loaded, nothing changed (this thread's fields only)."""
        self.ext, self.count, self.keys, self.dirty, self.stored = {}, 0, 0, False, None


class SqlState:
    """``PoolState`` of one pool in a SQL store: every primitive is one small indexed statement."""

    __slots__ = ("_store", "_id", "_name", "_tx")

    def __init__(self, store: SqlStore, pid: int, name: str) -> None:
        self._store = store
        self._id = pid
        self._name = name
        self._tx = _Tx()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} pool={self._name!r} id={self._id}>"

    # -- transaction ----------------------------------------------------------------
    def transaction(self, readonly: bool = False) -> Any:
        """One atomic, exclusive (the pool's row is locked) and durable unit; re-entrant in a thread.
        ``readonly``: a snapshot that locks nothing."""
        return self._store._transaction(self, readonly)

    def _enter(self, readonly: bool = False) -> None:
        """Lock the pool's row (unless ``readonly``) and load its counts and extension state (checks it still exists)."""
        q = self._store._q
        row = self._store._one(q.enter_read if readonly else q.enter, (self._id,))
        if row is None:
            raise self._store._gone(self._name)
        count, keys, ext = row
        self._tx.ext = {} if ext is None else _ext_of(ext, self._name)
        self._tx.count = int(count)
        self._tx.keys = self._tx.count if keys is None else ki(keys)
        self._tx.dirty = False

    def _flush(self) -> None:
        if self._tx.dirty:
            ext = json.dumps(self._tx.ext, sort_keys=True, separators=(",", ":")) if self._tx.ext else None
            self._store._run(self._store._q.flush, (self._tx.count, kb(self._tx.keys), ext, self._id))
            self._tx.dirty = False

    def _reset(self) -> None:
        self._tx.clear()

    # -- free intervals ---------------------------------------------------------------
    def free_floor(self, key: int) -> tuple[int, int] | None:
        """The free interval with the greatest start <= key, or None."""
        k = kb(key)
        pid = self._id
        holding = before = None
        for lo, hi in self._store._all(self._store._q.floor, (pid, k, pid, k)):
            if hi >= k:
                holding = (lo, hi)
            else:
                before = (lo, hi)
        row = holding if holding is not None and holding[0] <= k else before
        return None if row is None else (ki(row[0]), ki(row[1]))

    def free_ceil(self, key: int) -> tuple[int, int] | None:
        """The free interval with the least start >= key, or None."""
        k = kb(key)
        for lo, hi in self._store._all(self._store._q.ceil, (self._id, k)):
            if lo >= k:
                return ki(lo), ki(hi)
        return None

    def free_iter(self, key: int = 0) -> Iterator[tuple[int, int]]:
        """Free intervals whose end >= key, ascending, fetched lazily in growing batches."""
        store, pid = self._store, self._id
        size = _BATCH0
        rows = store._all(store._q.iter_first, (pid, kb(key), size))
        while True:
            for lo, hi in rows:
                yield ki(lo), ki(hi)
            if len(rows) < size:
                return
            size = min(size * 4, _BATCH_MAX)
            rows = store._all(store._q.iter_after, (pid, rows[-1][1], size))

    def free_replace(self, old_start: int | None, new: Sequence[tuple[int, int]]) -> None:
        """Remove the interval starting at ``old_start`` (if given) and insert ``new``."""
        store, q, pid = self._store, self._store._q, self._id
        rest: Sequence[tuple[int, int]] = new
        if old_start is not None:
            old = kb(old_start)
            if new:
                lo, hi = new[0]
                changed = store._run(q.free_update, (kb(lo), kb(hi), pid, pid, old, old))
                rest = new[1:]
            else:
                changed = store._run(q.free_delete, (pid, pid, old, old))
            if changed != 1:
                raise StoreError(
                    f"pool {self._name!r}: no free interval starts at key {old_start} (store inconsistent); nothing was changed"
                )
        if rest:
            store._many(q.free_insert, [(pid, kb(lo), kb(hi)) for lo, hi in rest])

    # -- allocations ----------------------------------------------------------------
    def alloc_at(self, key: int) -> Span | None:
        """The allocation starting exactly at ``key``, or None."""
        row = self._store._one(self._store._q.alloc_at, (self._id, kb(key)))
        return None if row is None else Span(key, key if row[1] is None else ki(row[1]), row[0], row[2])

    def alloc_floor(self, key: int) -> Span | None:
        """The allocation with the greatest start <= key, or None."""
        row = self._store._one(self._store._q.alloc_floor, (self._id, kb(key)))
        return None if row is None else _span(row[0], row[1], row[2], row[3])

    def alloc_put(self, spans: Sequence[Span]) -> None:
        """Record allocations; the primary key (pool, key) refuses any duplicate."""
        if not spans:
            return
        pid = self._id
        rows = []
        keys = 0
        for start, last, owner, expires in spans:
            rows.append((pid, kbind(start), None if last == start else kbind(last), address_text(start, last), owner,
                         expires))
            keys += last - start + 1
        self._store._many(self._store._q.alloc_put, rows)
        self._tx.count += len(rows)
        self._tx.keys += keys
        self._tx.dirty = True

    def alloc_del(self, spans: Sequence[Span]) -> None:
        """Forget allocations; every one must be allocated (checked)."""
        if not spans:
            return
        pid = self._id
        removed = self._store._many(self._store._q.alloc_del, [(pid, kb(span.start)) for span in spans])
        if removed != len(spans):
            raise StoreError(
                f"pool {self._name!r}: {len(spans) - removed} of {len(spans)} released keys were not allocated"
                " (store inconsistent); nothing was changed"
            )
        self._tx.count -= removed
        self._tx.keys -= sum(span.last - span.start + 1 for span in spans)
        self._tx.dirty = True

    def alloc_of(self, owner: Owner) -> list[Span]:
        """The allocations of ``owner``, in key order."""
        store = self._store
        if owner is None:
            rows = store._all(store._q.alloc_of_null, (self._id,))
        else:
            rows = store._all(store._q.alloc_of, (self._id, owner))
        return [_span(key, last, owner, expires) for key, last, expires in rows]

    def alloc_iter(self, key: int = 0) -> Iterator[Span]:
        """Allocations starting at or after ``key``, in key order, fetched lazily in growing batches."""
        store, pid = self._store, self._id
        size = _BATCH0
        rows = store._all(store._q.alloc_iter_first, (pid, kb(key), size))
        while True:
            for start, owner, last, expires in rows:
                yield _span(start, last, owner, expires)
            if len(rows) < size:
                return
            size = min(size * 4, _BATCH_MAX)
            rows = store._all(store._q.alloc_iter_after, (pid, rows[-1][0], size))

    def alloc_totals(self) -> Totals:
        """How many allocations and keys (kept in the pool's row, so O(1))."""
        return Totals(self._tx.count, self._tx.keys)

    # -- leases -------------------------------------------------------------------------
    def now(self) -> float:
        """The clock leases are judged by (``SqlStore._now``: the database's on PostgreSQL)."""
        return self._store._now()

    def alloc_expired(self, now: float, limit: int) -> list[Span]:
        """Up to ``limit`` expired leases, oldest first: one range scan of the partial expiry index."""
        rows = self._store._all(self._store._q.alloc_expired, (self._id, now, limit))
        return [_span(key, last, owner, expires) for key, last, owner, expires in rows]

    def alloc_expire(self, span: Span, expires: float | None) -> None:
        """Set (None: clear) one allocation's expiry."""
        self._store._run(self._store._q.alloc_expire, (expires, self._id, kb(span.start)))

    # -- extension state ---------------------------------------------------------------
    def ext_get(self, name: str) -> str | None:
        """The pool's extension value ``name`` (read with the pool's row), or None."""
        return self._tx.ext.get(name)

    def ext_items(self) -> dict[str, str]:
        """Every extension value (read with the pool's row), by name."""
        return dict(self._tx.ext)

    def ext_set(self, name: str, value: str | None) -> None:
        """Set (None: remove) the extension value ``name`` (written with the pool's row at commit)."""
        if value is None:
            self._tx.ext.pop(name, None)
        else:
            self._tx.ext[name] = value
        self._tx.dirty = True


_MAX_TIME = 253402300800.0  # 10000-01-01 UTC: the end of what datetime (and so leases()) can show


def _span(key: bytes, last: bytes | None, owner: Owner, expires: float | None = None) -> Span:
    """A stored allocation as a ``Span`` (an owner that is no text, an expiry that is no time -> corrupt)."""
    start = ki(key)
    if expires is not None:
        try:
            when = float(expires)
        except (TypeError, ValueError):
            when = float("nan")
        if not -_MAX_TIME < when < _MAX_TIME:  # NaN too
            raise CorruptState(f"the allocation of {address_text(start)} expires {shorten(expires)}, which is no time")
        expires = when
    if owner is not None and type(owner) is not str:
        raise CorruptState(f"the allocation of {address_text(start)} has the owner {shorten(owner)}, which is no text")
    return Span(start, start if last is None else ki(last), owner, expires)


def _ext_of(text: Any, pool: str) -> dict[str, str]:
    """A pool's extension state (``pools.ext``) as stored: a JSON object of strings (the round-robin cursors are
    checked where they are read, ``pool._cursor``)."""
    try:
        ext = json.loads(text)
    except (TypeError, ValueError, RecursionError):
        ext = None
    if type(ext) is dict and all(type(value) is str for value in ext.values()):
        return ext
    raise CorruptState(f"pool {shorten(pool)} has the extension state (pools.ext) {shorten(text)}: not a JSON object"
                       " of strings")
