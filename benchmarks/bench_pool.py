"""Benchmark: netx.ipam.Pool / SubnetPool allocation against the loop people write without
a library (scan ``ipaddress`` hosts or subnets, skipping a ``set`` of used ones).

    python benchmarks/bench_pool.py          # full sizes
    python benchmarks/bench_pool.py --quick  # small sizes (smoke test)

Prints µs per allocation (best of N repeats, ``time.perf_counter_ns``), ratios with their
targets (PASS/MISS) and bytes of pool state per allocation (``tracemalloc``).
"""

from __future__ import annotations

import argparse
import gc
import ipaddress
import sys
import time
import tracemalloc
from typing import Callable

from netx.ipam import Pool, SubnetPool


def best_us(make: Callable[[], Callable[[], object]], n: int, repeats: int) -> float:
    """Best µs per operation: ``make()`` builds fresh state and returns one op, timed ``n`` times."""
    best = float("inf")
    for _ in range(repeats):
        op = make()
        gc.collect()
        gc.disable()
        try:
            t0 = time.perf_counter_ns()
            for _ in range(n):
                op()
            elapsed = time.perf_counter_ns() - t0
        finally:
            gc.enable()
        best = min(best, elapsed / n / 1000)
    return best


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


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke test)")
    args = parser.parse_args(argv)
    quick = args.quick
    n = 300 if quick else 20_000  # allocations per timed run (scale cases)
    naive_n = 300 if quick else 3_000  # the naive loop is O(n) per allocation
    repeats = 2 if quick else 5
    rows: list[tuple[str, str, str, str, str]] = []
    failed = 0

    # 1. cost does not grow with the pool: /17 vs /8 vs IPv6 /64 (lowest)
    base = best_us(pool_alloc("10.0.0.0/17"), n, repeats)
    for cidr in ("10.0.0.0/8", "fd00::/64"):
        t = best_us(pool_alloc(cidr), n, repeats)
        ok = t <= 1.5 * base
        failed += not ok
        rows.append((f"Pool.allocate() from a {cidr[cidr.index('/'):]} vs a /17 (µs, {n} allocations)",
                     f"{t:.2f}", f"{base:.2f} (/17)", f"{t / base:.2f}×", f"target ≤ 1.5× {verdict(ok)}"))

    # 2. against the loop without a library
    t_netx = best_us(pool_alloc("10.0.0.0/20"), naive_n, repeats)
    t_naive = best_us(naive_hosts("10.0.0.0/20"), naive_n, max(1, repeats // 2))
    ok = t_naive / t_netx >= 30
    failed += not ok
    rows.append((f"{naive_n} allocations from a /20 vs ipaddress hosts() + set (µs/alloc)",
                 f"{t_netx:.2f}", f"{t_naive:.1f}", f"{t_naive / t_netx:.0f}× faster",
                 f"target ≥ 30× {verdict(ok)}"))

    # 3. each strategy (µs per allocation, plus release)
    for strategy in ("lowest", "round_robin", "random"):
        for cidr in ("10.0.0.0/16", "fd00::/64"):
            t = best_us(pool_alloc(cidr, strategy), min(n, 20_000), repeats)
            rows.append((f"strategy={strategy}, {cidr} (µs/alloc)", f"{t:.2f}", "", "", "report"))

    def release_op() -> Callable[[], object]:
        pool = Pool("10.0.0.0/16", strategy="random")
        got = iter(pool.allocate_many(n))
        return lambda: pool.release(next(got))
    t = best_us(release_op, n, repeats)
    rows.append(("Pool.release() after random allocations, /16 (µs)", f"{t:.2f}", "", "", "report"))

    def many_op() -> Callable[[], object]:
        pool = Pool("10.0.0.0/8")
        return lambda: pool.allocate_many(100)
    t = best_us(many_op, max(1, n // 100), repeats) / 100
    rows.append(("Pool.allocate_many(100), /8 (µs per address)", f"{t:.2f}", "", "", "report"))

    # 4. memory per allocation
    mem_n = 2_000 if quick else 50_000
    naive_mem = naive_bytes_per_allocation("10.0.0.0/8", mem_n)
    for strategy in ("lowest", "random"):
        for cidr in ("10.0.0.0/8", "fd00::/64"):
            b = bytes_per_allocation(cidr, strategy, mem_n)
            rows.append((f"bytes of state per allocation, {strategy}, {cidr} ({mem_n} allocations)",
                         f"{b:.0f} B", f"{naive_mem:.0f} B (dict of ipaddress → owner)", f"{b / naive_mem:.2f}×",
                         "report"))

    # 5. SubnetPool
    sub_n = 300 if quick else 1_000
    t26 = best_us(subnet_alloc("10.0.0.0/16", 26), sub_n, repeats)
    t64 = best_us(subnet_alloc("2001:db8::/32", 64), sub_n, repeats)
    ok = t64 <= 1.5 * t26
    failed += not ok
    rows.append((f"SubnetPool /64s from a /32 vs /26s from a /16 (µs, {sub_n} allocations)",
                 f"{t64:.2f}", f"{t26:.2f} (/26)", f"{t64 / t26:.2f}×", f"target ≤ 1.5× {verdict(ok)}"))
    t_naive26 = best_us(naive_subnets("10.0.0.0/16", 26), sub_n, 1)
    ok = t_naive26 / t26 >= 30
    failed += not ok
    rows.append((f"SubnetPool /26s from a /16 vs ipaddress subnets() + set ({sub_n} allocations, µs)",
                 f"{t26:.2f}", f"{t_naive26:.1f}", f"{t_naive26 / t26:.0f}× faster", f"target ≥ 30× {verdict(ok)}"))

    print(f"netx.ipam pool benchmark — Python {sys.version.split()[0]}{' (--quick)' if quick else ''}\n")
    print("| case | netx | peer | ratio | target |")
    print("|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(f"\n{failed} target(s) missed" if failed else "\nall targets met")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
