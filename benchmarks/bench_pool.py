"""Benchmark: netx.ipam.Pool / SubnetPool allocation against the loop people write without
a library (scan ``ipaddress`` hosts or subnets, skipping a ``set`` of used ones).

    python benchmarks/bench_pool.py          # full sizes
    python benchmarks/bench_pool.py --quick  # small sizes (smoke test)

Prints time per allocation (best of N repeats, ``time.perf_counter_ns``), ratios with their
targets (PASS/MISS) and bytes of pool state per allocation (``tracemalloc``).
"""

from __future__ import annotations

import gc
import ipaddress
import os
import sys
import tracemalloc
from typing import Callable

import netx
from netx.ipam import Pool, SubnetPool

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # benchmarks/ is not a package
from _harness import Row, best_ns, fmt_ns, print_header, print_table, quick_flag, ratio_cell, row  # noqa: E402


def best_op_ns(make: Callable[[], Callable[[], object]], n: int, repeats: int) -> float:
    """Best ns per operation: ``make()`` builds fresh state (untimed) and returns one op, timed ``n`` times."""
    ops: list[Callable[[], object]] = []

    def setup() -> None:
        ops[:] = [make()]

    def run() -> None:
        op = ops[0]
        for _ in range(n):
            op()

    return best_ns(run, n, repeats, setup=setup, gc_off=True)


def pool_alloc(cidr: str, strategy: str = "lowest") -> Callable[[], Callable[[], object]]:
    def make() -> Callable[[], object]:
        return Pool(cidr, strategy=strategy).allocate
    return make


def naive_hosts(cidr: str) -> Callable[[], Callable[[], object]]:
    """The loop without a library: first host of ``net.hosts()`` not in a set of used ones."""
    def make() -> Callable[[], object]:
        net = ipaddress.ip_network(cidr)
        used: set[ipaddress.IPv4Address | ipaddress.IPv6Address] = set()

        def allocate() -> object:
            for host in net.hosts():
                if host not in used:
                    used.add(host)
                    return host
            raise RuntimeError("exhausted")
        return allocate
    return make


def subnet_alloc(cidr: str, plen: int) -> Callable[[], Callable[[], object]]:
    def make() -> Callable[[], object]:
        pool = SubnetPool(cidr)
        return lambda: pool.allocate(plen)
    return make


def naive_subnets(cidr: str, plen: int) -> Callable[[], Callable[[], object]]:
    def make() -> Callable[[], object]:
        net = ipaddress.ip_network(cidr)
        used: set[ipaddress.IPv4Network | ipaddress.IPv6Network] = set()

        def allocate() -> object:
            for sub in net.subnets(new_prefix=plen):
                if sub not in used:
                    used.add(sub)
                    return sub
            raise RuntimeError("exhausted")
        return allocate
    return make


def bytes_per_allocation(cidr: str, strategy: str, n: int) -> float:
    """Bytes of pool state added per allocation (the returned addresses are dropped)."""
    gc.collect()
    tracemalloc.start()
    pool = Pool(cidr, strategy=strategy)
    before = tracemalloc.get_traced_memory()[0]
    for _ in range(n):
        pool.allocate("pod")
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return (after - before) / n


def naive_bytes_per_allocation(cidr: str, n: int) -> float:
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    used = {}
    hosts = ipaddress.ip_network(cidr).hosts()
    for _ in range(n):
        used[next(hosts)] = "pod"
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return (after - before) / n


def main(argv: list[str] | None = None) -> int:
    quick = quick_flag(argv, __doc__)
    n = 300 if quick else 20_000  # allocations per timed run (scale cases)
    naive_n = 300 if quick else 3_000  # the naive loop is O(n) per allocation
    repeats = 2 if quick else 5
    rows: list[Row] = []

    # 1. cost does not grow with the pool: /17 vs /8 vs IPv6 /64 (lowest)
    base = best_op_ns(pool_alloc("10.0.0.0/17"), n, repeats)
    for cidr in ("10.0.0.0/8", "fd00::/64"):
        t = best_op_ns(pool_alloc(cidr), n, repeats)
        rows.append(row(f"Pool.allocate() from a {cidr[cidr.index('/'):]} vs a /17 ({n} allocations)",
                        t, base, "/17", 1.5, within=True))

    # 2. against the loop without a library
    t_netx = best_op_ns(pool_alloc("10.0.0.0/20"), naive_n, repeats)
    t_naive = best_op_ns(naive_hosts("10.0.0.0/20"), naive_n, max(1, repeats // 2))
    rows.append(row(f"{naive_n} allocations from a /20 vs ipaddress hosts() + set (per allocation)",
                    t_netx, t_naive, target=30))

    # 3. each strategy (time per allocation, plus release)
    for strategy in ("lowest", "round_robin", "random"):
        for cidr in ("10.0.0.0/16", "fd00::/64"):
            t = best_op_ns(pool_alloc(cidr, strategy), min(n, 20_000), repeats)
            rows.append((f"strategy={strategy}, {cidr} (per allocation)", fmt_ns(t), "", ""))

    def release_op() -> Callable[[], object]:
        pool = Pool("10.0.0.0/16", strategy="random")
        got = iter(pool.allocate_many(n))
        return lambda: pool.release(next(got))
    t = best_op_ns(release_op, n, repeats)
    rows.append(("Pool.release() after random allocations, /16", fmt_ns(t), "", ""))

    def many_op() -> Callable[[], object]:
        pool = Pool("10.0.0.0/8")
        return lambda: pool.allocate_many(100)
    t = best_op_ns(many_op, max(1, n // 100), repeats) / 100
    rows.append(("Pool.allocate_many(100), /8 (per address)", fmt_ns(t), "", ""))

    # 4. memory per allocation
    mem_n = 2_000 if quick else 50_000
    naive_mem = naive_bytes_per_allocation("10.0.0.0/8", mem_n)
    for strategy in ("lowest", "random"):
        for cidr in ("10.0.0.0/8", "fd00::/64"):
            b = bytes_per_allocation(cidr, strategy, mem_n)
            rows.append((f"bytes of state per allocation, {strategy}, {cidr} ({mem_n} allocations)",
                         f"{b:.0f} B", f"{naive_mem:.0f} B (dict of ipaddress → owner)", ratio_cell(b / naive_mem)))

    # 5. SubnetPool
    sub_n = 300 if quick else 1_000
    t26 = best_op_ns(subnet_alloc("10.0.0.0/16", 26), sub_n, repeats)
    t64 = best_op_ns(subnet_alloc("2001:db8::/32", 64), sub_n, repeats)
    rows.append(row(f"SubnetPool /64s from a /32 vs /26s from a /16 ({sub_n} allocations)",
                    t64, t26, "/26", 1.5, within=True))
    t_naive26 = best_op_ns(naive_subnets("10.0.0.0/16", 26), sub_n, 1)
    rows.append(row(f"SubnetPool /26s from a /16 vs ipaddress subnets() + set ({sub_n} allocations)",
                    t26, t_naive26, target=30))

    print_header("netx.ipam pool benchmark: time per allocation, best of N repeats; ratio = peer / netx "
                 "(higher is better), or netx / the /17 or /26 case where the target is a ceiling", netx, quick=quick)
    print_table(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
