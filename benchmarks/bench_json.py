"""netx.json against its peers, side by side in one run.

    python benchmarks/bench_json.py            # 10k values per case
    python benchmarks/bench_json.py --quick    # 500 values, few repeats (smoke test)

Every case serializes (or parses) one list; times are ns per value, best of N repeats.
The headline: ``orjson.dumps(ips, default=netx.json.default)`` against
``orjson.dumps(stdlib_addresses, default=str)`` (target ≥ 8×), and how far the hook
sits above the floor, orjson writing the same text as plain ``str`` objects.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import random
import sys
import time
from typing import Any, Callable

import netaddr
import orjson

import netx
import netx.json as nj
from netx import IP, IPNet

Row = tuple[str, float, str, float, str]  # case, netx ns, peer name, peer ns, target note


def best_ns(fn: Callable[[], Any], count: int, repeats: int, setup: Callable[[], Any] | None = None) -> float:
    """Best-of-``repeats`` time of ``fn()`` in ns per value (``setup`` runs untimed before each)."""
    best = float("inf")
    for _ in range(repeats):
        if setup is not None:
            setup()
        start = time.perf_counter_ns()
        fn()
        best = min(best, time.perf_counter_ns() - start)
    return best / count


def pair_ns(mine: Callable[[], Any], peer: Callable[[], Any], count: int, repeats: int,
            setup: Callable[[], Any] | None = None) -> tuple[float, float]:
    """Best-of-``repeats`` ns per item of ``mine()`` and ``peer()``, timed alternately so that
    both see the same machine (other load on a 2-core box hits both sides alike)."""
    best_mine = best_peer = float("inf")
    for _ in range(repeats):
        best_mine = min(best_mine, best_ns(mine, count, 1, setup))
        best_peer = min(best_peer, best_ns(peer, count, 1))
    return best_mine, best_peer


def addresses(n: int, rng: random.Random, v6_share: float) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    out: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = []
    for _ in range(n):
        if rng.random() < v6_share:
            out.append(ipaddress.IPv6Address(rng.getrandbits(128)))
        else:
            out.append(ipaddress.IPv4Address(rng.getrandbits(32)))
    return out


def _plain(result: Any) -> Any:
    """What a case produced, comparable across libraries (JSON text is parsed, values printed)."""
    if isinstance(result, (bytes, str)):
        return orjson.loads(result)
    return [str(v) for v in result]


def ratio_cell(netx_ns: float, peer_ns: float, target: float | None) -> str:
    ratio = peer_ns / netx_ns
    if target is None:
        return f"{ratio:.2f}×"
    verdict = "PASS" if ratio >= target else "MISS"
    return f"{ratio:.1f}× (target ≥ {target:g}×) {verdict}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes, few repeats")
    args = parser.parse_args(argv)
    n, repeats = (500, 3) if args.quick else (10_000, 15)
    rng = random.Random(2024)

    std_mixed = addresses(n, rng, 0.5)
    std_v4 = addresses(n, rng, 0.0)
    mixed_text = [str(a) for a in std_mixed]
    v4_text = [str(a) for a in std_v4]
    nx_mixed = [IP(s) for s in mixed_text]
    nx_v4 = [IP(s) for s in v4_text]
    na_mixed = [netaddr.IPAddress(s) for s in mixed_text]
    for ip in nx_mixed:  # values that were printed once keep their text (netx caches it)
        str(ip)
    std_nets = [ipaddress.ip_network(f"{a}/{24 if a.version == 4 else 64}", strict=False) for a in std_mixed]
    nx_nets = [IPNet(str(net)) for net in std_nets]
    ints = [(int(a), a.version) for a in std_mixed]
    cold: list[list[IP]] = []

    def fresh() -> None:  # addresses that never printed themselves: no cached text
        cold[:] = [[IP(i, version=v) for i, v in ints]]

    default = nj.default
    dumps = orjson.dumps
    rows: list[tuple[str, float, str, float, float | None]] = []

    def case(name: str, mine: Callable[[], Any], peer_name: str, peer: Callable[[], Any],
             target: float | None, setup: Callable[[], Any] | None = None) -> None:
        if setup is not None:
            setup()
        assert _plain(mine()) == _plain(peer()), f"{name}: netx and peer disagree"
        mine_ns, peer_ns = pair_ns(mine, peer, n, repeats, setup)
        rows.append((name, mine_ns, peer_name, peer_ns, target))

    case("orjson.dumps, 50/50 IPv4/IPv6, hook", lambda: dumps(nx_mixed, default=default),
         "stdlib, default=str", lambda: dumps(std_mixed, default=str), 8)
    case("orjson.dumps, IPv4 only, hook", lambda: dumps(nx_v4, default=default),
         "stdlib, default=str", lambda: dumps(std_v4, default=str), 8)
    case("orjson.dumps, 50/50, hook, text not cached yet", lambda: dumps(cold[0], default=default),
         "stdlib, default=str", lambda: dumps(std_mixed, default=str), None, setup=fresh)
    case("orjson.dumps, 50/50, hook", lambda: dumps(nx_mixed, default=default),
         "netaddr, default=str", lambda: dumps(na_mixed, default=str), None)
    case("orjson.dumps, networks 50/50, hook", lambda: dumps(nx_nets, default=default),
         "stdlib, default=str", lambda: dumps(std_nets, default=str), None)
    case("netx.json.dumps, 50/50", lambda: nj.dumps(nx_mixed),
         "stdlib, orjson default=str", lambda: dumps(std_mixed, default=str), None)
    case("json.dumps(cls=Encoder), 50/50", lambda: json.dumps(nx_mixed, cls=nj.Encoder),
         "stdlib, json.dumps(default=str)", lambda: json.dumps(std_mixed, default=str), None)
    data = dumps(mixed_text)
    case("netx.json.loads(data, list[IP]), 50/50", lambda: nj.loads(data, list[IP]),
         "[ip_address(s) for s in orjson.loads]",
         lambda: [ipaddress.ip_address(s) for s in orjson.loads(data)], None)

    floor_mixed = best_ns(lambda: dumps(mixed_text), n, repeats)
    floor_v4 = best_ns(lambda: dumps(v4_text), n, repeats)
    hook_mixed = rows[0][1]
    hook_v4 = rows[1][1]

    print(f"netx {netx.__version__}, orjson {orjson.__version__}, Python {sys.version.split()[0]}; "
          f"{n} values per case, best of {repeats}; ns per value; ratio = peer / netx (higher is better)\n")
    print("| case | netx | peer | ratio |")
    print("| --- | --- | --- | --- |")
    for name, mine, peer_name, peer, target in rows:
        print(f"| {name} | {mine:.1f} ns | {peer:.1f} ns ({peer_name}) | {ratio_cell(mine, peer, target)} |")
    for label, hook, floor in (("50/50", hook_mixed, floor_mixed), ("IPv4 only", hook_v4, floor_v4)):
        print(f"| floor: orjson.dumps of the same text as str, {label} | {hook:.1f} ns | {floor:.1f} ns (plain str) "
              f"| {ratio_cell(hook, floor, None)} (hook costs +{hook - floor:.1f} ns per value) |")
    missed = [name for name, mine, _, peer, target in rows if target is not None and peer / mine < target]
    if missed:
        print("\nMISS:", "; ".join(missed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
