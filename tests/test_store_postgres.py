"""PostgreSQL store specifics: schemas, schema version, readable rows, indexes, reconnects, concurrent setup."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

import netx.ipam as ipam
from netx import IP
from netx.ipam import IPAMError
from netx.ipam.store import StoreError
from netx.ipam.store._sql import SCHEMA_VERSION, kb

from test_store import assert_partition

psycopg = pytest.importorskip("psycopg")


def _schema(url: str) -> str:
    return url.rsplit("schema=", 1)[1]


def _plain(url: str) -> str:
    return url.rsplit("&schema=", 1)[0]


def test_default_schema_is_netx(pg_server: Any) -> None:
    try:
        with ipam.open(pg_server.url) as store:
            assert store.schema == "netx"
            store.create_pool("lan", "10.0.0.0/24").allocate("x")
        with psycopg.connect(pg_server.url) as conn:
            assert conn.execute("SELECT host(address), owner FROM netx.allocations").fetchall() == [("10.0.0.1", "x")]
        with ipam.open(pg_server.url.replace("postgresql://", "postgres://")) as store:
            assert store.pools() == ["lan"]
    finally:
        with psycopg.connect(pg_server.url, autocommit=True) as conn:
            conn.execute("DROP SCHEMA IF EXISTS netx CASCADE")


def test_schemas_are_separate_stores(pg_url: str) -> None:
    other = _plain(pg_url) + "&schema=" + _schema(pg_url) + "_b"
    try:
        with ipam.open(pg_url) as one, ipam.open(other) as two:
            one.create_pool("lan", "10.0.0.0/24")
            assert two.pools() == []
            two.create_pool("lan", "10.9.0.0/24")
            assert one.pool("lan").allocate() == IP("10.0.0.1")
            assert two.pool("lan").allocate() == IP("10.9.0.1")
    finally:
        with psycopg.connect(_plain(pg_url), autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{_schema(other)}" CASCADE')


def test_readable_rows(pg_url: str) -> None:
    schema = _schema(pg_url)
    with ipam.open(pg_url) as store:
        pool = store.create_pool("lan", "10.0.0.0/24", "2001:db8::/64")
        pool.allocate("vm'1", ip="2001:db8::5")
        pool.allocate_many(3, "web")
    with psycopg.connect(_plain(pg_url)) as conn:
        assert conn.execute(f'SELECT value FROM "{schema}".meta WHERE key = %s', ("schema_version",)).fetchone() == (
            str(SCHEMA_VERSION),
        )
        rows = conn.execute(f'SELECT host(address), owner FROM "{schema}".allocations ORDER BY key').fetchall()
        assert rows == [("10.0.0.1", "web"), ("10.0.0.2", "web"), ("10.0.0.3", "web"), ("2001:db8::5", "vm'1")]
        # address is an inet column: people can query it with PostgreSQL's network operators
        inside = conn.execute(
            f"SELECT count(*) FROM \"{schema}\".allocations WHERE address << inet '10.0.0.0/30'"
        ).fetchone()
        assert inside == (3,)
        # no counter to trust or to get wrong: the rows are counted (what stats() does too)
        assert conn.execute(
            f'SELECT p.name, count(a.key) FROM "{schema}".pools p JOIN "{schema}".allocations a ON a.pool = p.id'
            " GROUP BY p.name"
        ).fetchall() == [("lan", 4)]


def test_primitives_can_use_indexes(pg_url: str) -> None:
    with ipam.open(pg_url) as store:
        store.create_pool("lan", "10.0.0.0/24")
        q = store._q  # type: ignore[attr-defined]
    key = bytes(17)
    cases = {
        "enter": (1,), "floor": (1, key, 1, key), "ceil": (1, key), "iter_after": (1, key, 16),
        "free_update": (key, key, 1, 1, key, key), "free_delete": (1, 1, key, key),
        "alloc_at": (1, key), "alloc_of": (1, "x"), "alloc_of_null": (1,), "alloc_iter_first": (1, key, 16),
        "alloc_iter_after": (1, key, 16), "alloc_floor": (1, key),
    }
    with psycopg.connect(_plain(pg_url)) as conn:
        conn.execute("SET enable_seqscan = off")
        for name, params in cases.items():
            plan = "\n".join(row[0] for row in conn.execute("EXPLAIN " + getattr(q, name), params))
            assert "Index" in plan and "Seq Scan" not in plan, (name, plan)


def test_newer_schema_is_refused(pg_url: str) -> None:
    ipam.open(pg_url).close()
    with psycopg.connect(_plain(pg_url), autocommit=True) as conn:
        conn.execute(f'UPDATE "{_schema(pg_url)}".meta SET value = %s', (str(SCHEMA_VERSION + 1),))
    with pytest.raises(StoreError, match="newer than.*upgrade netx"):
        ipam.open(pg_url)


def test_reconnects_after_losing_the_connection(pg_url: str) -> None:
    with ipam.open(pg_url) as store:
        pool = store.create_pool("lan", "10.0.0.0/24")
        assert pool.allocate() == IP("10.0.0.1")
        pid = store._conn.info.backend_pid  # type: ignore[attr-defined]
        with psycopg.connect(_plain(pg_url), autocommit=True) as conn:
            conn.execute("SELECT pg_terminate_backend(%s, 10000)", (pid,))  # returns once it is gone
        assert pool.allocate() == IP("10.0.0.2")
        assert store._conn.info.backend_pid != pid  # type: ignore[attr-defined]
        assert_partition(pool)


def test_concurrent_first_opens_create_the_schema_once(pg_url: str) -> None:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with ipam.open(pg_url) as store:
                store.pools()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_text_postgres_cannot_hold(pg_url: str) -> None:
    with ipam.open(pg_url) as store:
        pool = store.create_pool("lan", "10.0.0.0/29")
        with pytest.raises(IPAMError, match="contains a NUL character"):  # bad input, as on every store
            pool.allocate("nul\x00owner")
        assert pool.stats().allocated == 0
        assert pool.allocate("fine") == IP("10.0.0.1")
        assert_partition(pool)


def test_owners_are_utf8_whatever_the_client_encoding(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path sends owners as UTF-8 bytes: the store's sessions say so, whatever libpq's default."""
    monkeypatch.setenv("PGCLIENTENCODING", "LATIN1")
    with ipam.open(pg_url) as store:
        lowest = store.create_pool("lan", "10.0.0.0/29")
        rand = store.create_pool("rnd", "10.1.0.0/29", strategy="random")
        assert lowest.allocate("日本語 🌐 ü") == IP("10.0.0.1")
        ip = rand.allocate("ü 日本語 🌐")
    monkeypatch.delenv("PGCLIENTENCODING")
    with psycopg.connect(_plain(pg_url)) as conn:
        rows = conn.execute(f'SELECT owner FROM "{_schema(pg_url)}".allocations ORDER BY owner').fetchall()
        assert rows == [("ü 日本語 🌐",), ("日本語 🌐 ü",)]
    with ipam.open(pg_url) as store:
        assert store.pool("rnd").owner_of(ip) == "ü 日本語 🌐"


def test_allocate_runs_prepared_statements(pg_url: str) -> None:
    """``allocate()`` on ``lowest`` / ``random`` (and ``SubnetPool.allocate``) sends statements prepared on its
    connection (once), by name."""
    with ipam.open(pg_url) as store:
        lowest = store.create_pool("lan", "10.0.0.0/24")
        rand = store.create_pool("rnd", "10.1.0.0/24", strategy="random")
        for i in range(3):
            lowest.allocate(f"a{i}")
            rand.allocate(f"b{i}")
        conn = store._conn  # type: ignore[attr-defined]
        names = [r[0] for r in conn.execute("SELECT name FROM pg_prepared_statements WHERE name LIKE 'netx%'"
                                            " ORDER BY name").fetchall()]
        assert names == ["netx_carve", "netx_draw", "netx_lowest", "netx_take"]
        conn.rollback()
        # a session that lost them (DISCARD ALL, DEALLOCATE: a pooler's reset) prepares them again
        for lost in ("DEALLOCATE netx_lowest", "DISCARD ALL"):
            conn.autocommit = True
            conn.execute(lost)
            assert lowest.allocate(lost) is not None and rand.allocate(lost) is not None
        assert [str(ip) for ip, _ in lowest.allocations()] == [f"10.0.0.{i}" for i in range(1, 6)]
        assert_partition(lowest)
        assert_partition(rand)


def test_a_statement_locking_an_interval_while_it_is_split_lands_on_its_lowest_piece(pg_url: str) -> None:
    """``netx_take`` splits a large free interval after the block it takes from; the blocks split off are new
    rows, which a concurrent statement whose snapshot predates the split cannot see. Such a statement can
    still lock the interval's row after the split commits (``FOR UPDATE`` follows it to its latest version),
    so that row must keep the lowest piece: kept as the highest, a concurrent ``lowest`` call took from past
    16 blocks it could not see (a flaky 80-address hole in ``test_four_processes_never_share_an_address``)."""
    schema = _schema(pg_url)
    with ipam.open(pg_url) as store:
        store.create_pool("lan", "10.0.0.0/20")
    first = int(IP("10.0.0.1"))
    with psycopg.connect(_plain(pg_url)) as splitter, psycopg.connect(_plain(pg_url)) as other:
        pool_id = splitter.execute(f'SELECT id FROM "{schema}".pools WHERE name = %s', ["lan"]).fetchone()[0]
        taken = splitter.execute(f'SELECT k FROM "{schema}".netx_take(%s, %s, %s, %s, %s::bytea[])',
                                 [pool_id, "s", kb(0), kb(2**32 - 1), []]).fetchone()[0]
        assert taken == kb(first)  # the split is not committed yet: its row stays locked
        locked: list[tuple[bytes, bytes]] = []
        pid = other.info.backend_pid

        def lock_first() -> None:
            locked.extend(other.execute(
                f'SELECT lo, hi FROM "{schema}".free WHERE pool = %s AND hi >= %s AND hi <= %s'
                " ORDER BY hi LIMIT 1 FOR UPDATE", [pool_id, kb(0), kb(2**32 - 1)]).fetchall())

        thread = threading.Thread(target=lock_first)
        thread.start()
        try:
            for _ in range(500):  # bounded: until the other statement waits for the row's lock (≤ 10 s)
                waiting = splitter.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()
                if waiting == ("Lock",):
                    break
                time.sleep(0.02)
            else:
                pytest.fail("the other statement never waited for the interval's lock")
            splitter.commit()
        finally:
            thread.join(10)
        assert not thread.is_alive()
        assert locked == [(kb(first + 1), kb(int(IP("10.0.0.15"))))]
        other.rollback()
    with ipam.open(pg_url) as store:
        pool = store.pool("lan")
        assert [str(ip) for ip, _ in pool.allocations()] == ["10.0.0.1"]
        assert pool.allocate("next") == IP("10.0.0.2")
        assert_partition(pool)
