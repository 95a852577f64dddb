"""SQLite store specifics: file locations, settings, schema and version, indexes, locking, integrity."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path

import pytest

import netx.ipam as ipam
from netx import IP
from netx.ipam import IPAMError
from netx.ipam.store import StoreError
from netx.ipam.store import sqlite as sqlite_backend
from netx.ipam.store._sql import SCHEMA_VERSION

from test_store import assert_partition


def _db(url: str) -> sqlite3.Connection:
    return sqlite3.connect(url[len("sqlite:///"):], check_same_thread=False)


def test_relative_path_is_in_the_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with ipam.open("sqlite:///ipam-rel.db") as store:
        store.create_pool("lan", "10.0.0.0/24")
    assert (tmp_path / "ipam-rel.db").exists()
    with ipam.open("sqlite:///" + str(tmp_path / "ipam-rel.db")) as store:
        assert store.pools() == ["lan"]


def test_settings(sqlite_url: str) -> None:
    with ipam.open(sqlite_url) as store:
        conn = store._conn  # type: ignore[attr-defined]
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert conn.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
        assert conn.execute("PRAGMA foreign_keys").fetchone() == (1,)


def test_schema_and_readable_rows(sqlite_url: str) -> None:
    with ipam.open(sqlite_url) as store:
        pool = store.create_pool("lan", "10.0.0.0/24", "2001:db8::/64", strategy="round_robin")
        pool.allocate("vm'1", ip="2001:db8::5")
        pool.allocate("vm2", ip="10.0.0.200")
        pool.allocate(None)
    with _db(sqlite_url) as db:
        assert db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (str(SCHEMA_VERSION),)
        rows = db.execute("SELECT address, owner, key FROM allocations ORDER BY key").fetchall()
        assert [(a, o) for a, o, _ in rows] == [("10.0.0.200", "vm2"), ("10.0.0.201", None), ("2001:db8::5", "vm'1")]
        assert all(len(k) == 17 for _, _, k in rows)
        assert [IP(a) for a, _, _ in rows] == sorted(IP(a) for a, _, _ in rows)
        name, spec, allocated, ext = db.execute("SELECT name, spec, allocated, ext FROM pools").fetchone()
        assert (name, allocated) == ("lan", 3)
        assert '"round_robin"' in spec
        # the round-robin cursors are the pool's extension state (keys as decimal text)
        assert json.loads(ext) == {
            "round_robin.4": str(int(IP("10.0.0.201"))), "round_robin.6": str(int(IP("2001:db8::5")) + (1 << 128))
        }
        free = db.execute("SELECT lo, hi FROM free ORDER BY lo").fetchall()
        assert len(free) == 4  # .1-.199, .202-.254, ::-::4, ::6-...


def test_every_primitive_uses_an_index(sqlite_url: str) -> None:
    """No pool call scans a table: each primitive is a B-tree search."""
    with ipam.open(sqlite_url) as store:
        q = store._q  # type: ignore[attr-defined]
        conn = store._conn  # type: ignore[attr-defined]
        key = bytes(17)
        cases = {
            "enter": (1,), "flush": (0, key, None, 1), "floor": (1, key, 1, key), "ceil": (1, key),
            "iter_first": (1, key, 16), "iter_after": (1, key, 16),
            "free_update": (key, key, 1, 1, key, key), "free_delete": (1, 1, key, key), "alloc_at": (1, key),
            "alloc_del": (1, key), "alloc_of": (1, "x"), "alloc_of_null": (1,),
            "alloc_iter_first": (1, key, 16), "alloc_iter_after": (1, key, 16), "alloc_any": (1,),
            "pool_by_name": ("x",), "free_drop": (1,), "alloc_drop": (1,), "pool_delete": (1,),
            "alloc_floor": (1, key),
        }
        for name, params in cases.items():
            plan = " | ".join(row[-1] for row in conn.execute("EXPLAIN QUERY PLAN " + getattr(q, name), params))
            assert "SEARCH" in plan, (name, plan)
            assert "SCAN" not in plan.replace("SCAN a", "").replace("SCAN b", ""), (name, plan)  # subquery rows
            assert "TEMP B-TREE" not in plan, (name, plan)


def test_newer_schema_is_refused(sqlite_url: str) -> None:
    ipam.open(sqlite_url).close()
    with _db(sqlite_url) as db:
        db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),))
    with pytest.raises(StoreError, match="newer than.*upgrade netx"):
        ipam.open(sqlite_url)
    with _db(sqlite_url) as db:
        db.execute("UPDATE meta SET value = 'x' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="schema_version"):
        ipam.open(sqlite_url)


def test_not_a_netx_database(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="cannot open IPAM store"):
        ipam.open(f"sqlite:///{junk}")
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE pools (x)")
    with pytest.raises(StoreError, match="not a netx IPAM database"):
        ipam.open(f"sqlite:///{other}")
    with pytest.raises(StoreError, match="cannot open IPAM store"):
        ipam.open(f"sqlite:///{tmp_path}/no/such/dir/x.db")


def test_primary_key_is_a_hard_backstop(sqlite_url: str) -> None:
    """Should the tables ever disagree, the store refuses the duplicate and changes nothing."""
    with ipam.open(sqlite_url) as store:
        pool = store.create_pool("lan", "10.0.0.0/29")
        pool.allocate("a")
        with _db(sqlite_url) as db:  # corrupt: record 10.0.0.2 as allocated while it is still free
            db.execute(
                "INSERT INTO allocations (pool, key, address, owner) VALUES (1, ?, '10.0.0.2', 'rogue')",
                (int(IP("10.0.0.2")).to_bytes(17, "big"),),
            )
        before = pool.free_set()
        with pytest.raises(StoreError, match="integrity"):
            pool.allocate("b")
        assert pool.free_set() == before
        assert pool.owner_of("10.0.0.2") == "rogue"
        assert pool.stats().allocated == 1  # the counter was rolled back too


def test_waits_for_another_writer(sqlite_url: str) -> None:
    with ipam.open(sqlite_url) as store:
        pool = store.create_pool("lan", "10.0.0.0/29")
        blocker = _db(sqlite_url)
        blocker.isolation_level = None
        blocker.execute("BEGIN IMMEDIATE")
        timer = threading.Timer(0.3, lambda: blocker.execute("COMMIT"))
        start = time.monotonic()
        timer.start()
        try:
            assert pool.allocate("x") == IP("10.0.0.1")
        finally:
            timer.join()
            blocker.close()
        assert time.monotonic() - start >= 0.25


def test_gives_up_when_locked_too_long(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sqlite_backend, "BUSY_TIMEOUT", 0.2)
    with ipam.open(sqlite_url) as store:
        pool = store.create_pool("lan", "10.0.0.0/29")
        blocker = _db(sqlite_url)
        blocker.isolation_level = None
        blocker.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(StoreError, match="locked"):
                pool.allocate("x")
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        assert pool.allocate("x") == IP("10.0.0.1")
        assert_partition(pool)


def test_integrity_after_heavy_use(sqlite_url: str) -> None:
    with ipam.open(sqlite_url) as store:
        pool = store.create_pool("lan", "10.0.0.0/20", "2001:db8::/64")
        ips = pool.allocate_many(3000, "bulk")
        for ip in ips[::3]:
            pool.release(ip)
        pool.allocate_many(500, "again", version=6)
        assert_partition(pool)
    with _db(sqlite_url) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []


# -- reads and open() take no write lock; a read-only file system says so -----------------------


def test_open_and_reads_do_not_wait_for_a_stuck_writer(sqlite_url: str) -> None:
    import time

    from netx.ipam import StoreError

    with ipam.open(sqlite_url) as store:
        store.create_pool("lan", "10.0.0.0/24").allocate("a")
    path = sqlite_url[len("sqlite:///"):]
    stuck = sqlite3.connect(path, isolation_level=None)
    stuck.execute("BEGIN IMMEDIATE")  # a writer that never commits (stopped, or hung)
    stuck.execute("UPDATE meta SET value = value")
    try:
        started = time.monotonic()
        with ipam.open(sqlite_url + "?timeout=0.5") as store:  # no write lock needed to open
            pool = store.pool("lan")
            assert pool.owner_of("10.0.0.1") == "a"
            assert pool.stats().allocated == 1
            assert [str(ip) for ip, _ in pool.allocations()] == ["10.0.0.1"]
            assert store.pools() == ["lan"]
            with pytest.raises(StoreError, match=r"stayed locked by another connection for over 0\.5 s"):
                pool.allocate("b")
        assert time.monotonic() - started < 20
    finally:
        stuck.rollback()
        stuck.close()


def test_read_only_file_system_is_named(tmp_path: Any) -> None:
    import subprocess

    from netx.ipam import StoreError

    src, ro = tmp_path / "src", tmp_path / "ro"
    src.mkdir()
    ro.mkdir()
    with ipam.open(f"sqlite:///{src}/ipam.db") as store:
        store.create_pool("lan", "10.0.0.0/24")
    mounted = subprocess.run(["mount", "--bind", "-o", "ro", str(src), str(ro)], capture_output=True).returncode == 0
    if not mounted:
        pytest.skip("cannot mount a read-only file system here (needs root)")
    try:
        with pytest.raises(StoreError, match="is on a read-only file system"):
            ipam.open(f"sqlite:///{ro}/ipam.db")
    finally:
        subprocess.run(["umount", str(ro)], check=True)


@pytest.mark.parametrize(
    "sql, what",
    [
        ("UPDATE pools SET ext = 'not json'", "pools.ext"),
        ("UPDATE pools SET ext = '[1]'", "pools.ext"),
        ("""UPDATE pools SET ext = '{"round_robin.4": "x"}'""", "round_robin.4"),
        ("""UPDATE pools SET ext = '{"round_robin.4": 7}'""", "round_robin.4"),
        ("UPDATE allocations SET owner = x'ff00'", "owner"),
        ("UPDATE allocations SET expires = 'abc'", "expires"),
        ("UPDATE allocations SET expires = 1e308", "expires"),
    ],
)
def test_corrupt_rows_are_store_errors(sqlite_url: str, sql: str, what: str) -> None:
    """A row no netx wrote (a damaged file, a hand edit) is a StoreError naming the store and what is wrong,
    never 'unexpected JSONDecodeError / ValueError / OverflowError ... probably a bug in netx'."""
    import io

    from netx.ipam.transfer import export_store, write_export

    with ipam.open(sqlite_url) as store:
        pool = store.create_pool("lan", "10.0.0.0/29", strategy="round_robin")
        pool.allocate("web", ttl=3600)
    with sqlite3.connect(sqlite_url.removeprefix("sqlite:///")) as conn:
        conn.execute(sql)
    failed = 0
    with ipam.open(sqlite_url) as store:
        pool = store.pool("lan")
        for call in (pool.allocate, lambda: list(pool.allocations()), lambda: list(pool.leases()),
                     pool.stats, lambda: export_store(store), lambda: write_export(store, io.BytesIO())):
            try:
                call()
            except StoreError as exc:
                assert "corrupt" in str(exc) and what in str(exc) and exc.url == sqlite_url, exc
                failed += 1
    assert failed
