"""Parsing and formatting speed of netx's core types, side by side with ipaddress and netaddr.

    python benchmarks/bench_parse.py           # full sizes
    python benchmarks/bench_parse.py --quick   # small sizes (the smoke test)

Every case parses the same list of distinct strings with each implementation, in one
run, best of N repeats, and prints ns per operation and the ratio peer / netx
against the project's target. "floor" rows show the C-level floor (``inet_pton`` +
``int.from_bytes``) that no Python-level parser can beat.
"""

from __future__ import annotations

import ipaddress
import os
import random
import sys
from operator import attrgetter
from socket import AF_INET, AF_INET6, inet_pton
from typing import Any, Callable

import netaddr

import netx
from netx import IP, IPInterface, IPNet, parse_ip
from netx import _codec
from netx._ip import _make

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # benchmarks/ is not a package
from _harness import Row, interleaved, print_header, print_table, quick_flag, row  # noqa: E402


def _each(func: Callable[[Any], Any], data: list[Any]) -> Callable[[], None]:
    def run() -> None:
        for item in data:
            func(item)

    return run


def _data(n: int, rng: random.Random) -> dict[str, list[str]]:
    v4 = [str(ipaddress.IPv4Address(rng.getrandbits(32))) for _ in range(n)]
    v6 = []
    for _ in range(n):
        # realistic addresses: a /32 documentation-style prefix, some zero hextets
        value = (0x20010DB8 << 96) | (rng.getrandbits(16) << 80) | rng.getrandbits(48)
        v6.append(str(ipaddress.IPv6Address(value)))
    cidr4 = [str(ipaddress.ip_network((rng.getrandbits(32), p), strict=False))
             for p in (rng.choice((8, 16, 20, 24, 28, 32)) for _ in range(n))]
    cidr6 = [str(ipaddress.ip_network(((0x20010DB8 << 96) | (rng.getrandbits(64) << 32), p), strict=False))
             for p in (rng.choice((32, 48, 56, 64, 96, 128)) for _ in range(n))]
    return {"v4": v4, "v6": v6, "cidr4": cidr4, "cidr6": cidr6}


def _floor4(s: str) -> int:
    return int.from_bytes(inet_pton(AF_INET, s))


def _floor6(s: str) -> int:
    return int.from_bytes(inet_pton(AF_INET6, s))


def _floor_net(s: str) -> int:
    addr, _, plen = s.partition("/")
    return int.from_bytes(inet_pton(AF_INET6 if ":" in addr else AF_INET, addr))


def run(quick: bool) -> list[Row]:
    n = 300 if quick else 3000
    repeats = 3 if quick else 25
    rng = random.Random(20240601)
    data = _data(n, rng)
    rows: list[Row] = []

    def compare(case: str, mine: Callable[[Any], Any], items: list[Any],
                peers: list[tuple[str, Callable[[Any], Any], float | None]]) -> None:
        fns = [_each(mine, items)] + [_each(p, items) for _, p, _ in peers]
        times = interleaved(fns, len(items), repeats, gc_off=True)
        for (peer_name, _, target), peer_ns in zip(peers, times[1:]):
            rows.append(row(case, times[0], peer_ns, peer_name, target))

    parse_cases = [
        ("IPv4 address", data["v4"], [("ipaddress.ip_address", ipaddress.ip_address, 4.0),
                                      ("netaddr.IPAddress", netaddr.IPAddress, 4.0),
                                      ("floor: inet_pton+from_bytes", _floor4, None)]),
        ("IPv6 address", data["v6"], [("ipaddress.ip_address", ipaddress.ip_address, 6.0),
                                      ("netaddr.IPAddress", netaddr.IPAddress, 3.0),
                                      ("floor: inet_pton+from_bytes", _floor6, None)]),
    ]
    for label, items, peers in parse_cases:
        compare(f"{label}: netx.IP(s)", IP, items, peers)
        compare(f"{label}: netx.parse_ip(s)", parse_ip, items, peers[:2])
    for label, items in (("IPv4 CIDR", data["cidr4"]), ("IPv6 CIDR", data["cidr6"])):
        compare(f"{label}: netx.IPNet(s)", IPNet, items, [
            ("ipaddress.ip_network", ipaddress.ip_network, 5.0),
            ("netaddr.IPNetwork", netaddr.IPNetwork, 2.5),
            ("floor: partition+inet_pton", _floor_net, None),
        ])

    ifaces4 = [s.replace(".0/", ".1/") for s in data["cidr4"]]
    compare("IPv4 interface: netx.IPInterface(s)", IPInterface, ifaces4,
            [("ipaddress.ip_interface", ipaddress.ip_interface, None)])

    # Do the constructors' inlined copies of the codec's fast paths pay? The same class
    # calling netx._codec instead (ratio = codec-call time / inlined time; > 1 pays).
    for label, mine, items, codec_call in (
        ("IPv4 address: netx.IP(s)", IP, data["v4"], _CodecIP),
        ("IPv6 address: netx.IP(s)", IP, data["v6"], _CodecIP),
        ("IPv4 address: netx.parse_ip(s)", parse_ip, data["v4"], _codec_parse_ip),
        ("IPv4 CIDR: netx.IPNet(s)", IPNet, data["cidr4"], _CodecNet),
        ("IPv4 interface: netx.IPInterface(s)", IPInterface, ifaces4, _CodecInterface),
    ):
        compare(label, mine, items, [("calling netx._codec instead of the inlined path", codec_call, None)])

    # str() of a freshly parsed address (netx caches the text, so each repeat parses anew)
    for label, items in (("IPv4", data["v4"]), ("IPv6", data["v6"])):
        best_mine = best_peer = float("inf")
        for _ in range(repeats):
            mine_objs = [IP(s) for s in items]
            peer_objs = [ipaddress.ip_address(s) for s in items]
            mine_ns, peer_ns = interleaved([_each(str, mine_objs), _each(str, peer_objs)], len(items), 1, gc_off=True)
            best_mine, best_peer = min(best_mine, mine_ns), min(best_peer, peer_ns)
        rows.append(row(f"str() of a parsed {label} address", best_mine, best_peer, "str(ipaddress address)"))

    # sorting a mixed list: netx sorts v4 before v6 natively; the stdlib needs a key
    size = 2000 if quick else 10000
    mixed = [str(ipaddress.IPv4Address(rng.getrandbits(32))) if rng.random() < 0.5
             else str(ipaddress.IPv6Address(rng.getrandbits(128))) for _ in range(size)]
    mine_ips = [IP(s) for s in mixed]
    peer_ips = [ipaddress.ip_address(s) for s in mixed]
    assert [str(a) for a in sorted(mine_ips)] == [str(a) for a in sorted(peer_ips, key=lambda a: (a.version, a))]
    sort_repeats = max(3, repeats // 5)
    mine_ns, by_addr, by_int = interleaved([
        lambda: sorted(mine_ips),
        lambda: sorted(peer_ips, key=lambda a: (a.version, a)),
        lambda: sorted(peer_ips, key=lambda a: (a.version, int(a))),
    ], size, sort_repeats, gc_off=True)
    rows.append(row(f"sorted() {size} mixed IPs, per item", mine_ns, by_addr, "stdlib sorted(key=(version, addr))"))
    rows.append(row(f"sorted() {size} mixed IPs, per item", mine_ns, by_int, "stdlib sorted(key=(version, int))"))
    rows += hot_paths(quick, rng)
    return rows


class _CodecIP(IP):
    """``IP`` whose constructor calls the codec instead of its inlined copy."""

    __slots__ = ()

    def __init__(self, value: str) -> None:
        self._int, self._ver, self._zone, self._str = _codec.address(value)
        self._key4 = self._int if self._ver == 4 else self._int + _codec.V6_BASE
        self._obj = None


def _codec_parse_ip(text: str) -> IP:
    return _make(*_codec.address(text))


class _CodecNet(IPNet):
    """``IPNet`` whose constructor calls the codec instead of its inlined IPv4 copy."""

    __slots__ = ()

    def __init__(self, value: str) -> None:
        self._int, self._plen, self._ver, self._zone = _codec.network(value, True)
        self._str = self._obj = None


class _CodecInterface(IPInterface):
    """``IPInterface`` whose constructor calls the codec instead of its inlined copy."""

    __slots__ = ()

    def __init__(self, value: str) -> None:
        self._int, self._ver, self._zone, self._plen = _codec.interface(value)
        self._str = self._obj = None


class _Floor:
    """The least any Python-level ``__contains__`` costs: ``x in floor`` calls one that returns True."""

    __slots__ = ()

    def __contains__(self, item: object) -> bool:
        return True


def hot_paths(quick: bool, rng: random.Random) -> list[Row]:
    """``ip in net``, sorting same-family addresses, promoted attribute reads: netx vs stdlib objects."""
    n = 2000 if quick else 20000
    repeats = 3 if quick else 15
    rows: list[Row] = []
    ints = [rng.getrandbits(32) for _ in range(n)]
    mine_ips = [IP(i) for i in ints]
    peer_ips = [ipaddress.IPv4Address(i) for i in ints]
    nets = [(i >> (32 - p) << (32 - p), p) for i, p in zip(ints, (rng.choice((8, 16, 24, 28)) for _ in ints))]
    rng.shuffle(nets)  # about half the tests hit
    mine_pairs = list(zip(mine_ips, [IPNet(t) for t in nets]))
    peer_pairs = list(zip(peer_ips, [ipaddress.IPv4Network(t) for t in nets]))
    floor = _Floor()
    floor_pairs = [(ip, floor) for ip in mine_ips]
    assert [a in b for a, b in mine_pairs] == [a in b for a, b in peer_pairs]
    mine_ns, peer_ns, floor_ns = interleaved([
        lambda: [a in b for a, b in mine_pairs],
        lambda: [a in b for a, b in peer_pairs],
        lambda: [a in b for a, b in floor_pairs],
    ], n, repeats, gc_off=True)
    rows.append(row("ip in net, IPv4 (loop included)", mine_ns, peer_ns, "stdlib address in network", 1.3))
    rows.append(row("ip in net, IPv4 (loop included)", mine_ns, floor_ns, "floor: in, Python __contains__ returning True"))

    assert [str(a) for a in sorted(mine_ips)] == [str(a) for a in sorted(peer_ips)]
    mine_ns, peer_ns, int_ns = interleaved([
        lambda: sorted(mine_ips), lambda: sorted(peer_ips), lambda: sorted(ints),
    ], n, repeats, gc_off=True)
    rows.append(row(f"sorted() {n} IPv4 IPs, per item", mine_ns, peer_ns, "stdlib sorted(IPv4Address)", 1.5))
    rows.append(row(f"sorted() {n} IPv4 IPs, per item", mine_ns, int_ns, "floor: sorted(int)"))

    mine_nets = [b for _, b in mine_pairs]
    peer_nets = [b for _, b in peer_pairs]
    for name, mine_objs, peer_objs in (
        ("is_private", mine_ips, peer_ips), ("reverse_pointer", mine_ips, peer_ips),
        ("network_address", mine_nets, peer_nets), ("broadcast_address", mine_nets, peer_nets),
        ("num_addresses", mine_nets, peer_nets), ("with_prefixlen", mine_nets, peer_nets),
    ):
        read = attrgetter(name)
        for obj in mine_objs + peer_objs:  # both sides cache what they cache (stdlib: cached_property)
            read(obj)
        mine_ns, peer_ns = interleaved([
            lambda: [read(o) for o in mine_objs], lambda: [read(o) for o in peer_objs],
        ], n, repeats, gc_off=True)
        rows.append(row(f"promoted .{name} (second read)", mine_ns, peer_ns, "the stdlib object's", 1.0))
    return rows


def main(argv: list[str] | None = None) -> int:
    quick = quick_flag(argv, __doc__)
    rows = run(quick)
    print_header("time per operation, best of N repeats; ratio = peer time / netx time (higher is better for netx)",
                 netx, netaddr, quick=quick)
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
