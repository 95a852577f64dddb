"""One PostgreSQL ``allocate()`` taken apart: the server's CPU for each piece of it, alone, against the floor.

    python benchmarks/bench_pg_parts.py            # full sizes (4 rounds of 500 calls per piece)
    python benchmarks/bench_pg_parts.py --quick    # small sizes (smoke test)

``bench_pg_scale`` shows that netx's throughput on one pool stays above 1.5x the raw
N-client floor; this shows where the server's time goes. One client, fsync on (the server's
default durability, as ``bench_pg_scale``), each piece on its own connection, the pieces
taking turns within every round so that all meet the same machine state:

- raw: the floor of ``bench_pg_scale``, ``INSERT INTO raw_floor VALUES (%s, %s)`` + ``COMMIT``
  (a 17-byte key and a short text; one index);
- the allocation row alone: the row ``allocate()`` inserts (pool, key, address, owner) into a
  copy of ``allocations`` with its constraints and indexes, in one autocommit statement;
- the free interval alone: what ``allocate()`` does to its free interval (lock it ``FOR UPDATE
  SKIP LOCKED``, move its low end), on a copy of ``free``, in one autocommit statement;
- both in one statement, as ``allocate()`` combines them (its CTEs less the pool's advisory
  lock and the branches for a block's last key), on the copies;
- ``allocate()``'s own statements (``lowest_sql``, then ``netx_take`` when a new block must
  be split off) sent through psycopg alone, on a pool of their own;
- ``allocate()`` through netx, on a ``lowest`` and on a ``random`` pool.

Each cell is the server's CPU per call: the user + system time of that connection's
PostgreSQL process, read from ``/proc`` (so: Linux only), summed over every round and
divided by the calls; the wall time per call (best round) follows it. The ratio is against
the raw floor's CPU. There is no target here: the rows explain ``bench_pg_scale``'s.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any, Callable

import netx
import netx.ipam as ipam
from netx.ipam.store._pgsql import TAKE, lowest_sql

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # benchmarks/ is not a package
from _harness import Row, fmt_ns, print_header, print_table, quick_flag, throwaway_postgres  # noqa: E402
from bench_pg_scale import _cpu_seconds  # noqa: E402  (one reader of /proc for both)

Call = Callable[[int], object]


def pieces(url: str) -> tuple[dict[str, tuple[int, Call]], Callable[[], None]]:
    """``name -> (server pid, call(i))`` for each piece, each on a connection of its own, and a closer."""
    import psycopg

    with ipam.open(url) as store:  # makes the schema and its tables, copied below
        store.create_pool("lowest", "10.0.0.0/12")
        store.create_pool("random", "10.16.0.0/12", strategy="random")
        store.create_pool("direct", "10.32.0.0/12")
    plain = url.split("&schema=")[0]
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute("CREATE TABLE raw_floor (k bytea PRIMARY KEY, v text)")
        conn.execute("CREATE TABLE bench.alloc_copy (LIKE bench.allocations INCLUDING ALL)")
        conn.execute("CREATE TABLE bench.free_copy (LIKE bench.free INCLUDING ALL) WITH (fillfactor = 50)")
        conn.execute("INSERT INTO bench.free_copy (pool, lo, hi) VALUES (1, %s, %s)", (bytes(17), b"\xff" * 17))
    conns: list[Any] = []

    def connect(autocommit: bool = True) -> Any:
        conns.append(psycopg.connect(plain, autocommit=autocommit))
        return conns[-1]

    raw, row, free, both, direct = connect(autocommit=False), connect(), connect(), connect(), connect()
    stores = {name: ipam.open(url) for name in ("lowest", "random")}
    lowest, rand = stores["lowest"].pool("lowest"), stores["random"].pool("random")
    direct_id = int(direct.execute("SELECT id FROM bench.pools WHERE name = 'direct'").fetchone()[0])
    lowest_stmt, take_stmt = lowest_sql('"bench"'), TAKE.format(s='"bench"')
    v4 = {"pool": direct_id, "lo": bytes(17), "hi": (1 << 32).to_bytes(17, "big")}
    lock_free = "f AS (SELECT hi FROM bench.free_copy WHERE pool = 1 ORDER BY hi LIMIT 1 FOR UPDATE SKIP LOCKED)"

    def key(i: int, base: int = 1 << 40) -> bytes:
        return (base | i).to_bytes(17, "big")

    def raw_call(i: int) -> None:
        raw.execute("INSERT INTO raw_floor VALUES (%s, %s)", (key(i), "bench"))
        raw.commit()

    def row_call(i: int) -> None:
        row.execute("INSERT INTO bench.alloc_copy (pool, key, address, owner) VALUES (1, %s, bench.netx_inet(%s), %s)",
                    (key(i), key(i), f"owner-{i}"))

    def free_call(i: int) -> None:
        free.execute(f"WITH {lock_free} UPDATE bench.free_copy g SET lo = %s FROM f WHERE g.pool = 1 AND g.hi = f.hi",
                     (key(i),))

    def both_call(i: int) -> None:
        both.execute(f"WITH {lock_free}, kept AS (UPDATE bench.free_copy g SET lo = %(k)s FROM f"
                     " WHERE g.pool = 1 AND g.hi = f.hi RETURNING %(k)s::bytea AS k)"
                     " INSERT INTO bench.alloc_copy (pool, key, address, owner)"
                     " SELECT 1, k, bench.netx_inet(k), %(owner)s FROM kept", {"k": key(i, 2 << 40), "owner": f"both-{i}"})

    def direct_call(i: int) -> None:
        if direct.execute(lowest_stmt, {**v4, "owner": f"direct-{i}"}).fetchone() is None:  # a new block: netx_take
            direct.execute(take_stmt, {"pool": direct_id, "owner": f"direct-{i}", "lo": v4["lo"], "hi": v4["hi"],
                                       "draws": []})

    def close() -> None:
        for c in conns:
            c.close()
        for s in stores.values():
            s.close()

    def pid(conn: Any) -> int:
        return int(conn.info.backend_pid)

    netx_conns = {name: s._conn for name, s in stores.items()}  # type: ignore[attr-defined]
    return {
        "raw INSERT + COMMIT (the floor)": (pid(raw), raw_call),
        "the allocation row alone (its table's constraints and indexes)": (pid(row), row_call),
        "the free interval alone (lock it, move its low end)": (pid(free), free_call),
        "both in one statement (as allocate() does, on the copies)": (pid(both), both_call),
        "allocate()'s statements sent directly (lowest, psycopg alone)": (pid(direct), direct_call),
        "allocate(), lowest": (pid(netx_conns["lowest"]), lambda i: lowest.allocate(f"owner-{i}")),
        "allocate(), random": (pid(netx_conns["random"]), lambda i: rand.allocate(f"owner-{i}")),
    }, close


def main(argv: list[str] | None = None) -> int:
    quick = quick_flag(argv, __doc__)
    calls, rounds = (20, 1) if quick else (500, 4)
    notes: list[str] = []
    rows: list[Row] = []
    with throwaway_postgres(notes, fast=False) as server:
        if server is not None and os.path.exists(f"/proc/{os.getpid()}/stat"):
            import psycopg

            url = server.url + "&schema=bench"
            parts, close = pieces(url)
            cpu = dict.fromkeys(parts, 0.0)
            wall = dict.fromkeys(parts, float("inf"))
            try:
                for r in range(rounds):
                    order = list(parts) if r % 2 == 0 else list(reversed(parts))
                    for name in order:
                        pid, call = parts[name]
                        before, start = _cpu_seconds(pid), time.perf_counter_ns()
                        for i in range(r * calls, (r + 1) * calls):
                            call(i)
                        wall[name] = min(wall[name], (time.perf_counter_ns() - start) / calls)
                        cpu[name] += _cpu_seconds(pid) - before
            finally:
                close()
            with psycopg.connect(server.url) as conn:
                version = str(conn.execute("SHOW server_version").fetchone()[0]).split()[0]  # type: ignore[index]
            floor_name = "raw INSERT + COMMIT (the floor)"
            floor = cpu[floor_name]
            n = rounds * calls
            for name in parts:
                ratio = (f"{cpu[name] / floor:.2f}×" if floor else  # the CPU clock ticks every 10 ms: too coarse
                         f"{wall[name] / wall[floor_name]:.2f}× (wall time: too few calls for the CPU clock)")
                rows.append((name, f"{fmt_ns(cpu[name] / n * 1e9)} CPU, {fmt_ns(wall[name])} a call",
                             f"{fmt_ns(floor / n * 1e9)} CPU", ratio))
            spread = f"about ±{0.01 / floor:.0%} on the floor" if floor else "too coarse for --quick"
            print_header(
                f"PostgreSQL {version} (fsync on), one client, {rounds} rounds of {calls} calls per piece, the pieces"
                f" taking turns; cells: the server's CPU per call (its process's user + system time from /proc, all"
                f" rounds), then the best round's wall time per call; peer: the raw floor's CPU per call; ratio ="
                f" piece CPU / floor CPU (clock ticks of 10 ms: {spread}).",
                netx, psycopg, quick=quick)
        else:
            notes.append("no rows: this needs a throwaway PostgreSQL server and /proc")
            print_header("PostgreSQL allocate() taken apart", netx, quick=quick)
    print_table(rows, notes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
