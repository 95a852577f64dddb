"""netx.PrefixMap: the mapping, longest / covering / covered, against a brute-force model
(hypothesis, IPv4 and IPv6 mixed, inserts and deletes interleaved) and against pytricia."""

from __future__ import annotations

import bisect
import copy
import ipaddress
import itertools
import pickle
import random
import sys
import threading
import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import netx
from netx import IP, AddressError, IPNet, NetworkError, PrefixMap


# -- the mapping -------------------------------------------------------------------------
def test_mapping_basics() -> None:
    m: PrefixMap[str] = PrefixMap({"10.0.0.0/8": "a", "10.1.0.0/16": "b"})
    m["2001:db8::/32"] = "v6"
    m[IPNet("10.1.2.0/24")] = "c"
    assert len(m) == 4
    assert m["10.0.0.0/8"] == "a" and m[IPNet("10.1.0.0/16")] == "b"
    assert m[ipaddress.ip_network("2001:db8::/32")] == "v6"
    assert "10.1.0.0/16" in m and "10.2.0.0/16" not in m and IPNet("10.0.0.0/8") in m
    with pytest.raises(KeyError):
        m["10.2.0.0/16"]
    assert m.get("10.2.0.0/16", "none") == "none"
    assert list(m) == [IPNet("10.0.0.0/8"), IPNet("10.1.0.0/16"), IPNet("10.1.2.0/24"), IPNet("2001:db8::/32")]
    assert list(m.values()) == ["a", "b", "c", "v6"]
    assert list(m.items())[0] == (IPNet("10.0.0.0/8"), "a")
    del m["10.1.0.0/16"]
    assert len(m) == 3 and "10.1.0.0/16" not in m
    with pytest.raises(KeyError):
        del m["10.1.0.0/16"]
    assert m.pop("10.1.2.0/24") == "c"
    m.setdefault("192.168.0.0/16", "d")
    assert m["192.168.0.0/16"] == "d"
    m.clear()
    assert len(m) == 0 and m.longest("10.0.0.1", None) is None


def test_keys_are_strict_networks() -> None:
    m: PrefixMap[int] = PrefixMap()
    with pytest.raises(NetworkError, match="host bits set"):
        m["10.0.0.1/8"] = 1
    with pytest.raises(NetworkError, match="host bits set"):
        PrefixMap([("10.0.0.1/8", 1)])
    with pytest.raises(NetworkError):
        m["nonsense"] = 1
    with pytest.raises(TypeError):
        m[3.5] = 1
    with pytest.raises(TypeError, match="interface"):
        m[netx.IPInterface("10.0.0.1/24")] = 1
    with pytest.raises(TypeError, match="pairs"):
        PrefixMap([1, 2])  # type: ignore[list-item]
    m["10.0.0.1"] = 1  # a bare address is a host network
    assert list(m) == [IPNet("10.0.0.1/32")]


def test_equality_and_repr() -> None:
    a = PrefixMap({"10.0.0.0/8": 1, "::/0": 2})
    b = PrefixMap([("::/0", 2), ("10.0.0.0/8", 1)])
    assert a == b and a == {IPNet("10.0.0.0/8"): 1, IPNet("::/0"): 2}
    b["::/0"] = 3
    assert a != b
    assert repr(a) == "PrefixMap({'10.0.0.0/8': 1, '::/0': 2})"
    with pytest.raises(TypeError):
        hash(a)


def test_later_items_win_as_in_dict() -> None:
    m = PrefixMap([("10.0.0.0/8", 1), ("10.0.0.0/8", 2)])
    assert len(m) == 1 and m["10.0.0.0/8"] == 2


def test_iteration_detects_changes() -> None:
    m = PrefixMap({"10.0.0.0/8": 1, "11.0.0.0/8": 2})
    with pytest.raises(RuntimeError, match="changed size"):
        for net in m:
            m["12.0.0.0/8"] = 3
    for net in m:  # a new value for an existing key is no change of size
        m[net] = 0
    assert set(m.values()) == {0}


# -- lookups -------------------------------------------------------------------------------
def test_longest_covering_covered() -> None:
    m = PrefixMap({"0.0.0.0/0": "default", "10.0.0.0/8": "ten", "10.1.0.0/16": "b", "10.1.2.0/24": "c",
                   "::/0": "v6 default", "2001:db8::/32": "doc", "2001:db8:1::/48": "site"})
    assert m.longest("10.1.2.3") == (IPNet("10.1.2.0/24"), "c")
    assert m.longest(IP("10.1.3.3")) == (IPNet("10.1.0.0/16"), "b")
    assert m.longest("10.200.0.1") == (IPNet("10.0.0.0/8"), "ten")
    assert m.longest("192.0.2.1") == (IPNet("0.0.0.0/0"), "default")
    assert m.longest("2001:db8:1::5")[1] == "site"
    assert m.longest("2001:db8:2::5")[1] == "doc"
    assert m.longest("fe80::1%eth0")[1] == "v6 default"  # zones play no part in matching
    assert m.longest("::ffff:10.1.2.3")[1] == "v6 default"  # IPv4-mapped is IPv6, as in IPNet
    assert m.longest("10.1.2.0/25") == (IPNet("10.1.2.0/24"), "c")  # a network: one that holds it all
    assert m.longest(IPNet("10.1.0.0/16")) == (IPNet("10.1.0.0/16"), "b")
    assert m.longest("10.0.0.0/15")[1] == "ten"
    assert [v for _, v in m.covering("10.1.2.3")] == ["c", "b", "ten", "default"]
    assert [v for _, v in m.covering("10.1.0.0/16")] == ["b", "ten", "default"]
    assert [str(n) for n, _ in m.covered("10.0.0.0/8")] == ["10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24"]
    assert [str(n) for n, _ in m.covered("10.1.0.0/17")] == ["10.1.2.0/24"]
    assert [v for _, v in m.covered("2001:db8::/32")] == ["doc", "site"]
    assert m.covered("11.0.0.0/8") == []
    del m["0.0.0.0/0"]
    with pytest.raises(KeyError):
        m.longest("192.0.2.1")
    assert m.longest("192.0.2.1", None) is None
    assert m.covering("192.0.2.1") == []


def test_bad_lookups_are_clear_errors() -> None:
    m = PrefixMap({"10.0.0.0/8": 1})
    with pytest.raises(AddressError, match="'10.0.0.256'"):
        m.longest("10.0.0.256")
    with pytest.raises(AddressError):
        m.longest("2001:db8::1::2")
    with pytest.raises(NetworkError, match="host bits"):
        m.longest("10.0.0.1/8")
    with pytest.raises(TypeError):
        m.longest(3.5)
    huge = "1" * 1_000_000
    start = time.perf_counter()
    for probe in (huge, huge + ":", huge + "/8"):
        with pytest.raises((AddressError, NetworkError)) as info:
            m.longest(probe)
        assert len(str(info.value)) < 300
    assert time.perf_counter() - start < 1  # not a timing benchmark: a guard against parsing 1 MB


def test_short_prefixes_and_whole_space() -> None:
    m = PrefixMap({"0.0.0.0/1": "low", "128.0.0.0/1": "high"})
    assert m.longest("127.255.255.255")[1] == "low" and m.longest("128.0.0.0")[1] == "high"
    m["0.0.0.0/0"] = "all"
    m["255.255.255.255/32"] = "top"
    assert m.longest("255.255.255.255")[1] == "top" and m.longest("255.255.255.254")[1] == "high"
    del m["128.0.0.0/1"]
    assert m.longest("200.0.0.1")[1] == "all"
    m["::/0"] = "v6"
    m["ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"] = "v6 top"
    m["::/1"] = "v6 low"
    assert m.longest("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")[1] == "v6 top"
    assert m.longest("8000::")[1] == "v6"
    assert m.longest("::1")[1] == "v6 low"
    m._check()


def test_ipv6_is_exact_at_every_prefix_length() -> None:
    # one prefix of every length 0..128 on the path to one address, then its siblings' addresses
    addr = IP("2001:db8:85a3::8a2e:370:7334")
    m = PrefixMap((addr.prefix(plen), plen) for plen in range(129))
    m._check()
    for plen in range(129):
        net = addr.prefix(plen)
        assert m.longest(net) == (net, plen)
        assert [v for _, v in m.covering(net)] == list(range(plen, -1, -1))
        if plen:  # flip the bit just after the prefix: the match is exactly this length
            assert m.longest(IP(int(addr) ^ (1 << (128 - plen)), version=6))[1] == plen - 1
    assert m.longest(addr)[1] == 128
    for plen in range(0, 129, 3):
        del m[addr.prefix(plen)]
    m._check()
    assert m.longest(addr.prefix(64)) == (addr.prefix(64), 64)
    assert m.longest(addr.prefix(63))[1] == 62


def test_copy_pickle_and_validation_on_unpickle() -> None:
    m = PrefixMap({"10.0.0.0/8": [1], "2001:db8::/32": {"a": 2}})
    for other in (m.copy(), copy.copy(m), copy.deepcopy(m), pickle.loads(pickle.dumps(m))):
        assert other == m and other is not m
        assert other.longest("10.1.1.1") == (IPNet("10.0.0.0/8"), [1])
        other._check()
    assert m.copy()["10.0.0.0/8"] is m["10.0.0.0/8"]  # shallow
    bad = pickle.dumps(m).replace(b"10.0.0.0/8", b"10.0.0.1/8")
    with pytest.raises(NetworkError, match="host bits"):
        pickle.loads(bad)


def test_values_may_be_none_or_falsy() -> None:
    m = PrefixMap({"10.0.0.0/8": None, "10.1.0.0/16": 0, "10.1.1.0/24": ""})
    assert m.longest("10.2.0.0") == (IPNet("10.0.0.0/8"), None)
    assert m.longest("10.1.2.0") == (IPNet("10.1.0.0/16"), 0)
    assert m.longest("10.1.1.1") == (IPNet("10.1.1.0/24"), "")


# -- the IPv4 lookup tables and the bulk paths ---------------------------------------------
def _brute_longest(table: dict[IPNet, int], x: IP) -> tuple[IPNet, int] | None:
    hits = [n for n in table if n.version == x.version and x in n]
    return max(((n, table[n]) for n in hits), key=lambda p: p[0].prefixlen, default=None)


def test_dense_slots_and_cut_cells_agree_with_brute_force() -> None:
    """A /16 with more than 255 distinct answers (its cells no longer fit a byte), /24s cut by
    /25-/32 prefixes (a table per address), and slots reached only by short prefixes."""
    rng = random.Random(3)
    table: dict[IPNet, int] = {IPNet("10.0.0.0/8"): -1, IPNet("10.7.0.0/16"): -2}
    table.update({IPNet(f"10.7.{c}.0/24"): c for c in range(256)})  # 256 /24 answers + the /16 + the /8
    for _ in range(40):  # longer prefixes inside some of them, nested
        plen = rng.randint(25, 32)
        value = (10 << 24 | 7 << 16 | rng.getrandbits(16)) & ~((1 << (32 - plen)) - 1)
        table[IPNet((IP(value, version=4), plen))] = plen
    del table[IPNet("10.7.9.0/24")], table[IPNet("10.7.200.0/24")]  # two holes down to the /16
    table[IPNet("10.9.0.128/25")] = 99  # a cut /24 in a slot whose only other answer is the /8
    built = PrefixMap(table)
    incremental: PrefixMap[int] = PrefixMap()
    for net, value in table.items():
        incremental[net] = value
    probes = [IP(10 << 24 | 7 << 16 | rng.getrandbits(16), version=4) for _ in range(3000)]
    probes += [IP(f"10.9.0.{i}") for i in range(256)] + [IP("10.8.0.1"), IP("11.0.0.0"), IP("9.255.255.255")]
    probes += [n.first for n in table] + [n.last for n in table]
    for m in (built, incremental):
        for ip in probes:
            want = _brute_longest(table, ip)
            assert m.longest(ip, None) == want, ip
            assert m.longest(str(ip), None) == want, ip
    built._check()
    incremental._check()


def test_text_lookups_accept_exactly_what_ipaddress_accepts() -> None:
    """The text fast path (inet_pton for short strings) against the stdlib, odd strings included."""
    m = PrefixMap({"0.0.0.0/0": 4, "::/0": 6})
    cases = ["1.2.3.4", "255.255.255.255", "0.0.0.0", "01.2.3.4", "1.2.3.04", "1.2.3", "1.2.3.4.5", "1.2.3.4 ",
             " 1.2.3.4", "1.2.3.256", "1.2.3.-1", "0x1.2.3.4", "1.2.3.4\x00", "\u0661.2.3.4", "1..2.3", "",
             "123.123.123.123", "1234.1.1.1", "::1", "::", "1::", "::ffff:1.2.3.4", "fe80::1%eth0", "2001:db8::1",
             "2001:0db8:0000:0000:0000:0000:0000:0001", "1.2.3.4/32", "1.2.3.4%x", "::1::", ":::", "1:2:3:4:5:6:7:8:9"]
    for text in cases:
        try:  # (a CIDR string looks up a network)
            want: Any = ipaddress.ip_network(text) if "/" in text else ipaddress.ip_address(text)
        except ValueError:
            with pytest.raises((AddressError, NetworkError)):
                m.longest(text)
            continue
        assert m.longest(text)[1] == want.version, text


def test_bulk_paths_update_and_fromkeys() -> None:
    base = {f"10.{i}.0.0/16": i for i in range(40)}
    m = PrefixMap(base)
    m.update({"10.1.2.0/24": "a"})  # a few into many: each into its place
    m.update([("10.1.3.0/24", "b")], **{"192.168.0.0/16": "c"})
    assert m.longest("10.1.2.3") == (IPNet("10.1.2.0/24"), "a") and m["192.168.0.0/16"] == "c"
    big = {f"172.16.{i}.0/24": i for i in range(200)}
    m.update(big)  # many into few: one rebuild
    assert len(m) == 40 + 3 + 200 and m.longest("172.16.7.9") == (IPNet("172.16.7.0/24"), 7)
    assert m.longest("10.1.3.1")[1] == "b" and m.longest("10.3.1.1")[1] == 3
    m._check()
    mixed = [(IPNet("10.0.0.0/8"), 1), (("10.1.0.0", 16), 2), ("10.2.0.1", 3), (ipaddress.ip_network("::/0"), 4)]
    mm = PrefixMap(mixed)  # keys of every kind IPNet takes; a bare address is a host network
    assert list(mm) == [IPNet("10.0.0.0/8"), IPNet("10.1.0.0/16"), IPNet("10.2.0.1/32"), IPNet("::/0")]
    with pytest.raises(NetworkError, match="host bits set"):
        m.update([("10.9.9.0/24", 1), ("10.0.0.1/8", 2)])
    assert "10.9.9.0/24" not in m  # the batch is parsed first: nothing of it went in
    with pytest.raises(NetworkError):
        PrefixMap([("10.0.0.0/", 1)])
    odd = PrefixMap([("10.0.0.0/08", 1), ("10.1.0.0/255.255.0.0", 2)])  # what ipaddress takes, via IPNet
    assert list(odd) == [IPNet("10.0.0.0/8"), IPNet("10.1.0.0/16")]
    f = PrefixMap.fromkeys(["10.0.0.0/8", "::/0"], "x")
    assert f == {IPNet("10.0.0.0/8"): "x", IPNet("::/0"): "x"} and f.longest("::1") == (IPNet("::/0"), "x")
    it = iter(m)
    next(it)
    m.update(dict.fromkeys((f"172.{17 + i // 256}.{i % 256}.0/24" for i in range(500)), 0))
    with pytest.raises(RuntimeError):
        next(it)


# -- differential: a brute-force model -----------------------------------------------------
def _net(version: int, bits: int, plen: int, cluster: int) -> IPNet:
    width = 32 if version == 4 else 128
    value = (cluster << (width - 3)) | bits >> 3 if width > 3 else bits
    value &= ~((1 << (width - plen)) - 1) & ((1 << width) - 1)
    return IPNet((IP(value, version=version), plen))


# Few clusters and lengths around the band and slot edges, so prefixes nest and collide.
_LENGTHS4 = [0, 1, 2, 7, 8, 9, 15, 16, 17, 20, 23, 24, 25, 30, 31, 32]
_LENGTHS6 = [0, 1, 15, 16, 17, 31, 32, 33, 48, 63, 64, 65, 112, 127, 128]
nets = st.one_of(
    st.builds(lambda b, p, c: _net(4, b, p, c), st.integers(0, 2**32 - 1), st.sampled_from(_LENGTHS4), st.integers(0, 1)),
    st.builds(lambda b, p, c: _net(6, b, p, c), st.integers(0, 2**128 - 1), st.sampled_from(_LENGTHS6), st.integers(0, 1)),
)
ops = st.lists(st.tuples(st.sampled_from(["set", "set", "set", "del"]), nets, st.integers(0, 9)), max_size=40)


def _apply(m: PrefixMap[int], model: dict[IPNet, int], op: str, net: IPNet, value: int) -> None:
    """One step on both the map and the model (deleting a missing key is a KeyError)."""
    if op == "set":
        m[net] = value
        model[net] = value
    elif net in model:
        del m[net]
        del model[net]
    else:
        with pytest.raises(KeyError):
            del m[net]


def _brute_covering(model: dict[IPNet, int], x: IPNet) -> list[tuple[IPNet, int]]:
    hits = [n for n in model if n.version == x.version and n.prefixlen <= x.prefixlen and x in n]
    return [(n, model[n]) for n in sorted(hits, key=lambda n: -n.prefixlen)]


@settings(max_examples=150, deadline=None)
@given(ops, st.lists(nets, min_size=1, max_size=8))
def test_differential_against_brute_force(steps: list[tuple[str, IPNet, int]], probes: list[IPNet]) -> None:
    m: PrefixMap[int] = PrefixMap()
    model: dict[IPNet, int] = {}
    for op, net, value in steps:
        _apply(m, model, op, net, value)
    m._check()
    assert list(m.items()) == sorted(model.items())
    built = PrefixMap(model)  # the bulk build agrees with the incremental one (checked last:
    assert built == m  # _check sweeps every bucket the bulk build left for later)
    for probe in probes + list(model)[:4]:
        for x in (probe, probe.first, probe.last):
            target = x if isinstance(x, IPNet) else IPNet(x)
            want = _brute_covering(model, target)
            for mm in (m, built):
                assert mm.covering(x) == want
                assert mm.longest(x, None) == (want[0] if want else None)
                if isinstance(x, IP):
                    assert mm.longest(str(x), None) == (want[0] if want else None)
        want_covered = sorted((n, v) for n, v in model.items() if n in probe)
        assert m.covered(probe) == want_covered == built.covered(probe)
    built._check()


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(nets, st.integers(0, 9)), max_size=30), ops, st.lists(nets, min_size=1, max_size=6))
def test_mutating_a_bulk_built_map(items: list[tuple[IPNet, int]], steps: list[tuple[str, IPNet, int]], probes: list[IPNet]) -> None:
    """The bulk build sweeps IPv4 buckets lazily: mutations and lookups must meet them in any state."""
    m = PrefixMap(items)
    model = dict(items)
    for op, net, value in steps:
        _apply(m, model, op, net, value)
        for x in (probes[0].first, probes[-1].last):  # lookups between the steps, before any _check
            want = _brute_covering(model, IPNet(x))
            assert m.longest(x, None) == (want[0] if want else None)
    for probe in probes:
        assert m.covering(probe) == _brute_covering(model, probe)
    assert list(m.items()) == sorted(model.items())
    m._check()


# -- differential: pytricia on a large random IPv4 table ------------------------------------
def test_agrees_with_pytricia_on_a_large_table() -> None:
    pytricia = pytest.importorskip("pytricia")
    rng = random.Random(7)
    table: dict[str, int] = {}
    while len(table) < 20_000:
        plen = 24 if rng.random() < 0.6 else rng.randint(8, 32)
        value = rng.getrandbits(32) & ~((1 << (32 - plen)) - 1)
        table[f"{IP(value, version=4)}/{plen}"] = len(table)
    pt = pytricia.PyTricia()
    for cidr, value in table.items():
        pt[cidr] = value
    m = PrefixMap(table)
    incremental: PrefixMap[int] = PrefixMap()
    for cidr, value in list(table.items())[:3000]:
        incremental[cidr] = value
    small = pytricia.PyTricia()
    for cidr, value in list(table.items())[:3000]:
        small[cidr] = value
    for _ in range(20_000):
        probe = str(IP(rng.getrandbits(32), version=4))
        got = m.longest(probe, None)
        assert (None if got is None else (str(got[0]), got[1])) == (
            None if pt.get_key(probe) is None else (pt.get_key(probe), pt.get(probe))
        ), probe
        got = incremental.longest(probe, None)
        assert (None if got is None else str(got[0])) == small.get_key(probe)
    for cidr in list(table)[:1000]:  # delete a slice from both, then compare again
        del m[cidr]
        del pt[cidr]
    for _ in range(5_000):
        probe = str(IP(rng.getrandbits(32), version=4))
        got = m.longest(probe, None)
        assert (None if got is None else str(got[0])) == pt.get_key(probe)


# -- adapters --------------------------------------------------------------------------------
def test_json_and_pydantic() -> None:
    import msgspec
    from pydantic import BaseModel, ValidationError

    m = PrefixMap({"10.0.0.0/8": "corp", "2001:db8::/32": "doc"})
    assert netx.json.dumps(m) == b'{"10.0.0.0/8":"corp","2001:db8::/32":"doc"}' == m.to_json().encode()
    assert msgspec.json.encode({"t": m}, enc_hook=netx.json.enc_hook) == b'{"t":{"10.0.0.0/8":"corp","2001:db8::/32":"doc"}}'

    class Table(BaseModel):
        routes: PrefixMap[netx.IPPort]

    t = Table(routes={"10.0.0.0/8": "10.0.0.1:80", IPNet("::/0"): ("::1", 53)})
    assert t.routes.longest("10.9.9.9")[1] == netx.IPPort("10.0.0.1:80")
    assert t.model_dump()["routes"] is t.routes
    assert t.model_dump_json() == '{"routes":{"10.0.0.0/8":"10.0.0.1:80","::/0":"[::1]:53"}}'
    assert Table.model_validate_json(t.model_dump_json()) == t
    assert Table(routes=t.routes).routes == t.routes
    with pytest.raises(ValidationError, match="host bits set"):
        Table(routes={"10.0.0.1/8": "10.0.0.1:80"})
    with pytest.raises(ValidationError, match="invalid IP:port"):
        Table(routes={"10.0.0.0/8": "nowhere"})
    assert Table.model_json_schema()["properties"]["routes"]["type"] == "object"


def test_msgspec_round_trips() -> None:
    import msgspec

    class Site(msgspec.Struct):
        name: str
        routes: PrefixMap[str]
        gateways: PrefixMap[IP]
        plain: PrefixMap  # type: ignore[type-arg]  # no value type: values as decoded

    site = Site("lab", PrefixMap({"10.0.0.0/8": "corp", "2001:db8::/32": "docs"}),
                PrefixMap({"0.0.0.0/0": IP("10.0.0.1"), "::/0": IP("2001:db8::1")}), PrefixMap({"10.1.0.0/16": [1, 2]}))
    data = msgspec.json.encode(site, enc_hook=netx.json.enc_hook)
    assert data == (b'{"name":"lab","routes":{"10.0.0.0/8":"corp","2001:db8::/32":"docs"},'
                    b'"gateways":{"0.0.0.0/0":"10.0.0.1","::/0":"2001:db8::1"},"plain":{"10.1.0.0/16":[1,2]}}')
    back = msgspec.json.decode(data, type=Site, dec_hook=netx.json.dec_hook)
    assert back == site and type(back.routes) is PrefixMap and back.gateways.longest("10.9.9.9")[1] == IP("10.0.0.1")
    assert msgspec.msgpack.decode(msgspec.msgpack.encode(site, enc_hook=netx.json.enc_hook), type=Site,
                                  dec_hook=netx.json.dec_hook) == site
    with pytest.raises(msgspec.ValidationError, match=r"host bits set.*\$\.routes"):
        msgspec.json.decode(b'{"name":"x","routes":{"10.0.0.1/8":"a"},"gateways":{},"plain":{}}', type=Site,
                            dec_hook=netx.json.dec_hook)
    with pytest.raises(msgspec.ValidationError, match=r"invalid IP address 'nope'"):
        msgspec.json.decode(b'{"name":"x","routes":{},"gateways":{"::/0":"nope"},"plain":{}}', type=Site,
                            dec_hook=netx.json.dec_hook)
    with pytest.raises(msgspec.ValidationError, match=r"Expected `object`.*got `list`"):
        msgspec.json.decode(b'{"name":"x","routes":["10.0.0.0/8"],"gateways":{},"plain":{}}', type=Site,
                            dec_hook=netx.json.dec_hook)


def test_the_object_kind_in_the_generic_pydantic_schema() -> None:
    """A type described as a JSON object gets a working schema from the generic adapter too
    (PrefixMap itself brings its own, generic in the value type)."""
    from pydantic import TypeAdapter

    from netx._pydantic import core_schema_of

    class Table(PrefixMap[Any]):
        @classmethod
        def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
            return core_schema_of(PrefixMap.__netx__, "PrefixMap")  # type: ignore[attr-defined]

    adapter: TypeAdapter[Any] = TypeAdapter(Table)
    m = adapter.validate_json('{"10.0.0.0/8": 1, "::/0": [2]}')
    assert type(m) is PrefixMap and m.longest("10.1.1.1") == (IPNet("10.0.0.0/8"), 1)
    assert adapter.dump_json(m) == b'{"10.0.0.0/8":1,"::/0":[2]}'
    assert adapter.validate_python({"10.0.0.0/8": 1}) == {IPNet("10.0.0.0/8"): 1}


def test_the_ordered_index_places_deferred_codes_for_every_reader() -> None:
    """``_Codes`` defers the codes added until the order is read or a code removed: against a sorted
    list, through every mix of adds (few and many at once), removes, ``since`` and iteration."""
    from netx._prefixmap import _BLOCK, _Codes

    rng = random.Random(2)
    for start in (0, 3, 2 * _BLOCK + 1, 5000):
        present = sorted(rng.sample(range(1 << 40), start))
        codes = _Codes(list(present))
        for _ in range(300):
            op = rng.random()
            if op < 0.45:  # a burst of adds: one, a few, or more than the placement threshold
                for _ in range(rng.choice((1, 5, 40, 400))):
                    c = rng.getrandbits(40)
                    if c not in present:
                        present.insert(bisect.bisect_left(present, c), c)
                        codes.add(c)
            elif op < 0.7 and present:
                c = rng.choice(present)
                present.remove(c)
                codes.remove(c)
            elif op < 0.9:
                c = rng.getrandbits(40)
                got = list(itertools.islice(codes.since(c), 50))
                assert got == present[bisect.bisect_left(present, c):][:50]
            else:
                assert list(codes) == present
            assert all(len(b) <= 2 * _BLOCK and b for b in codes.blocks)
        assert list(codes) == present
        assert codes.firsts == [b[0] for b in codes.blocks]


def test_reads_from_many_threads_wait_for_what_the_map_builds_lazily() -> None:
    """A bulk build leaves the slots and buckets to the first lookup, and inserts leave the ordered
    index to its next reader: reads racing in other threads must wait for either, not read it half
    made (threads switching every microsecond, so that each build is interrupted many times)."""
    rng = random.Random(4)
    cidrs = sorted({str(IPNet((rng.getrandbits(32), plen), strict=False)) for plen in (12, 20, 24, 28)
                    for _ in range(3000)})
    probes = [IP(rng.getrandbits(32)) for _ in range(400)]
    reference: PrefixMap[int] = PrefixMap(zip(cidrs, range(len(cidrs))))
    expected = [reference.longest(p, None) for p in probes]
    extra = sorted({str(IPNet((rng.getrandbits(32), 24), strict=False)) for _ in range(160)} - set(cidrs))
    threads_n = 4
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for _ in range(3):
            m: PrefixMap[int] = PrefixMap(zip(cidrs, range(len(cidrs))))
            looked: list[Any] = [None] * threads_n
            start = threading.Barrier(threads_n)

            def look(t: int) -> None:
                start.wait(10)
                looked[t] = [m.longest(p, None) for p in probes]

            _run_threads(look, threads_n)
            assert looked == [expected] * threads_n
            keys = sorted(map(IPNet, cidrs))
            for burst in range(8):  # a few inserts at a time: placed one by one by the first reader
                for i, cidr in enumerate(extra[burst::8]):
                    m[cidr] = -i
                keys = sorted(keys + list(map(IPNet, extra[burst::8])))
                listed: list[Any] = [None] * threads_n
                start = threading.Barrier(threads_n)

                def iterate(t: int) -> None:
                    start.wait(10)
                    listed[t] = list(m)

                _run_threads(iterate, threads_n)
                assert listed == [keys] * threads_n
    finally:
        sys.setswitchinterval(old)


def _run_threads(target: Any, n: int) -> None:
    threads = [threading.Thread(target=target, args=(t,)) for t in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)  # bounded
    assert not any(thread.is_alive() for thread in threads)
