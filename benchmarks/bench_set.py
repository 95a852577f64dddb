"""IPSet against netaddr.IPSet (and the stdlib where it has an equivalent), side by side.

    python benchmarks/bench_set.py           # full sizes: 20k CIDRs, 850k single IPs
    python benchmarks/bench_set.py --quick   # small sizes (the smoke test)

Every number is the best of several runs (``time.perf_counter_ns``). ``ratio`` is
peer time / netx time, so 5× means netx is five times faster.
"""

from __future__ import annotations

import ipaddress
import math
import os
import random
import sys
from bisect import bisect_right
from typing import Any, Callable

import netaddr

from netx import IP, IPNet, IPSet

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # benchmarks/ is not a package
from _harness import Row, best_ns, fmt_ns, print_header, print_table, quick_flag, row  # noqa: E402


def random_cidrs(n: int, rng: random.Random) -> list[str]:
    """A blocklist-like mix: 90% IPv4 /16../32, 10% IPv6 /48../128 inside 2001:db8::/32."""
    out = []
    base6 = int(IP("2001:db8::"))
    for _ in range(n):
        if rng.random() < 0.9:
            plen = rng.randint(16, 32)
            value = rng.getrandbits(32) & ~((1 << (32 - plen)) - 1)
            out.append(f"{IP(value, version=4)}/{plen}")
        else:
            plen = rng.randint(48, 128)
            value = (base6 | rng.getrandbits(96)) & ~((1 << (128 - plen)) - 1)
            out.append(f"{IP(value, version=6)}/{plen}")
    return out


def random_ips(n: int, rng: random.Random) -> list[str]:
    """Single IPv4 addresses, clustered in a /12 so some of them merge."""
    base = int(IP("100.64.0.0"))
    return [str(IP(base + rng.getrandbits(20), version=4)) for _ in range(n)]


def collapse_stdlib(cidrs: list[str]) -> list[Any]:
    """The stdlib's nearest equivalent of building a set: parse, then collapse per family."""
    nets = [ipaddress.ip_network(c) for c in cidrs]
    v4 = [n for n in nets if n.version == 4]
    v6 = [n for n in nets if n.version == 6]
    return list(ipaddress.collapse_addresses(v4)) + list(ipaddress.collapse_addresses(v6))


def main(argv: list[str] | None = None) -> int:
    quick = quick_flag(argv, __doc__)
    n = 2_000 if quick else 20_000
    big = 40_000 if quick else 850_000
    na_small, na_large = (2_000, 8_000) if quick else (20_000, 80_000)
    reps = 3 if quick else 5
    rng = random.Random(2024)

    cidrs_a = random_cidrs(n, rng)
    cidrs_b = random_cidrs(n, rng)
    nets_a = [IPNet(c) for c in cidrs_a]
    na_nets_a = [netaddr.IPNetwork(c) for c in cidrs_a]

    rows: list[Row] = []

    # -- build ---------------------------------------------------------------------------
    t_netx = best_ns(lambda: IPSet(cidrs_a), repeats=reps)
    t_na = best_ns(lambda: netaddr.IPSet(cidrs_a), repeats=reps)
    rows.append(row(f"build from {n:,} CIDR strings (netaddr.IPSet)", t_netx, t_na, target=3))
    t_std = best_ns(lambda: collapse_stdlib(cidrs_a), repeats=reps)
    rows.append(row(f"build from {n:,} CIDR strings (ipaddress.collapse_addresses)", t_netx, t_std))
    t_netx_obj = best_ns(lambda: IPSet(nets_a), repeats=reps)
    t_na_obj = best_ns(lambda: netaddr.IPSet(na_nets_a), repeats=reps)
    rows.append(row(f"build from {n:,} network objects (IPNet vs IPNetwork)", t_netx_obj, t_na_obj))

    a, b = IPSet(cidrs_a), IPSet(cidrs_b)
    na_a, na_b = netaddr.IPSet(cidrs_a), netaddr.IPSet(cidrs_b)
    assert a.size == na_a.size and (a - b).size == (na_a - na_b).size  # same answers

    # -- membership ----------------------------------------------------------------------
    inside = [c.first for c in a.cidrs()]
    probes = [rng.choice(inside) if i % 2 else IP(rng.getrandbits(32), version=4) for i in range(n)]
    na_probes = [p.to_netaddr() for p in probes]
    str_probes = [str(p) for p in probes]
    assert [p in a for p in probes] == [p in na_a for p in na_probes]

    def member(s: Any, ps: list[Any]) -> Callable[[], None]:
        def run() -> None:
            for p in ps:
                p in s  # noqa: B015
        return run

    per = len(probes)
    t_netx = best_ns(member(a, probes), repeats=reps) / per
    t_na = best_ns(member(na_a, na_probes), repeats=reps) / per
    rows.append(row("membership: IP in set (per lookup)", t_netx, t_na, target=3))
    t_netx_s = best_ns(member(a, str_probes), repeats=reps) / per
    t_na_s = best_ns(member(na_a, str_probes), repeats=reps) / per
    rows.append(row("membership: str in set (per lookup)", t_netx_s, t_na_s))
    keys = a._lo
    int_probes = [int(p) for p in probes]

    def floor() -> None:
        for k in int_probes:
            bisect_right(keys, k)

    rows.append(row("membership: IP in set vs floor (bare bisect on int keys)", t_netx,
                    best_ns(floor, repeats=reps) / per))

    # -- algebra -------------------------------------------------------------------------
    t_netx = best_ns(lambda: a - b, repeats=reps)
    t_na = best_ns(lambda: na_a - na_b, repeats=reps)
    rows.append(row(f"difference a - b ({n:,} CIDRs each)", t_netx, t_na, target=10))
    rows.append(row(f"union a \\| b ({n:,} CIDRs each)", best_ns(lambda: a | b, repeats=reps),
                    best_ns(lambda: na_a | na_b, repeats=reps)))
    rows.append(row(f"intersection a & b ({n:,} CIDRs each)", best_ns(lambda: a & b, repeats=reps),
                    best_ns(lambda: na_a & na_b, repeats=reps)))
    rows.append(row(f"symmetric difference a ^ b ({n:,} CIDRs each)", best_ns(lambda: a ^ b, repeats=reps),
                    best_ns(lambda: na_a ^ na_b, repeats=reps)))
    rows.append(row(f"cidrs() of a ({len(a.cidrs()):,} CIDRs)", best_ns(a.cidrs, repeats=reps),
                    best_ns(lambda: list(na_a.iter_cidrs()), repeats=reps)))

    # -- build from many single IPs -----------------------------------------------------------
    ips = random_ips(big, rng)
    t_netx = best_ns(lambda: IPSet(ips), repeats=3)
    t1 = best_ns(lambda: netaddr.IPSet(ips[:na_small]), repeats=2)
    t2 = best_ns(lambda: netaddr.IPSet(ips[:na_large]), repeats=1)
    exponent = max(1.0, math.log(t2 / t1) / math.log(na_large / na_small))
    t_na = t2 * (big / na_large) ** exponent
    peer = (f"extrapolated from {na_small:,}: {fmt_ns(t1)} and {na_large:,}: {fmt_ns(t2)}, "
            f"n^{exponent:.2f}")
    rows.append(row(f"build from {big:,} single IP strings", t_netx, t_na, peer))

    print_header("IPSet vs netaddr.IPSet (and the stdlib); best of N runs; "
                 "ratio = peer time / netx time (higher is better)", netaddr, quick=quick)
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
