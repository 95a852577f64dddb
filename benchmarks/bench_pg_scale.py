"""Many clients on one PostgreSQL pool against the floor: N clients doing raw INSERT + COMMIT.

    python benchmarks/bench_pg_scale.py            # full sizes (300 calls per client, 7 paired rounds)
    python benchmarks/bench_pg_scale.py --quick    # small sizes (smoke test)

Starts its own throwaway PostgreSQL server with the server's default durability (fsync
on, synchronous_commit on: unlike the test fixture, not ``fast=True``). N = 1, 2, 4, 8
client processes, each with its own connection, all started together:

- raw: each client runs ``INSERT INTO raw_floor VALUES (%s, %s)`` + ``COMMIT`` through
  psycopg, into one shared table keyed like the allocations (17-byte keys); the floor
  any durable allocation needs (one durable commit each);
- netx: each client calls ``allocate(owner)`` on the *same* pool (one /12, created as
  any pool is) with strategy ``lowest``, then ``random``;
- two stricter floors, without a target (below the table): the same INSERT as one
  autocommit statement (one round trip: its commit is implicit), through psycopg's
  ``execute`` (``auto``), and prepared once and sent through libpq's prepared-statement
  calls (``lean``: the client path netx's ``allocate()`` itself takes).

Target: netx within 1.5x of the raw floor at every N (allocations/s). The ratio is the
median over rounds of paired ratios: in each round, each strategy's run at N clients sits
next to a raw run at N clients, in an order that alternates from round to round, so both
halves of a pair meet the same machine state (this VM's CPU switches between two speeds
about 1.45x apart every second or so; separate bests could come from different states).
The rate cells are each side's best. After each netx run the pool is checked: every
allocation recorded once, none twice. Below the table:
the server's CPU per call (user + system time of each client's PostgreSQL backend, read
from /proc), raw against netx, over the whole run.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from typing import Any

import netx
import netx.ipam as ipam

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # benchmarks/ is not a package
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests"))
from _harness import Row, print_header, print_table, quick_flag, ratio_cell  # noqa: E402
from _pgtest import TempPostgres  # noqa: E402  (the throwaway server of the tests)

CLIENTS = (1, 2, 4, 8)
INSERT = "INSERT INTO raw_floor VALUES (%s, %s)"  # the floor's one row (through psycopg; "lean" prepares it as $1, $2)
STRICT = {
    "auto": "the INSERT as one autocommit statement through psycopg's execute: one round trip, its commit implicit",
    "lean": "the same, prepared once and sent through libpq's prepared-statement calls, as allocate() sends its own",
}


def worker(url: str, index: int) -> None:
    """A client process: waits for ``CMD N`` lines (``raw``, ``lowest``, ``random``), runs N calls, prints ``done``."""
    import psycopg

    from psycopg import generators

    plain = url.split("&schema=")[0]
    raw, auto, lean = psycopg.connect(plain), psycopg.connect(plain, autocommit=True), psycopg.connect(plain, autocommit=True)
    lean.pgconn.prepare(b"floor", b"INSERT INTO raw_floor VALUES ($1, $2)", [17, 25])
    store = ipam.open(url)
    pools = {"lowest": store.pool("lowest"), "random": store.pool("random")}
    counter = iter(range(index * 10**9, (index + 1) * 10**9))
    backends = [conn.execute("SELECT pg_backend_pid()").fetchone()[0] for conn in (raw, store._conn, auto, lean)]  # type: ignore[attr-defined]
    raw.commit()
    store._conn.commit()  # type: ignore[attr-defined]
    print("ready", *backends, flush=True)
    for line in sys.stdin:
        cmd, n = line.split()
        if cmd == "raw":
            for _ in range(int(n)):
                raw.execute(INSERT, (next(counter).to_bytes(17, "big"), "bench"))
                raw.commit()
        elif cmd == "auto":
            for _ in range(int(n)):
                auto.execute(INSERT, (next(counter).to_bytes(17, "big"), "bench"))
        elif cmd == "lean":
            pg = lean.pgconn
            for _ in range(int(n)):
                pg.send_query_prepared(b"floor", [next(counter).to_bytes(17, "big"), b"bench"], [1, 1], 1)
                if lean.wait(generators.execute(pg))[-1].status != psycopg.pq.ExecStatus.COMMAND_OK:
                    raise SystemExit("lean insert failed")
        else:
            pool = pools[cmd]
            for i in range(int(n)):
                pool.allocate(f"client{index}-{i}")
        print("done", flush=True)


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far, from /proc: the server's side of a call."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:  # no /proc here: the note below is left out
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Clients:
    """``CLIENTS[-1]`` worker processes, started once; ``run`` times a command on the first ``n``."""

    def __init__(self, url: str) -> None:
        self.procs = [
            subprocess.Popen([sys.executable, __file__, "--worker", url, str(i)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            for i in range(CLIENTS[-1])
        ]
        self.backends: list[tuple[int, ...]] = []  # each client's server processes: (raw, netx, auto, lean)
        for proc in self.procs:
            assert proc.stdout is not None
            words = proc.stdout.readline().split()
            if words[:1] != ["ready"] or len(words) != 5:
                raise SystemExit("a client did not start")
            self.backends.append(tuple(map(int, words[1:])))
        self.server_cpu: dict[str, list[float]] = {}  # command -> [server CPU seconds, calls]

    def run(self, n: int, cmd: str, calls: int) -> float:
        """Calls per second of ``n`` clients doing ``calls`` calls each, all started together."""
        procs = self.procs[:n]
        which = {"raw": 0, "auto": 2, "lean": 3}.get(cmd, 1)
        backends = [pids[which] for pids in self.backends[:n]]
        cpu_before = sum(map(_cpu_seconds, backends))
        start = time.perf_counter()
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write(f"{cmd} {calls}\n")
            proc.stdin.flush()
        for proc in procs:
            assert proc.stdout is not None
            if proc.stdout.readline() != "done\n":
                raise SystemExit(f"a client failed during {cmd}")
        rate = n * calls / (time.perf_counter() - start)
        total = self.server_cpu.setdefault(cmd, [0.0, 0])
        total[0] += sum(map(_cpu_seconds, backends)) - cpu_before
        total[1] += n * calls
        return rate

    def close(self) -> None:
        for proc in self.procs:
            assert proc.stdin is not None
            proc.stdin.close()
        for proc in self.procs:
            proc.wait(timeout=60)


def check(url: str, name: str, expected: int) -> None:
    with ipam.open(url) as store:
        pool = store.pool(name)
        ips = [ip for ip, _ in pool.allocations()]
        if len(ips) != expected or len(set(ips)) != expected or pool.stats().allocated != expected:
            raise SystemExit(f"{name}: {len(ips)} allocations, {len(set(ips))} distinct, {expected} expected")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:
        worker(argv[1], int(argv[2]))
        return 0
    quick = quick_flag(argv, __doc__)
    calls, repeats = (5, 1) if quick else (300, 7)
    server = TempPostgres()  # fsync on: the durability users run with
    server.start()
    try:
        url = server.url + "&schema=bench"
        import psycopg

        with psycopg.connect(server.url, autocommit=True) as conn:
            conn.execute("CREATE TABLE raw_floor (k bytea PRIMARY KEY, v text)")
        with ipam.open(url) as store:
            store.create_pool("lowest", "10.0.0.0/12")
            store.create_pool("random", "10.16.0.0/12", strategy="random")
        clients = Clients(url)
        done = {"lowest": 0, "random": 0}
        best: dict[tuple[str, int], float] = {}
        ratios: dict[tuple[str, int], list[float]] = {}  # (strategy, N) -> raw rate / netx rate, one per round
        try:
            for r in range(repeats):  # rounds, each measuring every case: all see the same load
                for n in CLIENTS:
                    strict = {}  # the stricter floors: run before the pairs in even rounds, after them in odd ones
                    if r % 2 == 0:
                        strict = {cmd: clients.run(n, cmd, calls) for cmd in STRICT}
                    netx_rates = {}
                    for strategy in ("lowest", "random"):
                        rates = {}
                        for cmd in (("raw", strategy) if r % 2 == 0 else (strategy, "raw")):
                            rates[cmd] = rate = clients.run(n, cmd, calls)
                            best[cmd, n] = max(best.get((cmd, n), 0.0), rate)
                        ratios.setdefault((strategy, n), []).append(rates["raw"] / rates[strategy])
                        netx_rates[strategy] = rates[strategy]
                        done[strategy] += n * calls
                        check(url, strategy, done[strategy])
                    if r % 2 == 1:
                        strict = {cmd: clients.run(n, cmd, calls) for cmd in reversed(STRICT)}
                    for cmd, floor in strict.items():
                        best[cmd, n] = max(best.get((cmd, n), 0.0), floor)
                        for strategy, rate in netx_rates.items():
                            ratios.setdefault((f"{cmd}-{strategy}", n), []).append(floor / rate)
        finally:
            cpu_per_call = clients.server_cpu
            clients.close()
        with psycopg.connect(server.url) as conn:
            version = conn.execute("SHOW server_version").fetchone()[0]
            fsync = conn.execute("SHOW fsync").fetchone()[0]
    finally:
        server.stop()

    rows: list[Row] = []
    for n in CLIENTS:
        raw = best["raw", n]
        for strategy in ("lowest", "random"):
            rate = best[strategy, n]
            paired_ratio = statistics.median(ratios[strategy, n])
            rows.append((f"{n} client{'s' if n > 1 else ''}, one pool, {strategy}: allocate() calls/s vs raw INSERT+COMMIT",
                         f"{rate:,.0f}/s", f"{raw:,.0f}/s",
                         ratio_cell(paired_ratio, 1.5, within=True, note=f" of raw; bests alone {raw / rate:.2f}×")))
    print_header(
        f"PostgreSQL {version} (fsync={fsync}), one server, N client processes with a connection each, {calls} calls"
        f" per client, {repeats} rounds; rates: best of the rounds; ratio = raw rate / netx rate (lower is better;"
        f" 1.00× = the floor), the median of the rounds' paired ratios."
        f" Every netx run checked: all {sum(done.values()):,} allocations recorded, 0 duplicates.",
        netx, psycopg, quick=quick, load=os.getloadavg().__repr__(),
    )
    server = ", ".join(f"{cmd} {1e6 * cpu / calls:,.0f} µs" for cmd, (cpu, calls) in cpu_per_call.items() if calls)
    notes = [] if quick or not any(cpu for cpu, _ in cpu_per_call.values()) else [
        f"Server CPU per call (user + system time of the clients' PostgreSQL processes from /proc, mean over every"
        f" round and N): {server}. An allocation writes its own row and its free interval's (`random` splits"
        f" the interval: one row more); the raw floor writes one row.",
        *(f"A stricter floor, no target ({what}): "
          + ", ".join(f"{best[cmd, n]:,.0f}/s" for n in CLIENTS) + f" at N = {'/'.join(map(str, CLIENTS))}"
          + " (the floor above: " + ", ".join(f"{best['raw', n]:,.0f}/s" for n in CLIENTS)
          + "); netx against it, median of the rounds' ratios: "
          + "; ".join(f"{strategy} " + " / ".join(f"{statistics.median(ratios[f'{cmd}-{strategy}', n]):.2f}×"
                                                   for n in CLIENTS) for strategy in ("lowest", "random")) + "."
          for cmd, what in STRICT.items())]
    print_table(rows, notes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
