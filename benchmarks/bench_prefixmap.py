"""PrefixMap against pytricia and py-radix (C extensions), side by side in one run.

    python benchmarks/bench_prefixmap.py           # 100k-prefix IPv4 table, 50k probes
    python benchmarks/bench_prefixmap.py --quick   # small sizes (the smoke test)

The table is random IPv4 prefixes of /8 to /24, 60% of them /24 (a routing-table-like
skew); probes are random IPv4 addresses. Every time is the best of several interleaved
runs (``time.perf_counter_ns``); ``ratio`` is peer time / netx time, so 2× means netx
is twice as fast. Memory per prefix is measured in a fresh child process per structure
(RSS growth while building, values shared), so C allocations count too.
"""

from __future__ import annotations

import gc
import os
from importlib.metadata import version
import random
import socket
import subprocess
import sys
from typing import Any, Callable

import pytricia
import radix

import netx
from netx import IP, IPNet, PrefixMap

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # benchmarks/ is not a package
from _harness import Row, fmt_ns, interleaved, print_header, print_table, quick_flag, ratio_cell, row  # noqa: E402


def table(n: int, rng: random.Random) -> list[str]:
    """``n`` distinct random IPv4 CIDRs, /8 to /24, 60% of them /24."""
    out: set[str] = set()
    while len(out) < n:
        plen = 24 if rng.random() < 0.6 else rng.randint(8, 23)
        value = rng.getrandbits(32) & ~((1 << (32 - plen)) - 1)
        out.add(f"{IP(value, version=4)}/{plen}")
    return sorted(out, key=lambda c: rng.random())


def chunked(probes: list[str], ips: list[IP], fns: list[Callable[[list[str], list[IP]], Any]], reps: int) -> list[float]:
    """ns per probe of each ``fn``, timed in chunks of 2,000 probes, each chunk interleaved and
    best of ``reps``: short rounds let every function meet the same quiet moments of a shared
    machine, where one long round per function would not. The order rotates every round, so no
    function always runs right after another that warmed the same memory (netx text and IP
    lookups read one map)."""
    total = [0.0] * len(fns)
    k = len(fns)
    for at in range(0, len(probes), 2_000):
        ps, ip_chunk = probes[at:at + 2_000], ips[at:at + 2_000]
        calls = [(lambda fn: lambda: fn(ps, ip_chunk))(fn) for fn in fns]
        best = [float("inf")] * k
        for r in range(reps):
            order = [(r + j) % k for j in range(k)]
            for j, t in zip(order, interleaved([calls[j] for j in order], len(ps), 1)):
                best[j] = min(best[j], t)
        total = [t + b * len(ps) for t, b in zip(total, best)]
    return [t / len(probes) for t in total]


def build_pytricia(cidrs: list[str]) -> Any:
    pt = pytricia.PyTricia()
    for i, cidr in enumerate(cidrs):
        pt[cidr] = i
    return pt


def build_radix(cidrs: list[str]) -> Any:
    rt = radix.Radix()
    for i, cidr in enumerate(cidrs):
        rt.add(cidr).data["v"] = i
    return rt


def build_netx(cidrs: list[str]) -> PrefixMap[int]:
    return PrefixMap(zip(cidrs, range(len(cidrs))))


_CHILD = """
import gc, os, sys
sys.path.insert(0, {here!r})
import bench_prefixmap as b
with open({path!r}) as f:
    cidrs = f.read().split()
gc.collect()
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
before = rss()
keep = getattr(b, {fn!r})(cidrs)
look = keep.longest if hasattr(keep, "longest") else keep.get
for cidr in cidrs:  # use every prefix once: netx sweeps its buckets and makes its pairs lazily
    look(cidr.partition("/")[0])
gc.collect()
print(rss() - before)
"""


def memory_per_prefix(fn: str, cidrs: list[str]) -> float:
    """Bytes of RSS per prefix that building the structure and looking up every prefix once
    adds, in a fresh process that reads the table from a file (so no garbage of making it is
    lying around to be reused)."""
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".txt") as f:
        f.write("\n".join(cidrs))
        f.flush()
        code = _CHILD.format(here=os.path.dirname(os.path.abspath(__file__)), path=f.name, fn=fn)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True)
    return int(out.stdout.split()[-1]) / len(cidrs)


def main(argv: list[str] | None = None) -> int:
    quick = quick_flag(argv, __doc__)
    n, probes_n, reps = (10_000, 5_000, 3) if quick else (100_000, 50_000, 7)
    rng = random.Random(2024)
    cidrs = table(n, rng)
    probes = [str(IP(rng.getrandbits(32), version=4)) for _ in range(probes_n)]
    ips = [IP(p) for p in probes]
    nets = [IPNet(c) for c in cidrs]

    m = build_netx(cidrs)
    pt = build_pytricia(cidrs)
    rt = build_radix(cidrs)
    for p in probes[:2000]:  # the three agree before anything is timed
        got = m.longest(p, None)
        assert (None if got is None else str(got[0])) == pt.get_key(p) == (rt.search_best(p).prefix if rt.search_best(p) else None)

    print_header(
        f"{n:,} random IPv4 prefixes (/8-/24, 60% /24), {probes_n:,} random probes; best of {reps}; "
        "ratio = peer / netx (higher is better)",
        netx, quick=quick, pytricia=version("pytricia"), **{"py-radix": version("py-radix")},
    )
    rows: list[Row] = []

    # -- lookups -----------------------------------------------------------------------------
    longest, get, best = m.longest, pt.get, rt.search_best
    from_bytes, pton = int.from_bytes, socket.inet_pton
    t_text, t_ip, t_pt, t_rx, t_floor = chunked(probes, ips, [
        lambda ps, _: [longest(p, None) for p in ps],
        lambda _, ip_chunk: [longest(ip, None) for ip in ip_chunk],
        lambda ps, _: [get(p) for p in ps],
        lambda ps, _: [best(p) for p in ps],
        lambda ps, _: [from_bytes(pton(socket.AF_INET, p)) for p in ps],
    ], reps)
    rows.append(row("longest(text) vs pytricia.get(text)", t_text, t_pt, "pytricia", target=1.5))
    rows.append(row("longest(text) vs py-radix search_best(text)", t_text, t_rx, "py-radix", target=1.5))
    rows.append(row("longest(IP) (pre-parsed) vs pytricia.get(text)", t_ip, t_pt, "pytricia"))
    rows.append(("floor: inet_pton + int.from_bytes per probe (no lookup at all)", fmt_ns(t_floor),
                 fmt_ns(t_text) + " (netx, text)", f"{t_floor / t_text:.0%} of a text lookup"))
    rows.append(("longest(IP) vs longest(text)", fmt_ns(t_ip), fmt_ns(t_text) + " (netx, text)",
                 ratio_cell(t_text / t_ip, 1.0)))

    # -- building ----------------------------------------------------------------------------
    b_reps = 2 if quick else 3
    t_build, t_build_pt, t_build_rx = interleaved(
        [lambda: build_netx(cidrs), lambda: build_pytricia(cidrs), lambda: build_radix(cidrs)], n, b_reps, gc_off=True
    )
    rows.append(row(f"build from {n:,} CIDR strings vs pytricia", t_build, t_build_pt, "pytricia", target=1.0))
    rows.append(row(f"build from {n:,} CIDR strings vs py-radix", t_build, t_build_rx, "py-radix"))
    # The bulk build leaves each IPv4 bucket to be swept on first use: charge that too, once.
    def cold_netx() -> None:
        fresh_map = build_netx(cidrs)
        for p in probes:
            fresh_map.longest(p, None)

    def cold_pytricia() -> None:
        fresh_table = build_pytricia(cidrs)
        for p in probes:
            fresh_table.get(p)

    t_cold, t_cold_pt = interleaved([cold_netx, cold_pytricia], n, b_reps, gc_off=True)
    rows.append(row(f"build, then {probes_n:,} first lookups vs pytricia (per prefix)", t_cold, t_cold_pt, "pytricia"))
    t_build_nets, = interleaved([lambda: PrefixMap(zip(nets, range(n)))], n, b_reps, gc_off=True)
    rows.append(row(f"build from {n:,} IPNet vs pytricia (strings)", t_build_nets, t_build_pt, "pytricia"))

    # -- mutation: a burst of inserts into the full map, then lookups ------------------------
    burst = table(5_000 if not quick else 1_000, random.Random(99))
    burst = [c for c in burst if c not in m]
    state: dict[str, Any] = {}

    def fresh() -> None:
        state["m"], state["pt"] = build_netx(cidrs), build_pytricia(cidrs)
        state["m"].longest(probes[0], None)  # in use: the one-time sweep of a bulk build is the row above's

    def insert_netx() -> None:
        mm = state["m"]
        for i, cidr in enumerate(burst):
            mm[cidr] = i

    def insert_pt() -> None:
        tt = state["pt"]
        for i, cidr in enumerate(burst):
            tt[cidr] = i

    t_ins, t_ins_pt = interleaved([insert_netx, insert_pt], len(burst), 2 if quick else 3, setup=fresh, gc_off=True)
    rows.append(row(f"insert into a {n:,} map ({len(burst):,} new prefixes)", t_ins, t_ins_pt, "pytricia"))
    after = state["m"]
    t_after, t_before = chunked(probes, ips, [lambda ps, _: [after.longest(p, None) for p in ps],
                                              lambda ps, _: [longest(p, None) for p in ps]], reps)
    rows.append(("longest(text) after the burst vs before", fmt_ns(t_after), fmt_ns(t_before) + " (netx, before)",
                 ratio_cell(t_before / t_after, note=" (nothing is rebuilt; the rest is memory locality)")))

    def delete_netx() -> None:
        mm = state["m"]
        for cidr in burst:
            del mm[cidr]

    def delete_pt() -> None:
        tt = state["pt"]
        for cidr in burst:
            del tt[cidr]

    def fresh_full() -> None:
        fresh()
        insert_netx()
        insert_pt()

    t_del, t_del_pt = interleaved([delete_netx, delete_pt], len(burst), 2, setup=fresh_full, gc_off=True)
    rows.append(row(f"delete from a {n:,} map", t_del, t_del_pt, "pytricia"))

    # -- memory ------------------------------------------------------------------------------
    gc.collect()
    mine = memory_per_prefix("build_netx", cidrs)
    theirs = memory_per_prefix("build_pytricia", cidrs)
    rows.append((f"memory per prefix ({n:,} prefixes, each looked up once; RSS growth)", f"{mine:,.0f} B", f"{theirs:,.0f} B (pytricia)",
                 f"{mine / theirs:.2f}× (netx / pytricia)"))
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
