"""Durable subnet pools: ``store.create_subnet_pool`` / ``store.subnet_pool`` on every backend.

A store's subnet pool runs the one ``SubnetPool`` algorithm on the store's state, so
the tests replay the same calls on an in-memory ``SubnetPool`` and on the store's and
compare every result; then kinds, deletion, reopening, rollback, schema migration from
version 1, and four processes carving one parent at once.
"""

from __future__ import annotations

import random
import sqlite3
from collections import Counter
from typing import Any

import pytest

import netx.ipam as ipam
from netx import IP, IPNet, IPSet, NetxError
from netx.ipam import AlreadyAllocated, IPAMError, NotInPool, Pool, PoolExhausted, Reserved, SubnetPool
from netx.ipam.store import PoolExists, PoolNotFound, StoreError
from netx.ipam.store._sql import SCHEMA_VERSION

from test_store import assert_partition, outcome
from test_store_concurrency import check_integrity, kill_mid_stream, run_workers


PARENTS = ("10.0.0.0/22", "10.8.0.0/24", "2001:db8::/56")
RESERVE = ["10.0.1.0/26", "10.8.0.7"]


def test_create_and_get(store_url: str) -> None:
    with ipam.open(store_url) as store:
        pool = store.create_subnet_pool("nodes", *PARENTS, reserve=RESERVE)
        assert isinstance(pool, SubnetPool) and pool.name == "nodes"
        assert pool.parents == tuple(IPNet(p) for p in PARENTS)
        assert repr(pool).startswith("SubnetPool(name='nodes', '10.0.0.0/22'")
        assert pool.allocate(24, "a") == IPNet("10.0.0.0/24")
        again = store.subnet_pool("nodes")
        assert again.spec == pool.spec and again.spec.kind == "subnet"
        assert again.owner_of("10.0.0.77") == "a"
        assert store.get("nodes").spec.kind == "subnet"
        with pytest.raises(PoolExists):
            store.create_subnet_pool("nodes", "10.9.0.0/16")
        with pytest.raises(PoolNotFound):
            store.subnet_pool("nope")


def test_kinds_do_not_mix(store_url: str) -> None:
    with ipam.open(store_url) as store:
        store.create_pool("lan", "192.168.0.0/24")
        store.create_subnet_pool("blocks", "10.0.0.0/16")
        assert store.pools() == ["blocks", "lan"]
        assert store.pool_kinds() == {"blocks": "subnet", "lan": "address"}
        assert list(store.pool_kinds()) == ["blocks", "lan"]
        with pytest.raises(IPAMError, match=r"'blocks' is a subnet pool, not an address pool.*subnet_pool\(\)"):
            store.pool("blocks")
        with pytest.raises(IPAMError, match=r"'lan' is an address pool, not a subnet pool.*store\.pool\(\)"):
            store.subnet_pool("lan")
        assert isinstance(store.get("lan"), Pool) and isinstance(store.get("blocks"), SubnetPool)


def test_bad_specs(store_url: str) -> None:
    with ipam.open(store_url) as store:
        with pytest.raises(IPAMError, match="at least one parent"):
            store.create_subnet_pool("x")
        with pytest.raises(IPAMError, match="overlap"):
            store.create_subnet_pool("x", "10.0.0.0/16", "10.0.1.0/24")
        with pytest.raises(NotInPool):
            store.create_subnet_pool("x", "10.0.0.0/16", reserve=["10.1.0.0/24"])
        with pytest.raises(NetxError, match="host bits set"):
            store.create_subnet_pool("x", "10.0.0.1/16")  # host bits set
        with pytest.raises(TypeError):
            store.create_subnet_pool(3, "10.0.0.0/16")  # type: ignore[arg-type]
        assert store.pools() == []


def test_delete_subnet_pool(store_url: str) -> None:
    with ipam.open(store_url) as store:
        pool = store.create_subnet_pool("nodes", "10.0.0.0/16")
        pool.allocate(24, "n1")
        with pytest.raises(IPAMError, match="still has 1 allocation"):
            store.delete_pool("nodes")
        store.delete_pool("nodes", force=True)
        assert store.pools() == []
        with pytest.raises(PoolNotFound, match="no longer exists"):
            pool.allocate(24)
        store.create_subnet_pool("nodes", "10.0.0.0/16").allocate(26)  # the name is free again, fresh state
        assert [str(n) for n, _ in store.subnet_pool("nodes").allocations()] == ["10.0.0.0/26"]


def _workload(pool: SubnetPool, rng: random.Random, steps: int) -> list[Any]:
    """A random mix of every method; the list of outcomes."""
    results: list[Any] = []
    held: list[IPNet] = []
    for _ in range(steps):
        r = rng.random()
        if r < 0.45:
            plen = rng.choice([24, 26, 28, 30, 32, 60, 64, 120])
            res = outcome(lambda: pool.allocate(plen, rng.choice(["a", "b", None])))
            if isinstance(res, IPNet):
                held.append(res)
        elif r < 0.55:
            net = IPNet(rng.choice(["10.0.2.0/25", "10.0.1.0/27", "10.8.0.4/30", "2001:db8::/64", "10.0.3.16/28"]))
            res = outcome(lambda: pool.allocate(subnet=net, owner="pinned"))
            if isinstance(res, IPNet):
                held.append(res)
        elif r < 0.6:
            res = outcome(lambda: pool.allocate_many(3, 28, "many", version=4))
            if isinstance(res, list):
                held += res
        elif r < 0.75 and held:
            res = outcome(lambda: pool.release(held.pop(rng.randrange(len(held)))))
        elif r < 0.8:
            res = outcome(lambda: pool.release_owner(rng.choice(["a", "b", None])))
            held = [n for n, _ in pool.allocations()]
        elif r < 0.85:
            res = outcome(lambda: pool.release("10.0.0.0/25"))  # mostly not an allocation as given
        else:
            probe = rng.choice(["10.0.0.1", "10.0.2.0/26", "10.8.0.9", "2001:db8::5", "10.0.3.200"])
            res = [outcome(lambda: pool.owner_of(probe)), outcome(lambda: pool.subnet_of(probe))]
        results.append(res)
    results += [list(pool.allocations()), pool.stats(), pool.free_set()]
    results += [pool.subnets_of(o) for o in ("a", "b", None, "many", "pinned")]
    return results


@pytest.mark.parametrize("seed", [1, 2])
def test_random_workload_matches_memory(store_url: str, seed: int) -> None:
    memory = SubnetPool(*PARENTS, reserve=RESERVE)
    with ipam.open(store_url) as store:
        stored = store.create_subnet_pool("nodes", *PARENTS, reserve=RESERVE)
        assert _workload(stored, random.Random(seed), 150) == _workload(memory, random.Random(seed), 150)
        assert_partition(stored)
        assert_partition(memory)


def test_errors_match_memory(store_url: str) -> None:
    with ipam.open(store_url) as store:
        pool = store.create_subnet_pool("nodes", "10.0.0.0/24", reserve=["10.0.0.200"])
        pool.allocate(26, "a")
        with pytest.raises(AlreadyAllocated, match=r"overlaps '10\.0\.0\.0/26'.*subnet pool 'nodes' \(owner 'a'\)"):
            pool.allocate(subnet="10.0.0.32/27")
        with pytest.raises(Reserved):
            pool.allocate(subnet="10.0.0.192/26")
        with pytest.raises(NotInPool):
            pool.allocate(subnet="10.0.1.0/26")
        with pytest.raises(IPAMError, match="can hold a /16"):
            pool.allocate(16)
        with pytest.raises(PoolExhausted, match="has 2 free /26, 3 requested"):
            pool.allocate_many(3, 26, "x")
        assert [str(n) for n, _ in pool.allocations()] == ["10.0.0.0/26"]  # all or nothing
        assert pool.release("10.0.0.0/26") and not pool.release("10.0.0.0/26")


def test_reopen_and_huge_counts(durable_url: str) -> None:
    with ipam.open(durable_url) as store:
        pool = store.create_subnet_pool("v6", "2001:db8::/32", "10.0.0.0/8")
        big = pool.allocate(33, "half")
        nets = [pool.allocate(64, f"n{i}") for i in range(3)]
        pool.allocate(16, "v4")
    with ipam.open(durable_url) as store:
        pool = store.subnet_pool("v6")
        assert pool.owner_of(big) == "half" and pool.subnets_of("n2") == [nets[2]]
        assert nets[0] == IPNet("2001:db8:8000::/64")
        stats = pool.stats()
        assert stats.allocated == 2**95 + 3 * 2**64 + 2**16
        assert stats.free == 2**96 + 2**24 - stats.allocated
        assert pool.release_owner("half") == [big]
        assert pool.stats().allocated == 3 * 2**64 + 2**16
        assert_partition(pool)
        assert pool.free_set() == IPSet(["2001:db8::/32", "10.0.0.0/8"]) - IPSet([*nets, "10.0.0.0/16"])


def test_failure_mid_call_rolls_back(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with ipam.open(store_url) as store:
        pool = store.create_subnet_pool("nodes", "10.0.0.0/24")
        pool.allocate(26, "a")
        before = (list(pool.allocations()), pool.stats(), pool.free_set())
        cls = type(pool._state)

        def broken(self: Any, items: Any) -> None:
            raise RuntimeError("disk on fire")

        monkeypatch.setattr(cls, "alloc_put", broken)
        with pytest.raises(RuntimeError):
            pool.allocate_many(1, 26, "b")
        if not store_url.startswith("postgresql"):  # PostgreSQL's allocate() is one statement: below
            with pytest.raises(RuntimeError):
                pool.allocate(26, "b")
        monkeypatch.undo()
        assert (list(pool.allocations()), pool.stats(), pool.free_set()) == before


def test_postgres_carve_is_atomic(pg_url: str) -> None:
    """``netx_carve`` fails after cutting the free interval (its INSERT is refused): nothing of it stays."""
    import psycopg
    from test_store_postgres import _plain

    with ipam.open(pg_url) as store:
        pool = store.create_subnet_pool("nodes", "10.0.0.0/24")
        pool.allocate(26, "a")
        before = (list(pool.allocations()), pool.stats(), pool.free_set())
        with psycopg.connect(_plain(pg_url), autocommit=True) as conn:
            schema = store.schema  # type: ignore[attr-defined]
            conn.execute(f'ALTER TABLE "{schema}".allocations ADD CONSTRAINT no_b CHECK (owner <> \'b\')')
            try:
                with pytest.raises(StoreError, match="no_b"):
                    pool.allocate(26, "b")
                assert (list(pool.allocations()), pool.stats(), pool.free_set()) == before
            finally:
                conn.execute(f'ALTER TABLE "{schema}".allocations DROP CONSTRAINT no_b')
        assert pool.allocate(26, "b") == IPNet("10.0.0.64/26")


# -- migration from schema version 1 -------------------------------------------------------------

V1_SQLITE = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE pools (
    id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, spec TEXT NOT NULL,
    cursor4 BLOB, cursor6 BLOB, allocated INTEGER NOT NULL DEFAULT 0,
    created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')));
CREATE TABLE free (
    pool INTEGER NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
    hi BLOB NOT NULL CHECK (length(hi) = 17), lo BLOB NOT NULL CHECK (length(lo) = 17 AND lo <= hi),
    PRIMARY KEY (pool, hi)) WITHOUT ROWID;
CREATE TABLE allocations (
    pool INTEGER NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
    key BLOB NOT NULL CHECK (length(key) = 17), address TEXT NOT NULL, owner TEXT,
    PRIMARY KEY (pool, key)) WITHOUT ROWID;
CREATE INDEX allocations_owner ON allocations (pool, owner, key);
INSERT INTO meta VALUES ('schema_version', '1');
"""


def _v1_rows(execute: Any) -> None:
    """A v1 pool 'lan' over 10.0.0.0/29 with .1 and .2 allocated (what netx 1 wrote for it)."""
    spec = '{"format":1,"gateway":null,"ranges":["10.0.0.0/29"],"reserve":[],"strategy":"lowest"}'
    k = lambda i: (i).to_bytes(17, "big")  # noqa: E731
    base = int.from_bytes(bytes([10, 0, 0, 0]), "big")
    execute("INSERT INTO {t}pools (name, spec, allocated) VALUES ('lan', ?, 2)", (spec,))
    execute("INSERT INTO {t}free (pool, lo, hi) VALUES (1, ?, ?)", (k(base + 3), k(base + 6)))
    for i, owner in ((1, "a"), (2, None)):
        execute("INSERT INTO {t}allocations VALUES (1, ?, ?, ?)", (k(base + i), f"10.0.0.{i}", owner))


def _check_migrated(url: str) -> None:
    with ipam.open(url) as store:
        assert store.pool_kinds() == {"lan": "address"}
        lan = store.pool("lan")
        assert [(str(ip), o) for ip, o in lan.allocations()] == [("10.0.0.1", "a"), ("10.0.0.2", None)]
        assert lan.stats().allocated == 2 and lan.allocate("b") == IP("10.0.0.3")
        assert lan.release("10.0.0.1") and lan.stats().allocated == 2
        nodes = store.create_subnet_pool("nodes", "10.1.0.0/16")
        assert nodes.allocate(24, "n") == IPNet("10.1.0.0/24")
    with ipam.open(url) as store:  # opening again: already version 2, nothing to do
        assert store.subnet_pool("nodes").stats().allocated == 256
        assert store.pool("lan").addresses_of("b") == [IP("10.0.0.3")]


def test_sqlite_migrates_version_1(sqlite_url: str) -> None:
    path = sqlite_url[len("sqlite:///"):]
    with sqlite3.connect(path) as db:
        db.executescript(V1_SQLITE)
        _v1_rows(lambda sql, params: db.execute(sql.format(t=""), params))
    _check_migrated(sqlite_url)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (str(SCHEMA_VERSION),)
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("SELECT address, last_key IS NOT NULL FROM allocations WHERE pool = 2").fetchall() == [
            ("10.1.0.0/24", 1)
        ]


def test_postgres_migrates_version_1(pg_url: str) -> None:
    import psycopg

    from test_store_postgres import _plain, _schema

    schema = _schema(pg_url)
    s = f'"{schema}"'
    ddl = [
        f"CREATE SCHEMA {s}",
        f"CREATE TABLE {s}.meta (key text PRIMARY KEY, value text NOT NULL)",
        f"""CREATE TABLE {s}.pools (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL UNIQUE,
            spec text NOT NULL, cursor4 bytea, cursor6 bytea, allocated bigint NOT NULL DEFAULT 0,
            created timestamptz NOT NULL DEFAULT now())""",
        f"""CREATE TABLE {s}.free (pool bigint NOT NULL REFERENCES {s}.pools (id) ON DELETE CASCADE,
            hi bytea NOT NULL CHECK (length(hi) = 17), lo bytea NOT NULL CHECK (length(lo) = 17 AND lo <= hi),
            PRIMARY KEY (pool, hi))""",
        f"""CREATE TABLE {s}.allocations (pool bigint NOT NULL REFERENCES {s}.pools (id) ON DELETE CASCADE,
            key bytea NOT NULL CHECK (length(key) = 17), address inet NOT NULL, owner text,
            PRIMARY KEY (pool, key))""",
        f"CREATE INDEX allocations_owner ON {s}.allocations (pool, owner, key)",
        f"INSERT INTO {s}.meta VALUES ('schema_version', '1')",
    ]
    with psycopg.connect(_plain(pg_url), autocommit=True) as conn:
        for statement in ddl:
            conn.execute(statement)
        _v1_rows(lambda sql, params: conn.execute(sql.format(t=s + ".").replace("?", "%s"), params))
    _check_migrated(pg_url)
    with psycopg.connect(_plain(pg_url), autocommit=True) as conn:
        assert conn.execute(f"SELECT value FROM {s}.meta").fetchone() == (str(SCHEMA_VERSION),)
        rows = conn.execute(f"SELECT host(address), masklen(address) FROM {s}.allocations WHERE pool = 2").fetchall()
        assert rows == [("10.1.0.0", 24)]


# -- processes ----------------------------------------------------------------------------------


def test_four_processes_carve_without_overlap(durable_url: str) -> None:
    per_worker = 60
    with ipam.open(durable_url) as store:
        store.create_subnet_pool("blocks", "10.0.0.0/16", reserve=["10.0.0.0/24"])
    handed = run_workers("subnet", durable_url, "blocks", str(per_worker), "26")
    everything = [net for nets in handed.values() for net in nets]
    assert all(len(nets) == per_worker for nets in handed.values())
    assert [n for n, c in Counter(everything).items() if c > 1] == []
    assert IPSet(everything).size == len(everything) * 64  # no two blocks overlap
    with ipam.open(durable_url) as store:
        pool = store.subnet_pool("blocks")
        recorded = {str(net): owner for net, owner in pool.allocations()}
        assert recorded == {net: owner for owner, nets in handed.items() for net in nets}
        # lowest first across all workers: exactly the lowest 240 /26s above the reserved /24
        assert sorted(IPNet(n) for n in recorded) == [IPNet(f"10.0.{1 + i // 4}.{i % 4 * 64}/26") for i in range(240)]
        assert_partition(pool)


def test_killed_carver_loses_nothing(durable_url: str) -> None:
    """SIGKILL a process carving /28s mid-stream: every subnet it printed is recorded, none overlap."""
    with ipam.open(durable_url) as store:
        store.create_subnet_pool("blocks", "10.0.0.0/16", "2001:db8::/56")
    rng = random.Random(11)
    printed: list[str] = []
    for round_ in range(2):
        printed += kill_mid_stream(rng, "subnet-loop", durable_url, "blocks", f"crash{round_}", "28")
        check_integrity(durable_url)
        with ipam.open(durable_url) as store:
            pool = store.subnet_pool("blocks")
            recorded = {str(net): owner for net, owner in pool.allocations()}
            assert [n for n in printed if n not in recorded] == [], f"round {round_}: returned but not recorded"
            assert 0 <= len(recorded) - len(printed) <= round_ + 1
            assert IPSet(recorded).size == len(recorded) * 16  # no two blocks overlap
            assert_partition(pool)
    with ipam.open(durable_url) as store:
        fresh = store.subnet_pool("blocks").allocate(28, "after")
        assert str(fresh) not in printed


def test_postgres_key_arithmetic(pg_url: str) -> None:
    """``netx_num`` / ``netx_key`` (the carve's keys as numbers and back) are exact over all 17 bytes."""
    rng = random.Random(7)
    values = [0, 1, 255, 256, 2**63 - 1, 2**63, 2**64 - 1, 2**64, 2**127, 2**128 - 1, 2**128, 2**129 - 1, 2**136 - 1]
    values += [rng.randrange(2**136) for _ in range(200)] + [2**128 + rng.randrange(2**128) for _ in range(100)]
    with ipam.open(pg_url) as store:
        schema = f'"{store.schema}"'  # type: ignore[attr-defined]
        conn = store._conn  # type: ignore[attr-defined]
        for v in values:
            key, number = conn.execute(
                f"SELECT {schema}.netx_key(%s::numeric), {schema}.netx_num(%s)", (v, v.to_bytes(17, "big"))
            ).fetchone()
            assert (bytes(key), int(number)) == (v.to_bytes(17, "big"), v)
        conn.rollback()
