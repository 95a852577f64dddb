"""netx.json against its peers, side by side in one run.

    python benchmarks/bench_json.py            # 10k values per case
    python benchmarks/bench_json.py --quick    # 500 values, few repeats (smoke test)

Every case serializes (or parses) one list; times are ns per value, best of N repeats.
The headline: ``orjson.dumps(ips, default=netx.json.default)`` against
``orjson.dumps(stdlib_addresses, default=str)`` (target ≥ 8×), and how far the hook
sits above the floor, orjson writing the same text as plain ``str`` objects.
"""

from __future__ import annotations

import ipaddress
import json
import os
import random
import sys
from typing import Any, Callable

import netaddr
import orjson

import netx
import netx.json as nj
from netx import IP, IPNet

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # benchmarks/ is not a package
from _harness import (  # noqa: E402
    Row, best_ns, fmt_ns, interleaved, print_header, print_table, quick_flag, random_addresses, row)


def _plain(result: Any) -> Any:
    """What a case produced, comparable across libraries (JSON text is parsed, values printed)."""
    if isinstance(result, (bytes, str)):
        return orjson.loads(result)
    return [str(v) for v in result]


def main(argv: list[str] | None = None) -> int:
    quick = quick_flag(argv, __doc__)
    n, repeats = (500, 3) if quick else (10_000, 15)
    rng = random.Random(2024)

    std_mixed = random_addresses(n, rng, 0.5)
    std_v4 = random_addresses(n, rng, 0.0)
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
    rows: list[Row] = []
    hook_ns: list[float] = []  # netx's time in the first two cases, for the floor rows

    def case(name: str, mine: Callable[[], Any], peer_name: str, peer: Callable[[], Any],
             target: float | None, setup: Callable[[], Any] | None = None) -> None:
        if setup is not None:
            setup()
        assert _plain(mine()) == _plain(peer()), f"{name}: netx and peer disagree"
        mine_ns, peer_ns = interleaved([mine, peer], n, repeats, setup=setup)
        rows.append(row(name, mine_ns, peer_ns, peer_name, target))
        hook_ns.append(mine_ns)

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
    for label, hook, floor in (("50/50", hook_ns[0], floor_mixed), ("IPv4 only", hook_ns[1], floor_v4)):
        rows.append(row(f"floor: orjson.dumps of the same text as str, {label}", hook, floor, "plain str",
                        note=f" (hook costs +{fmt_ns(hook - floor)} per value)"))

    print_header(f"{n} values per case, best of {repeats}; time per value; ratio = peer / netx (higher is better)",
                 netx, orjson, quick=quick)
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
