"""Durable IPAM stores against their physical floors: one durable insert + commit.

    python benchmarks/bench_store.py            # full sizes
    python benchmarks/bench_store.py --quick    # small sizes (smoke test)

Cases (one run, side by side, best of N):
- one ``allocate()`` on SQLite vs a raw ``BEGIN IMMEDIATE; INSERT; COMMIT`` on the same
  database file (same WAL / ``synchronous=FULL`` settings): target within 3x;
- one ``allocate()`` on PostgreSQL vs a raw ``INSERT`` + ``COMMIT`` through psycopg on the
  same (throwaway, fsync on) server: target within 3x;
- ``allocate_many(50_000)`` on SQLite vs one raw ``executemany`` of 50,000 rows: target
  >= 100,000 addresses/s;
- allocations/s of 1 and of 4 processes on one pool, on both backends (reported, no
  target: SQLite has one writer per file; PostgreSQL's scaling against N raw clients is
  ``bench_pg_scale.py``; the run checks that every allocation was recorded once);
- PostgreSQL: general-path calls (``allocate_many(2)`` then ``release`` of one of the two)
  from 4 threads sharing one store object, each on a pool of its own, vs 1 thread
  (reported, no target: each thread runs its calls on a connection of its own, so their
  commits overlap; on one pool they queue on its lock, as separate processes' do).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable

import netx
import netx.ipam as ipam

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # benchmarks/ is not a package
from _harness import (  # noqa: E402
    Row, best_ns, interleaved, print_header, print_table, quick_flag, ratio_cell, row, verdict)

ROWS: list[Row] = []


def _rate(per_second: float) -> str:
    return f"{per_second:,.0f}/s"


# -- one allocate() vs one durable insert -------------------------------------------------


def _single_call(store: Any, subnet: bool) -> tuple[Callable[[], Any], str]:
    """One durable call to time, and its name: ``allocate()`` of an address, or of a /26 from a /8."""
    if subnet:
        blocks = store.create_subnet_pool("bench", "10.0.0.0/8")
        return (lambda: blocks.allocate(26, "bench")), "SubnetPool.allocate(26)"
    pool = store.create_pool("bench", "10.0.0.0/8")
    return (lambda: pool.allocate("bench")), "allocate()"


def bench_sqlite_single(root: Path, n: int, repeats: int, subnet: bool = False) -> None:
    path = f"{root}/single{'-subnet' if subnet else ''}.db"
    store = ipam.open(f"sqlite:///{path}")
    call, what = _single_call(store, subnet)
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("PRAGMA journal_mode = WAL")
    raw.execute("PRAGMA synchronous = FULL")
    raw.execute("CREATE TABLE raw_floor (k BLOB PRIMARY KEY, v TEXT) WITHOUT ROWID")
    counter = iter(range(10**9))

    def floor() -> None:
        for _ in range(n):
            raw.execute("BEGIN IMMEDIATE")
            raw.execute("INSERT INTO raw_floor VALUES (?, ?)", (next(counter).to_bytes(17, "big"), "bench"))
            raw.execute("COMMIT")

    def calls() -> None:
        for _ in range(n):
            call()

    # interleaved, so both see the same disk weather
    t_floor, t_netx = interleaved([floor, calls], n, repeats)
    ROWS.append(row(f"SQLite: one {what} vs raw INSERT+COMMIT (WAL, synchronous=FULL)", t_netx, t_floor,
                    target=3, within=True))
    raw.close()
    store.close()


def bench_sqlite_many(root: Path, n: int, repeats: int) -> None:
    store = ipam.open(f"sqlite:///{root}/many.db")
    raw = sqlite3.connect(f"{root}/many.db", isolation_level=None)
    raw.execute("CREATE TABLE raw_floor (k BLOB PRIMARY KEY, v TEXT) WITHOUT ROWID")
    base = iter(range(10**6))

    def floor() -> None:
        start = next(base) * n
        raw.execute("BEGIN IMMEDIATE")
        raw.executemany("INSERT INTO raw_floor VALUES (?, ?)",
                        ((k.to_bytes(17, "big"), "bulk") for k in range(start, start + n)))
        raw.execute("COMMIT")

    pools: list[Any] = []

    def new_pool() -> None:  # untimed: each run fills a fresh pool
        pools[:] = [store.create_pool(f"many{next(base)}", "10.0.0.0/8")]

    t_netx = best_ns(lambda: pools[0].allocate_many(n, "bulk"), n, repeats, setup=new_pool)
    t_floor = best_ns(floor, n, repeats)
    rate = 1e9 / t_netx
    ROWS.append((f"SQLite: allocate_many({n:,}) addresses/s vs raw executemany", _rate(rate), _rate(1e9 / t_floor),
                 f"{ratio_cell(t_floor / t_netx, note=' of raw')} {verdict(rate >= 100_000, '≥ 100,000/s')}"))
    raw.close()
    store.close()


def bench_postgres_single(url: str, n: int, repeats: int, subnet: bool = False) -> None:
    import psycopg

    store = ipam.open(url)
    call, what = _single_call(store, subnet)
    raw = psycopg.connect(url.split("&schema=")[0])
    table = "raw_floor_subnet" if subnet else "raw_floor"
    raw.execute(f"CREATE TABLE {table} (k bytea PRIMARY KEY, v text)")
    raw.commit()
    counter = iter(range(10**9))

    def floor() -> None:
        for _ in range(n):
            raw.execute(f"INSERT INTO {table} VALUES (%s, %s)", (next(counter).to_bytes(17, "big"), "bench"))
            raw.commit()

    def calls() -> None:
        for _ in range(n):
            call()

    t_floor, t_netx = interleaved([floor, calls], n, repeats)
    ROWS.append(row(f"PostgreSQL: one {what} vs raw INSERT+COMMIT (psycopg)", t_netx, t_floor, target=3, within=True))
    raw.close()
    store.close()


# -- processes ---------------------------------------------------------------------------------


def _processes(url: str, pool: str, workers: int, n: int) -> float:
    """Allocations per second of ``workers`` processes doing ``n`` allocate() each on one pool."""
    procs = [
        subprocess.Popen([sys.executable, __file__, "--worker", url, pool, str(n)],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for _ in range(workers)
    ]
    for proc in procs:
        assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
    start = time.perf_counter()
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    total = 0
    for proc in procs:
        out, _ = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"worker failed ({proc.returncode})")
        total += int(out.split()[-1])
    return total / (time.perf_counter() - start)


def bench_processes(kind: str, url: str, n: int) -> None:
    with ipam.open(url) as store:
        store.create_pool("procs", "10.0.0.0/8")
    one = _processes(url, "procs", 1, n)
    four = _processes(url, "procs", 4, n)
    with ipam.open(url) as store:
        pool = store.pool("procs")
        allocated = pool.stats().allocated
        distinct = len({ip for ip, _ in pool.allocations()})
    if allocated != distinct or allocated != 5 * n:
        raise SystemExit(f"{kind}: {allocated} allocations recorded, {distinct} distinct, {5 * n} expected")
    ratio = four / one
    why = {"SQLite": ": one writer at a time per file", "PostgreSQL": " here: bench_pg_scale.py has the scaling target"}
    ROWS.append((f"{kind}: allocate() calls/s, 4 processes vs 1 process on one pool", _rate(four), _rate(one),
                 ratio_cell(ratio, note=f" (no target{why[kind]}; {5 * n:,} allocations, 0 duplicates)")))


def bench_threads(url: str, n: int) -> None:
    """General-path calls/s of 4 threads sharing one store vs 1 thread (each call a transaction of its own)."""
    with ipam.open(url) as store:
        pools = [store.create_pool(f"threads-{i}", f"10.{i}.0.0/16") for i in range(4)]

        def calls(pool: Any, tag: str) -> None:
            for _ in range(n):
                ips = pool.allocate_many(2, tag)
                pool.release(ips[0])

        rates = {}
        for threads in (1, 4):
            workers = [threading.Thread(target=calls, args=(pools[i], f"t{threads}")) for i in range(threads)]
            start = time.perf_counter()
            for w in workers:
                w.start()
            for w in workers:
                w.join()
            rates[threads] = 2 * threads * n / (time.perf_counter() - start)
        held = [pool.stats().allocated for pool in pools]
        if held != [2 * n, n, n, n]:
            raise SystemExit(f"PostgreSQL threads: {held} allocations held, {[2 * n, n, n, n]} expected")
    ROWS.append(("PostgreSQL: allocate_many(2) + release() calls/s, 4 threads of one store (a pool each) vs 1",
                 _rate(rates[4]), _rate(rates[1]),
                 ratio_cell(rates[4] / rates[1], note=" (no target: each thread has a connection of its own)")))


def worker(url: str, name: str, n: int) -> None:
    with ipam.open(url) as store:
        pool = store.pool(name)
        print("ready", flush=True)
        sys.stdin.readline()
        for _ in range(n):
            pool.allocate("proc")
    print(n, flush=True)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:
        worker(argv[1], argv[2], int(argv[3]))
        return 0
    quick = quick_flag(argv, __doc__)
    n_single, repeats = (100, 2) if quick else (1000, 5)
    n_many = 5_000 if quick else 50_000
    n_procs = 50 if quick else 500

    root = Path(tempfile.mkdtemp(prefix="netx-bench-"))
    notes = []
    try:
        bench_sqlite_single(root, n_single, repeats)
        bench_sqlite_single(root, n_single, repeats, subnet=True)
        bench_sqlite_many(root, n_many, 3)
        bench_processes("SQLite", f"sqlite:///{root}/procs.db", n_procs)
        try:
            sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # the throwaway server
            from _pgtest import PostgresUnavailable, TempPostgres

            server = TempPostgres()  # fsync on: a real durable commit is the floor
            server.start()
        except (ImportError, PostgresUnavailable) as exc:
            notes.append(f"PostgreSQL rows skipped: {exc}")
        else:
            try:
                bench_postgres_single(server.url, n_single, repeats)
                bench_postgres_single(server.url + "&schema=subnets", n_single, repeats, subnet=True)
                bench_processes("PostgreSQL", server.url + "&schema=procs", n_procs)
                bench_threads(server.url + "&schema=threads", n_procs // 2)
            finally:
                server.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)

    print_header("time per call (or calls/s), best of N; ratio = netx / raw floor where the target is a ceiling",
                 netx, quick=quick, sqlite=sqlite3.sqlite_version)
    print_table(ROWS, notes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
