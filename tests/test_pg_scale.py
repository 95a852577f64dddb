"""The PostgreSQL one-statement allocate(): a caller alone gets exactly the in-memory sequence;
concurrent callers never share an address and relax the order only as docs/stores.md says."""

from __future__ import annotations

import random
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import netx.ipam as ipam
from netx import IP
from netx.ipam import Pool, PoolExhausted

from test_store import assert_partition

psycopg = pytest.importorskip("psycopg")

from test_store_postgres import _plain, _schema  # (after the skip: that module needs psycopg too)


@pytest.mark.parametrize("strategy", ["lowest", "random"])
def test_a_caller_alone_gets_the_in_memory_sequence(pg_url: str, strategy: str) -> None:
    ranges = ("10.0.0.0/24", "2001:db8::/120")
    memory = Pool(*ranges, reserve=["10.0.0.100-10.0.0.120"], strategy=strategy)
    with ipam.open(pg_url) as store:
        stored = store.create_pool("p", *ranges, reserve=["10.0.0.100-10.0.0.120"], strategy=strategy)
        assert stored._state.take is not None  # type: ignore[attr-defined]  # the fast path is in use
        memory._rng.seed(7)
        stored._rng.seed(7)
        rng = random.Random(3)
        got: list[Any] = []
        for i in range(700):  # fills both families (draws miss more and more: the general path takes over)
            if i % 7 == 3 and got:
                ip = got.pop(rng.randrange(len(got)))
                assert memory.release(ip) == stored.release(ip)
            try:
                a = memory.allocate(f"o{i}", version=6 if i % 11 == 0 else None)
            except PoolExhausted:
                with pytest.raises(PoolExhausted):
                    stored.allocate(f"o{i}", version=6 if i % 11 == 0 else None)
                continue
            assert stored.allocate(f"o{i}", version=6 if i % 11 == 0 else None) == a, i
            got.append(a)
        assert list(stored.allocations()) == list(memory.allocations())
        assert stored.free_set() == memory.free_set()
        assert stored.stats() == memory.stats()
        assert_partition(stored)


def test_threads_on_one_pool_relax_lowest_by_at_most_a_block_each(pg_url: str) -> None:
    with ipam.open(pg_url) as store:
        pool = store.create_pool("lan", "10.0.0.0/22")
        got: list[IP] = []
        errors: list[BaseException] = []

        def run(tag: str) -> None:
            try:
                for i in range(60):
                    got.append(pool.allocate(f"{tag}-{i}"))
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(f"t{i}",)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert errors == [] and len(got) == len(set(got)) == 240
        assert max(got) <= IP("10.0.0.1") + 240 + 3 * 16  # the lowest 240, but for blocks others held
        assert pool.stats().allocated == 240
        assert_partition(pool)
        # alone again, it fills the holes first: exactly lowest-first
        holes = sorted(set(IP("10.0.0.1") + i for i in range(int(max(got)) - int(IP("10.0.0.1")))) - set(got))
        assert [pool.allocate("late") for _ in holes] == holes


WORKERS = Path(__file__).resolve().parent / "_pg_workers.py"


@pytest.mark.parametrize("strategy", ["lowest", "random"])
def test_deleting_a_pool_while_processes_allocate_leaves_no_orphan(pg_url: str, strategy: str) -> None:
    """No foreign keys on PostgreSQL: deletion takes the pool's advisory lock exclusively (allocate() holds it
    shared), so it waits for the calls in flight, deletes every row, and later calls fail cleanly."""
    schema = _schema(pg_url)
    with ipam.open(pg_url) as store:
        store.create_pool("doomed", "10.0.0.0/16", strategy=strategy)
        store.create_pool("kept", "10.1.0.0/24", strategy=strategy).allocate("stays")
    procs = [
        subprocess.Popen([sys.executable, str(WORKERS), "until", pg_url, "doomed", "3000", f"w{i}"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for i in range(4)
    ]
    try:
        for proc in procs:
            assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        time.sleep(0.5)  # they are allocating now
        with ipam.open(pg_url) as store:
            store.delete_pool("doomed", force=True)
        results = [proc.communicate(timeout=120)[0].split() for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:  # pragma: no cover - only when the test failed
                proc.kill()
                proc.wait(timeout=30)
    assert {r[0] for r in results} == {"PoolNotFound"}, results  # every caller stopped with a clean error
    assert sum(int(r[1]) for r in results) > 0
    with psycopg.connect(_plain(pg_url)) as conn:
        counts = [conn.execute(f'SELECT count(*) FROM "{schema}".{t} WHERE pool NOT IN'
                               f' (SELECT id FROM "{schema}".pools)').fetchone()[0] for t in ("allocations", "free")]
        assert counts == [0, 0]  # no orphan
    with ipam.open(pg_url) as store:
        assert store.pools() == ["kept"] and store.pool("kept").stats().allocated == 1
        assert_partition(store.pool("kept"))
