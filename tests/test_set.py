"""netx.IPSet: construction from every item type, algebra, membership, views, text, JSON,
plus a differential suite against netaddr.IPSet and a brute-force model."""

from __future__ import annotations

import copy
import ipaddress
import pickle
import random
from typing import Any

import netaddr
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import netx
from netx import IP, AddressError, IPInterface, IPNet, IPRange, IPSet, NetworkError, NetxError
from netx._keys import V6_BASE


def strs(s: IPSet) -> list[str]:
    return [str(c) for c in s.cidrs()]


# -- construction -----------------------------------------------------------------------
def test_build_merges_overlapping_and_adjacent_items() -> None:
    s = IPSet(["10.0.0.0/25", "10.0.0.128/25", "10.0.0.5", "10.0.1.0-10.0.1.3", "10.0.0.0/24"])
    assert strs(s) == ["10.0.0.0/24", "10.0.1.0/30"]
    assert s.size == 260
    assert s.ranges() == [IPRange("10.0.0.0-10.0.1.3")]


def test_every_item_type() -> None:
    items: list[Any] = [
        IP("10.0.0.1"), IPNet("10.0.1.0/30"), IPRange("10.0.2.1-10.0.2.2"), IPInterface("10.0.3.5/24"),
        ipaddress.ip_address("10.0.4.1"), ipaddress.ip_network("10.0.5.0/31"),
        ipaddress.ip_interface("10.0.6.7/16"),
        netaddr.IPAddress("10.0.7.1"), netaddr.IPNetwork("10.0.8.0/31"),
        netaddr.IPRange("10.0.9.1", "10.0.9.2"), netaddr.IPSet(["10.0.10.0/31", "::a/128"]),
        IPSet(["10.0.11.0/32"]), "10.0.12.1", "10.0.13.0/31", "10.0.14.1-10.0.14.2",
        "2001:db8::1", IP("2001:db8::2"), "2001:db8::10/127", "2001:db8::20-2001:db8::21",
    ]
    s = IPSet(items)
    assert strs(s) == [
        "10.0.0.1/32", "10.0.1.0/30", "10.0.2.1/32", "10.0.2.2/32", "10.0.3.5/32", "10.0.4.1/32",
        "10.0.5.0/31", "10.0.6.7/32", "10.0.7.1/32", "10.0.8.0/31", "10.0.9.1/32", "10.0.9.2/32",
        "10.0.10.0/31", "10.0.11.0/32", "10.0.12.1/32", "10.0.13.0/31", "10.0.14.1/32", "10.0.14.2/32",
        "::a/128", "2001:db8::1/128", "2001:db8::2/128", "2001:db8::10/127", "2001:db8::20/127",
    ]
    # an interface contributes its address, not its network
    assert IP("10.0.3.4") not in s and IP("10.0.6.8") not in s


def test_a_single_item_is_not_iterated() -> None:
    assert IPSet("10.0.0.0/24") == IPSet(["10.0.0.0/24"])
    assert IPSet(IPNet("10.0.0.0/8")).size == 1 << 24  # not 16M items
    assert IPSet(IPRange("::/0")).size == 1 << 128
    assert IPSet(IP("::1")) == IPSet(["::1"])
    assert IPSet(netaddr.IPNetwork("10.0.0.0/8")).size == 1 << 24
    assert IPSet(ipaddress.ip_network("10.0.0.0/8")).size == 1 << 24
    assert IPSet(netaddr.IPSet(["10.0.0.0/8"])).size == 1 << 24


def test_generators_sets_and_copies() -> None:
    s = IPSet(f"10.0.{i}.0/24" for i in range(4))
    assert strs(s) == ["10.0.0.0/22"]
    assert IPSet(s) == s and IPSet([s, "10.0.4.0/24"]).size == 5 * 256
    assert IPSet() == IPSet([]) == IPSet(()) and not IPSet()


def test_zones_are_ignored() -> None:
    s = IPSet(["fe80::1%eth0", "fe80::2%en-1"])
    assert strs(s) == ["fe80::1/128", "fe80::2/128"]
    assert IP("fe80::1%eth9") in s and "fe80::2%x" in s


def test_many_items_merge_in_one_pass() -> None:
    # 65536 adjacent /32s, shuffled, with duplicates: one /16 (a quadratic build would crawl)
    ips = [str(IP(int(IP("10.1.0.0")) + i)) for i in range(1 << 16)]
    ips += ips[:1000]
    random.Random(5).shuffle(ips)
    s = IPSet(ips)
    assert strs(s) == ["10.1.0.0/16"] and len(s) == 65536
    nets = [IPNet((IP(int(IP("2001:db8::")) + (i << 64)), 64)) for i in range(5000)]
    random.Random(6).shuffle(nets)
    want = ipaddress.summarize_address_range(
        ipaddress.ip_address("2001:db8::"), ipaddress.ip_address("2001:db8:0:1387:ffff:ffff:ffff:ffff")
    )
    assert strs(IPSet(nets)) == [str(n) for n in want] == [
        "2001:db8::/52", "2001:db8:0:1000::/55", "2001:db8:0:1200::/56", "2001:db8:0:1300::/57",
        "2001:db8:0:1380::/61",
    ]
    assert IPSet(nets).size == 5000 << 64


@pytest.mark.parametrize(
    "item, error, fragment",
    [
        ("10.0.0.5/24", NetworkError, "host bits"),
        ("10.0.0.0/33", NetworkError, "10.0.0.0/33"),
        ("nonsense", AddressError, "nonsense"),
        ("10.0.0.9-10.0.0.1", AddressError, "is after last"),
        ("10.0.0.1-::1", AddressError, "mixes"),
        ("", AddressError, "invalid IP address"),
        ("x" * 100_000, AddressError, "characters"),
        (netaddr.IPNetwork("10.0.0.5/24"), NetworkError, "host bits"),
    ],
)
def test_bad_items_raise_netx_errors_quoting_them(item: Any, error: type[NetxError], fragment: str) -> None:
    with pytest.raises(error) as exc:
        IPSet(["10.0.0.0/8", item])
    assert fragment in str(exc.value) and len(str(exc.value)) < 300


@pytest.mark.parametrize("items", [5, None, 1.5, [5], [None], [{"a": 1}], [1.5], [("10.0.0.1", 32)]])
def test_wrong_types_raise_type_error(items: Any) -> None:
    with pytest.raises(TypeError):
        IPSet(items)


# -- membership ---------------------------------------------------------------------------
def test_membership() -> None:
    s = IPSet(["10.0.0.0/24", "10.0.2.0-10.0.2.9", "2001:db8::/64"])
    assert IP("10.0.0.0") in s and IP("10.0.0.255") in s and IP("10.0.1.0") not in s
    assert IP("9.255.255.255") not in s and IP("255.255.255.255") not in s and IP("::") not in s
    assert "10.0.2.9" in s and "10.0.2.10" not in s
    assert IPNet("10.0.0.128/25") in s and IPNet("10.0.0.0/23") not in s
    assert "10.0.2.0/29" in s and "10.0.2.8/29" not in s
    assert IPRange("10.0.2.1-10.0.2.9") in s and "10.0.2.1-10.0.2.10" not in s
    assert "2001:db8::ffff" in s and IP("2001:db8:0:1::") not in s
    assert IPInterface("10.0.0.5/8") in s  # its address
    assert ipaddress.ip_address("10.0.0.1") in s and ipaddress.ip_network("10.0.0.0/30") in s
    assert netaddr.IPAddress("10.0.0.1") in s
    assert IPSet(["10.0.0.1", "10.0.2.3"]) in s and IPSet(["10.0.0.1", "10.0.3.3"]) not in s
    assert IP("::ffff:10.0.0.1") not in s  # IPv4-mapped IPv6 is IPv6
    with pytest.raises(NetxError, match="garbage"):
        "garbage" in s  # noqa: B015  (a typo is an error, not a silent False)
    with pytest.raises(TypeError):
        None in s  # noqa: B015
    with pytest.raises(TypeError):
        42 in s  # noqa: B015
    assert IP("10.0.0.1") not in IPSet()


def test_isdisjoint_issubset_issuperset() -> None:
    a = IPSet(["10.0.0.0/24"])
    assert a.isdisjoint(IPSet(["10.0.1.0/24"])) and a.isdisjoint(["10.0.1.0/24", "::/0"])
    assert not a.isdisjoint(["10.0.0.255"]) and a.isdisjoint([]) and IPSet().isdisjoint(a)
    assert a.isdisjoint("9.255.255.255") and not a.isdisjoint("9.255.255.255-10.0.0.0")
    assert a.issubset(["10.0.0.0/8"]) and not a.issubset(["10.0.0.0/25"]) and a.issubset(a)
    assert a.issuperset(["10.0.0.0/25", "10.0.0.200"]) and not a.issuperset("10.0.0.0/23")
    assert IPSet().issubset(a) and a.issuperset(IPSet())
    b = IPSet(["10.0.0.0/25"])
    assert b <= a and b < a and a >= b and a > b and a <= a and not a < a and not a > a
    assert not (a <= b) and not (b >= a)
    with pytest.raises(TypeError):
        _ = a <= ["10.0.0.0/8"]  # type: ignore[operator]


# -- algebra ------------------------------------------------------------------------------
def test_operators_and_methods() -> None:
    a = IPSet(["10.0.0.0/24", "2001:db8::/126"])
    b = IPSet(["10.0.0.128/25", "10.0.1.0/24", "2001:db8::2"])
    assert strs(a | b) == ["10.0.0.0/23", "2001:db8::/126"]
    assert strs(a & b) == ["10.0.0.128/25", "2001:db8::2/128"]
    assert strs(a - b) == ["10.0.0.0/25", "2001:db8::/127", "2001:db8::3/128"]
    assert strs(a ^ b) == ["10.0.0.0/25", "10.0.1.0/24", "2001:db8::/127", "2001:db8::3/128"]
    assert a.union(["10.0.1.0/24"], "10.0.2.0/24") == IPSet(["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24", "2001:db8::/126"])
    assert a.intersection(b) == a & b and a.intersection(["10.0.0.0/8"], ["10.0.0.0/30"]) == IPSet("10.0.0.0/30")
    assert a.difference(b) == a - b and a.difference("10.0.0.0/25", ["2001:db8::/64"]) == IPSet("10.0.0.128/25")
    assert a.symmetric_difference(b) == a ^ b and a.symmetric_difference(["10.0.0.0/24"]) == IPSet("2001:db8::/126")
    assert a.union() == a and a.intersection() == a and a.difference() == a
    for op in ("__or__", "__and__", "__sub__", "__xor__"):
        assert getattr(a, op)(["10.0.0.0/8"]) is NotImplemented
    with pytest.raises(TypeError):
        _ = a | ["10.0.0.0/8"]  # type: ignore[operator]


def test_algebra_edges() -> None:
    full = IPSet(["0.0.0.0/0", "::/0"])
    e = IPSet()
    assert full.size == (1 << 32) + (1 << 128)
    assert (full - full) == e and (full & full) == full and (full ^ full) == e and (full | e) == full
    assert (full - IPSet("10.0.0.0/8")).size == full.size - (1 << 24)
    assert (e - full) == e and (e & full) == e and (e ^ full) == full and (full - e) == full
    assert strs(IPSet("0.0.0.0/0") - IPSet("0.0.0.0/1")) == ["128.0.0.0/1"]
    assert strs(IPSet("::/0") - IPSet("8000::/1")) == ["::/1"]
    # the unused keys between the families never leak into a result
    v4_complement = IPSet("0.0.0.0/0") - IPSet("1.2.3.4")
    assert v4_complement.v6() == e and v4_complement.size == (1 << 32) - 1
    assert (IPSet("255.255.255.255") | IPSet("::")).ranges() == [
        IPRange("255.255.255.255-255.255.255.255"), IPRange("::-::"),
    ]


# -- views -----------------------------------------------------------------------------
def test_iteration_len_and_size() -> None:
    s = IPSet(["10.0.0.255", "10.0.1.0", "::1", "10.0.0.254"])
    assert list(s) == [IP("10.0.0.254"), IP("10.0.0.255"), IP("10.0.1.0"), IP("::1")]
    assert len(s) == 4 == s.size
    big = IPSet("2001:db8::/64")
    assert big.size == 1 << 64 and bool(big)
    with pytest.raises(OverflowError, match="size"):
        len(big)
    it = iter(IPSet("::/0"))
    assert next(it) == IP("::") and next(it) == IP("::1")


def test_cidrs_ranges_v4_v6() -> None:
    s = IPSet(["10.0.0.1-10.0.0.6", "::/127"])
    assert strs(s) == ["10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/31", "10.0.0.6/32", "::/127"]
    assert all(type(c) is IPNet for c in s.cidrs())
    assert s.ranges() == [IPRange("10.0.0.1-10.0.0.6"), IPRange("::-::1")]
    assert s.v4() == IPSet("10.0.0.1-10.0.0.6") and s.v6() == IPSet("::/127")
    assert IPSet().cidrs() == [] and IPSet().ranges() == [] and IPSet().v4() == IPSet()


def test_text_json_pickle() -> None:
    s = IPSet(["10.0.0.0/24", "2001:db8::1"])
    assert repr(s) == "IPSet(['10.0.0.0/24', '2001:db8::1/128'])"
    assert repr(IPSet()) == "IPSet([])"
    assert eval(repr(s), {"IPSet": IPSet}) == s
    assert s.to_json() == '["10.0.0.0/24","2001:db8::1/128"]'
    assert IPSet().to_json() == "[]"
    assert IPSet.from_json(s.to_json()) == s and IPSet.from_json(b'["10.0.0.1-10.0.0.3"]').size == 3
    for bad in ("", "{", "null", '"10.0.0.0/24"', "[1]", '[null]', '{"a": 1}'):
        with pytest.raises(NetworkError):
            IPSet.from_json(bad)
    with pytest.raises(NetxError):
        IPSet.from_json('["10.0.0.1/24"]')
    for proto in range(pickle.HIGHEST_PROTOCOL + 1):
        assert pickle.loads(pickle.dumps(s, proto)) == s
    assert copy.copy(s) is s and copy.deepcopy(s) is s
    assert format(s, "") == repr(s) and f"{s:>60}" == repr(s).rjust(60)
    assert (s != IPSet(["10.0.0.0/24"])) is True and (s != IPSet(s)) is False
    assert s.__ne__("10.0.0.0/24") is NotImplemented and s.__or__(["10.0.0.1"]) is NotImplemented
    assert s.to_netaddr() == netaddr.IPSet(["10.0.0.0/24", "2001:db8::1"])


def test_equality_hash_immutability() -> None:
    a = IPSet(["10.0.0.0/25", "10.0.0.128/25"])
    b = IPSet("10.0.0.0/24")
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert a != IPSet("10.0.0.0/23") and a != "10.0.0.0/24" and a != {IP("10.0.0.0")}
    assert not hasattr(a, "__dict__")
    with pytest.raises(AttributeError):
        a.extra = 1  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        a.size = 3  # type: ignore[misc]
    c = a | IPSet("10.0.1.0/24")
    assert a == b  # operands unchanged
    assert c.size == 512


def test_key_interface() -> None:
    s = IPSet(["10.0.0.1-10.0.0.5", "::1"])
    keys = s._keys()
    assert keys == [(int(IP("10.0.0.1")), int(IP("10.0.0.5"))), (V6_BASE + 1, V6_BASE + 1)]
    assert IPSet._from_keys(keys) == s and IPSet._from_keys(iter(keys)) == s
    assert IPSet._from_keys([]) == IPSet()
    r = IPSet._from_keys(keys)
    assert IP("10.0.0.3") in r and "::1" in r and r.size == 6


def test_exported() -> None:
    assert netx.IPSet is IPSet and IPSet.__doc__ and IPSet.cidrs.__doc__


# -- differential: netaddr and a brute-force model on tiny address spaces ---------------
# Items live in small windows so they overlap: offsets 0..63 above each base.
BASES = {
    4: (int(IP("10.0.0.0")), 0),
    6: (int(IP("2001:db8::")), V6_BASE),
    "mapped": (int(IP("::ffff:10.0.0.0")), V6_BASE),  # IPv6 that looks like the IPv4 window
}
WINDOW = 64


@st.composite
def item(draw: Any) -> tuple[Any, Any, set[int]]:
    """(netx item, netaddr item, keys it covers)."""
    region = draw(st.sampled_from([4, 4, 6, 6, "mapped"]))
    base, key_base = BASES[region]
    ver = 4 if region == 4 else 6
    bits = 32 if ver == 4 else 128
    kind = draw(st.sampled_from(["addr", "cidr", "range"]))
    form = draw(st.sampled_from(["str", "obj", "stdlib"]))
    if kind == "addr":
        first = last = base + draw(st.integers(0, WINDOW - 1))
        ip = IP(first, version=ver)
        value: Any = {"str": str(ip), "obj": ip, "stdlib": ip.address}[form]
        na: Any = netaddr.IPNetwork(f"{ip}/{bits}")
    elif kind == "cidr":
        k = draw(st.integers(0, 6))
        first = base + (draw(st.integers(0, WINDOW - 1)) & ~((1 << k) - 1))
        last = first + (1 << k) - 1
        net = IPNet((IP(first, version=ver), bits - k))
        value = {"str": str(net), "obj": net, "stdlib": net.network}[form]
        na = netaddr.IPNetwork(str(net))
    else:
        a, b = sorted(draw(st.lists(st.integers(0, WINDOW - 1), min_size=2, max_size=2)))
        first, last = base + a, base + b
        r = IPRange(IP(first, version=ver), IP(last, version=ver))
        value = {"str": str(r), "obj": r, "stdlib": r}[form]
        na = netaddr.IPRange(str(r.first), str(r.last))
    keys = set(range(key_base + first, key_base + last + 1))
    return value, na, keys


items = st.lists(item(), max_size=8)


def build(drawn: list[tuple[Any, Any, set[int]]]) -> tuple[IPSet, Any, set[int]]:
    mine = IPSet([d[0] for d in drawn])
    theirs = netaddr.IPSet()
    for _, na, _ in drawn:
        theirs.update(netaddr.IPSet(na.cidrs()) if isinstance(na, netaddr.IPRange) else netaddr.IPSet([na]))
    model: set[int] = set()
    for _, _, keys in drawn:
        model |= keys
    return mine, theirs, model


def keys_of(s: IPSet) -> set[int]:
    return {ip._int + (V6_BASE if ip.version == 6 else 0) for ip in s}


def minimal_cover_of(model: set[int]) -> list[tuple[int, int]]:
    """Brute force: every maximal aligned block inside the set, as (key, host bits)."""
    out = []
    for key in sorted(model):
        bits = 128 if key >= V6_BASE else 32
        value = key - V6_BASE if key >= V6_BASE else key
        best = None
        for k in range(bits + 1):
            start = value & ~((1 << k) - 1)
            if start != value:
                continue
            block = range(key, key + (1 << k))
            if (1 << k) > 256 or not all(x in model for x in block):
                break
            best = k
        # keep only blocks not contained in a bigger one already emitted
        if best is not None and not any(s <= key < s + (1 << kk) for s, kk in out):
            out.append((key, best))
    return out


def check_cover(s: IPSet, model: set[int]) -> None:
    nets = s.cidrs()
    spans = [(n.first._int + (V6_BASE if n.version == 6 else 0), n.size, n) for n in nets]
    # sorted, disjoint, exact
    for (a, sa, _), (b, _, _) in zip(spans, spans[1:]):
        assert a + sa <= b
    covered: set[int] = set()
    for a, size, _ in spans:
        covered |= set(range(a, a + size))
    assert covered == model
    # no two siblings that could merge into their parent
    for (a, sa, na), (b, sb, nb) in zip(spans, spans[1:]):
        if sa == sb and na.prefixlen > 0 and b == a + sa:
            assert (na.first._int // sa) % 2 == 1, f"{na} and {nb} merge into their parent"
    assert [(a, size.bit_length() - 1) for a, size, _ in spans] == minimal_cover_of(model)


@settings(max_examples=150, deadline=None)
@given(items, items, st.lists(item(), max_size=4))
def test_differential_against_netaddr_and_model(xs: list[Any], ys: list[Any], probes: list[Any]) -> None:
    a, na_a, ma = build(xs)
    b, na_b, mb = build(ys)
    for mine, theirs, model in (
        (a, na_a, ma), (b, na_b, mb),
        (a | b, na_a | na_b, ma | mb), (a & b, na_a & na_b, ma & mb),
        (a - b, na_a - na_b, ma - mb), (a ^ b, na_a ^ na_b, ma ^ mb),
        (a.union(ys and [y[0] for y in ys]), na_a | na_b, ma | mb),
        (a.intersection([y[0] for y in ys]), na_a & na_b, ma & mb),
        (a.difference([y[0] for y in ys]), na_a - na_b, ma - mb),
        (a.symmetric_difference([y[0] for y in ys]), na_a ^ na_b, ma ^ mb),
    ):
        assert mine.size == theirs.size == len(model)
        assert mine.cidrs() == [IPNet(str(c)) for c in theirs.iter_cidrs()]
        assert keys_of(mine) == model
        assert list(mine) == sorted(mine)
        check_cover(mine, model)
        assert bool(mine) == bool(model)
        assert IPSet(mine.cidrs()) == mine and IPSet(mine.ranges()) == mine
    assert a.isdisjoint(b) == (not (ma & mb)) == a.isdisjoint([y[0] for y in ys])
    assert a.issubset(b) == (ma <= mb) == (a <= b)
    assert a.issuperset(b) == (ma >= mb) == (a >= b)
    assert (a < b) == (ma < mb) and (a == b) == (ma == mb)
    assert (hash(a) == hash(b)) or ma != mb
    for value, na, keys in probes + xs[:2]:
        inside = keys <= ma
        assert (value in a) == inside
        if isinstance(na, netaddr.IPRange):
            assert all(c in na_a for c in na.cidrs()) == inside
        else:
            assert (na in na_a) == inside
    # single addresses around every edge
    for key in {k + d for k in ma | mb for d in (-1, 0, 1)}:
        ip = IP(key - V6_BASE, version=6) if key >= V6_BASE else IP(key, version=4)
        assert (ip in a) == (key in ma) == (ip.to_netaddr() in na_a)
