"""The one table layout of the SQL stores, written once for every dialect, and its migrations.

Tables (in PostgreSQL inside the store's schema, ``netx`` by default)::

    meta        (key PRIMARY KEY, value)                       schema_version
    pools       (id, name UNIQUE, kind, spec, ext, allocated, allocated_keys, created)
    free        (pool, hi, lo)                    PRIMARY KEY (pool, hi)   free key intervals
    allocations (pool, key, last_key, address, owner)
                                                  PRIMARY KEY (pool, key), INDEX (pool, owner, key)

``spec`` is the pool definition as JSON text (``PoolSpec.to_json``); ``ext`` the pool's
extension state, a JSON object of strings that the algorithm owns (the round-robin
cursors today) and the store only carries. ``SCHEMA`` is the latest layout, created
in one go on a new database; ``MIGRATIONS[i]`` turns version ``i + 1`` into ``i + 2``,
and ``migrate`` applies the missing ones in order, in the caller's transaction.
Adding a column is one new ``Migration`` at the end plus the column in ``SCHEMA``.
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple, Sequence

import json

__all__ = ["Dialect", "SQLITE", "POSTGRES", "SCHEMA_VERSION", "MIGRATIONS", "Migration", "create", "migrate"]


class Dialect(NamedTuple):
    """What differs between the SQL backends' DDL (the statements themselves are shared)."""

    name: str
    p: str  # parameter placeholder
    blob: str  # 17-byte keys
    bigint: str
    id: str  # the pools.id column
    timestamp: str
    now: str  # default of pools.created
    inet: str  # allocations.address: the human-readable address or CIDR
    rowid: str  # table suffix for the small key-only tables
    fill: str  # table suffix for tables updated in place
    drop_column: bool  # ALTER TABLE ... DROP COLUMN works
    real: str = "REAL"  # allocations.expires: seconds since the epoch
    ref: str = ""  # the rows' reference to their pool (a foreign key, or none: see POSTGRES)
    allocated: str = ""  # the pools.allocated column (or none: PostgreSQL counts the rows, see postgres.py)


SQLITE = Dialect(
    name="sqlite", p="?", blob="BLOB", bigint="INTEGER", id="INTEGER PRIMARY KEY AUTOINCREMENT", timestamp="TEXT",
    now="(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))", inet="TEXT", rowid=" WITHOUT ROWID", fill="",
    drop_column=True, ref=" REFERENCES {t}pools (id) ON DELETE CASCADE",
    allocated="\n        allocated {bigint} NOT NULL DEFAULT 0,",
)
# No foreign keys on PostgreSQL: every insert would check its pool's row with a FOR KEY SHARE lock, which
# concurrent allocate() calls turn into MultiXacts (WAL, CPU). Deleting a pool takes the pool's exclusive
# advisory lock, which every call that writes holds (shared or exclusive), and deletes its rows itself.
POSTGRES = Dialect(
    name="postgresql", p="%s", blob="bytea", bigint="bigint", id="bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
    timestamp="timestamptz", now="now()", inet="inet", rowid="", fill=" WITH (fillfactor = 50)", drop_column=True,
    real="double precision",
)

# Leases (allocations with an expiry) in expiry order: a partial index, so allocations without a lease
# (the usual case) cost nothing more, and reclaiming the oldest expired ones is one range scan.
_LEASE_INDEX = "CREATE INDEX allocations_expiry ON {t}allocations (pool, expires) WHERE expires IS NOT NULL"

# {t}: table prefix ('' or '"schema".'); the rest comes from the Dialect.
_SCHEMA = (
    "CREATE TABLE {t}meta (key TEXT PRIMARY KEY, value TEXT NOT NULL){rowid}",
    """CREATE TABLE {t}pools (
        id        {id},
        name      TEXT NOT NULL UNIQUE,
        spec      TEXT NOT NULL,{allocated}
        created   {timestamp} NOT NULL DEFAULT {now},
        kind      TEXT NOT NULL DEFAULT 'address' CHECK (kind IN ('address', 'subnet')),
        allocated_keys {blob} CHECK (length(allocated_keys) = 17),
        ext       TEXT){fill}""",
    # key columns first: SQLite 3.40's integrity_check misreads them otherwise
    """CREATE TABLE {t}free (
        pool {bigint} NOT NULL{ref},
        hi   {blob} NOT NULL CHECK (length(hi) = 17),
        lo   {blob} NOT NULL CHECK (length(lo) = 17 AND lo <= hi),
        PRIMARY KEY (pool, hi)){rowid}{fill}""",
    """CREATE TABLE {t}allocations (
        pool     {bigint} NOT NULL{ref},
        key      {blob} NOT NULL CHECK (length(key) = 17),
        address  {inet} NOT NULL,
        owner    TEXT,
        last_key {blob} CHECK (length(last_key) = 17 AND last_key > key),
        expires  {real},
        PRIMARY KEY (pool, key)){rowid}""",
    "CREATE INDEX allocations_owner ON {t}allocations (pool, owner, key)",
    _LEASE_INDEX,
)

Executor = Callable[[str, Sequence[Any]], list[Any]]
"""Runs one statement with parameters and returns its rows (``[]`` for statements without)."""


class Migration(NamedTuple):
    """One schema step: statements (templated like ``SCHEMA``) and an optional data step run after them."""

    version: int  # the version this step produces
    what: str
    statements: tuple[str, ...]
    data: Callable[[Executor, Dialect, str], None] | None = None
    after: tuple[str, ...] = ()  # statements run after ``data``
    only: str = ""  # the one dialect this step changes anything in (others just record the version)


def _cursors_to_ext(run: Executor, d: Dialect, t: str) -> None:
    """Version 3: the round-robin cursors move from their own columns into ``pools.ext``."""
    rows = run(f"SELECT id, cursor4, cursor6 FROM {t}pools WHERE cursor4 IS NOT NULL OR cursor6 IS NOT NULL", ())
    for pid, c4, c6 in rows:
        ext = {f"round_robin.{fam}": str(int.from_bytes(bytes(c), "big")) for fam, c in ((4, c4), (6, c6)) if c}
        run(f"UPDATE {t}pools SET ext = {d.p} WHERE id = {d.p}", (json.dumps(ext, separators=(",", ":")), pid))


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        2, "subnet pools: pools.kind, pools.allocated_keys, allocations.last_key",
        (
            "ALTER TABLE {t}pools ADD COLUMN kind TEXT NOT NULL DEFAULT 'address'"
            " CHECK (kind IN ('address', 'subnet'))",
            "ALTER TABLE {t}pools ADD COLUMN allocated_keys {blob} CHECK (length(allocated_keys) = 17)",
            "ALTER TABLE {t}allocations ADD COLUMN last_key {blob} CHECK (length(last_key) = 17 AND last_key > key)",
        ),
    ),
    Migration(
        3, "strategy state as per-pool extension state: pools.ext replaces pools.cursor4 and pools.cursor6",
        ("ALTER TABLE {t}pools ADD COLUMN ext TEXT",),
        _cursors_to_ext,
        ("ALTER TABLE {t}pools DROP COLUMN cursor4", "ALTER TABLE {t}pools DROP COLUMN cursor6"),
    ),
    Migration(
        4, "leases: allocations.expires and a partial index over the leased rows",
        ("ALTER TABLE {t}allocations ADD COLUMN expires {real}", _LEASE_INDEX),
    ),
    Migration(
        5, "PostgreSQL: no foreign keys from free and allocations to pools (see POSTGRES), no counters"
        " (pools.allocated, the counts rows): the rows are counted",
        (
            "ALTER TABLE {t}allocations DROP CONSTRAINT IF EXISTS allocations_pool_fkey",
            "ALTER TABLE {t}free DROP CONSTRAINT IF EXISTS free_pool_fkey",
            "DROP TABLE IF EXISTS {t}counts",
            "ALTER TABLE {t}pools DROP COLUMN allocated",
        ),
        only="postgresql",
    ),
)

SCHEMA_VERSION = 1 + len(MIGRATIONS)
"""Version of the table layout; recorded in ``meta`` and checked on open (newer: refused, older: migrated)."""


def _fill(template: str, d: Dialect, t: str) -> str:
    return template.format(
        t=t, blob=d.blob, bigint=d.bigint, id=d.id, timestamp=d.timestamp, now=d.now, inet=d.inet, rowid=d.rowid,
        fill=d.fill, real=d.real, ref=d.ref.format(t=t),
        allocated=d.allocated.format(bigint=d.bigint),
    )


def create(run: Executor, d: Dialect, t: str) -> None:
    """Create the latest layout in an empty database (or schema) and record its version."""
    for template in _SCHEMA:
        run(_fill(template, d, t), ())
    run(f"INSERT INTO {t}meta (key, value) VALUES ('schema_version', {d.p})", (str(SCHEMA_VERSION),))


def migrate(run: Executor, d: Dialect, t: str, version: int) -> int:
    """Apply every migration after ``version`` in order (inside the caller's transaction); the new version."""
    for step in MIGRATIONS[version - 1 :]:
        if step.only and step.only != d.name:
            run(f"UPDATE {t}meta SET value = {d.p} WHERE key = 'schema_version'", (str(step.version),))
            version = step.version
            continue
        for template in step.statements:
            run(_fill(template, d, t), ())
        if step.data is not None:
            step.data(run, d, t)
        if d.drop_column:
            for template in step.after:
                run(_fill(template, d, t), ())
        run(f"UPDATE {t}meta SET value = {d.p} WHERE key = 'schema_version'", (str(step.version),))
        version = step.version
    return version
