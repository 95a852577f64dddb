"""The one SQL layout and its migrations: every older version of each backend opens as the latest,
with nothing lost; foreign databases are refused; reading never creates a store."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, Callable

import pytest

import netx.ipam as ipam
from netx import IP
from netx.ipam import IPAMError, StoreError
from netx.ipam.errors import StoreNotFound
from netx.ipam.store._schema import MIGRATIONS, SCHEMA_VERSION

from test_store_subnet import V1_SQLITE, _v1_rows

# Version 2 as netx wrote it (before the round-robin cursors moved into pools.ext).
V2_SQLITE = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE pools (
    id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, spec TEXT NOT NULL,
    cursor4 BLOB, cursor6 BLOB, allocated INTEGER NOT NULL DEFAULT 0,
    created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    kind TEXT NOT NULL DEFAULT 'address' CHECK (kind IN ('address', 'subnet')),
    allocated_keys BLOB CHECK (length(allocated_keys) = 17));
CREATE TABLE free (
    pool INTEGER NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
    hi BLOB NOT NULL CHECK (length(hi) = 17), lo BLOB NOT NULL CHECK (length(lo) = 17 AND lo <= hi),
    PRIMARY KEY (pool, hi)) WITHOUT ROWID;
CREATE TABLE allocations (
    pool INTEGER NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
    key BLOB NOT NULL CHECK (length(key) = 17), address TEXT NOT NULL, owner TEXT,
    last_key BLOB CHECK (length(last_key) = 17 AND last_key > key),
    PRIMARY KEY (pool, key)) WITHOUT ROWID;
CREATE INDEX allocations_owner ON allocations (pool, owner, key);
INSERT INTO meta VALUES ('schema_version', '2');
"""


def _v2_pg(s: str) -> list[str]:
    return [
        f"CREATE SCHEMA {s}",
        f"CREATE TABLE {s}.meta (key text PRIMARY KEY, value text NOT NULL)",
        f"""CREATE TABLE {s}.pools (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL UNIQUE,
            spec text NOT NULL, cursor4 bytea, cursor6 bytea, allocated bigint NOT NULL DEFAULT 0,
            created timestamptz NOT NULL DEFAULT now(),
            kind text NOT NULL DEFAULT 'address' CHECK (kind IN ('address', 'subnet')),
            allocated_keys bytea CHECK (length(allocated_keys) = 17)) WITH (fillfactor = 50)""",
        f"""CREATE TABLE {s}.free (pool bigint NOT NULL REFERENCES {s}.pools (id) ON DELETE CASCADE,
            hi bytea NOT NULL CHECK (length(hi) = 17), lo bytea NOT NULL CHECK (length(lo) = 17 AND lo <= hi),
            PRIMARY KEY (pool, hi)) WITH (fillfactor = 50)""",
        f"""CREATE TABLE {s}.allocations (pool bigint NOT NULL REFERENCES {s}.pools (id) ON DELETE CASCADE,
            key bytea NOT NULL CHECK (length(key) = 17), address inet NOT NULL, owner text,
            last_key bytea CHECK (length(last_key) = 17 AND last_key > key), PRIMARY KEY (pool, key))""",
        f"CREATE INDEX allocations_owner ON {s}.allocations (pool, owner, key)",
        f"INSERT INTO {s}.meta VALUES ('schema_version', '2')",
    ]


def _v2_rows(execute: Callable[[str, Any], Any]) -> None:
    """A v2 round-robin pool 'rr' over 10.0.0.0/29 + 2001:db8::/126: .1 and .2 handed out, .1 released,
    2001:db8::1 handed out (cursors at .2 and ::1)."""
    spec = '{"format":1,"gateway":null,"ranges":["10.0.0.0/29","2001:db8::/126"],"reserve":[],"strategy":"round_robin"}'
    k = lambda i: i.to_bytes(17, "big")  # noqa: E731
    v4 = int(IP("10.0.0.0"))
    v6 = int(IP("2001:db8::")) + (1 << 128)
    execute(
        "INSERT INTO {t}pools (name, spec, allocated, cursor4, cursor6) VALUES ('rr', ?, 2, ?, ?)",
        (spec, k(v4 + 2), k(v6 + 1)),
    )
    for lo, hi in ((v4 + 1, v4 + 1), (v4 + 3, v4 + 6), (v6, v6), (v6 + 2, v6 + 3)):
        execute("INSERT INTO {t}free (pool, lo, hi) VALUES (1, ?, ?)", (k(lo), k(hi)))
    execute("INSERT INTO {t}allocations (pool, key, address, owner) VALUES (1, ?, '10.0.0.2', 'b')", (k(v4 + 2),))
    execute("INSERT INTO {t}allocations (pool, key, address, owner) VALUES (1, ?, '2001:db8::1', 'c')", (k(v6 + 1),))


def _check_v2_migrated(url: str) -> None:
    with ipam.open(url) as store:
        assert getattr(store, "schema_version") == SCHEMA_VERSION
        rr = store.pool("rr")
        assert [(str(ip), o) for ip, o in rr.allocations()] == [("10.0.0.2", "b"), ("2001:db8::1", "c")]
        # the cursors survived the move into pools.ext: round robin continues after the last handed out
        assert rr.allocate("d") == IP("10.0.0.3")
        assert rr.allocate("e", version=6) == IP("2001:db8::2")
    with ipam.open(url) as store:
        assert store.pool("rr").allocate("f") == IP("10.0.0.4")


def test_migrations_are_numbered_in_order() -> None:
    assert [m.version for m in MIGRATIONS] == list(range(2, SCHEMA_VERSION + 1))


def _sqlite_columns(path: str) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(path) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {t: sorted((r[1], r[2].upper(), r[3], r[5]) for r in db.execute(f"PRAGMA table_info({t})")) for t in tables}


@pytest.mark.parametrize("old", ["v1", "v2"])
def test_sqlite_migrates_to_the_latest(tmp_path: Path, old: str) -> None:
    path = str(tmp_path / "old.db")
    with sqlite3.connect(path) as db:
        db.executescript(V1_SQLITE if old == "v1" else V2_SQLITE)
        (_v1_rows if old == "v1" else _v2_rows)(lambda sql, params: db.execute(sql.format(t=""), params))
    if old == "v2":
        _check_v2_migrated(f"sqlite:///{path}")
    else:
        with ipam.open(f"sqlite:///{path}") as store:
            assert store.pool("lan").allocate("b") == IP("10.0.0.3")
    fresh = str(tmp_path / "fresh.db")
    ipam.open(f"sqlite:///{fresh}").close()
    assert _sqlite_columns(path) == _sqlite_columns(fresh)  # a migrated database is laid out like a new one
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("SELECT value FROM meta").fetchall() == [(str(SCHEMA_VERSION),)]


def _pg_columns(conn: Any, schema: str) -> list[tuple[Any, ...]]:
    return conn.execute(
        "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns"
        " WHERE table_schema = %s ORDER BY 1, 2", (schema,)
    ).fetchall()


def _pg_constraints(conn: Any, schema: str) -> list[tuple[Any, ...]]:
    return conn.execute(
        "SELECT r.relname, c.contype, pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid"
        " JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = %s ORDER BY 1, 2, 3", (schema,)
    ).fetchall()


@pytest.mark.parametrize("old", ["v1", "v2"])
def test_postgres_migrates_to_the_latest(pg_url: str, pg_server: Any, old: str) -> None:
    import psycopg

    from test_store_postgres import _plain, _schema

    schema = _schema(pg_url)
    s = f'"{schema}"'
    if old == "v1":
        from test_store_subnet import test_postgres_migrates_version_1

        test_postgres_migrates_version_1(pg_url)  # builds a v1 schema, opens it, checks the data
    else:
        with psycopg.connect(_plain(pg_url), autocommit=True) as conn:
            for statement in _v2_pg(s):
                conn.execute(statement)
            # the counter rows an earlier fast path kept (version 4 databases have them): dropped by version 5
            conn.execute(f"""CREATE TABLE {s}.counts (pool bigint NOT NULL REFERENCES {s}.pools (id) ON DELETE CASCADE,
                             shard int NOT NULL, n bigint NOT NULL, PRIMARY KEY (pool, shard))""")
            _v2_rows(lambda sql, params: conn.execute(sql.format(t=s + ".").replace("?", "%s"), params))
            conn.execute(f"INSERT INTO {s}.counts VALUES (1, 0, 50)")
        _check_v2_migrated(pg_url)
        with ipam.open(pg_url) as store:
            assert store.pool("rr").stats().allocated == 5  # the rows counted (not the stale counter)
    fresh = schema + "_fresh"
    try:
        ipam.open(f"{_plain(pg_url)}&schema={fresh}").close()
        with psycopg.connect(_plain(pg_url), autocommit=True) as conn:
            assert _pg_columns(conn, schema) == _pg_columns(conn, fresh)
            assert _pg_constraints(conn, schema) == _pg_constraints(conn, fresh)
            # no foreign keys on PostgreSQL (deletion takes the pool's exclusive lock), no counter table
            assert "f" not in {kind for _, kind, _ in _pg_constraints(conn, schema)}
            assert "counts" not in {row[0] for row in _pg_columns(conn, schema)}
            assert conn.execute(f"SELECT value FROM {s}.meta").fetchall() == [(str(SCHEMA_VERSION),)]
    finally:
        with psycopg.connect(_plain(pg_url), autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{fresh}" CASCADE')


def test_foreign_sqlite_database_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
    with pytest.raises(StoreError, match=r"tables netx did not create \(users\).*not a netx IPAM database"):
        ipam.open(f"sqlite:///{path}")
    with sqlite3.connect(path) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    assert tables == ["users"]


def test_foreign_postgres_schema_is_left_alone(pg_url: str) -> None:
    import psycopg

    from test_store_postgres import _plain, _schema

    with psycopg.connect(_plain(pg_url), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{_schema(pg_url)}"')
        conn.execute(f'CREATE TABLE "{_schema(pg_url)}".orders (id int)')
    with pytest.raises(StoreError, match=r"\(orders\).*not a netx IPAM database"):
        ipam.open(pg_url)


def test_reading_creates_nothing(tmp_path: Path, pg_url: str) -> None:
    import psycopg

    from test_store_postgres import _plain, _schema

    path = tmp_path / "typo.db"
    with pytest.raises(StoreNotFound, match="no IPAM store at .*typo.db") as info:
        ipam.open(f"sqlite:///{path}", create=False)
    assert isinstance(info.value, IPAMError) and info.value.url == f"sqlite:///{path}"
    assert not path.exists()
    sqlite3.connect(path).close()  # an empty file: no tables, still nothing created in it
    with pytest.raises(StoreNotFound):
        ipam.open(f"sqlite:///{path}", create=False)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,)
    with pytest.raises(StoreNotFound, match="no IPAM store at schema"):
        ipam.open(pg_url, create=False)
    with psycopg.connect(_plain(pg_url)) as conn:
        assert conn.execute("SELECT to_regnamespace(%s)", (_schema(pg_url),)).fetchone() == (None,)
    # once created, a read-only open works
    with ipam.open(f"sqlite:///{path}") as store:
        store.create_pool("lan", "10.0.0.0/30")
    with ipam.open(f"sqlite:///{path}", create=False) as store:
        assert store.pools() == ["lan"]


@pytest.mark.parametrize("url", ["sqlite:///:memory:", "sqlite:///file:x.db"])
def test_sqlite_memory_database_is_refused(url: str) -> None:
    with pytest.raises(IPAMError, match="memory://"):
        ipam.open(url)


def test_bare_paths_get_a_hint() -> None:
    with pytest.raises(IPAMError, match=r"sqlite:////abs/path\.db"):
        ipam.open("/abs/path.db")
    with pytest.raises(IPAMError, match=r"sqlite:///rel\.db"):
        ipam.open("rel.db")


def test_env_url_errors_name_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NETX_IPAM_URL", "bogus://x")
    with pytest.raises(IPAMError, match=r"'bogus://x'.*from the NETX_IPAM_URL environment variable"):
        ipam.open()
    with pytest.raises(IPAMError) as info:  # an explicit URL is not blamed on the variable
        ipam.open("bogus://y")
    assert "NETX_IPAM_URL" not in str(info.value)
