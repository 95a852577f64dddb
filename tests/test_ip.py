"""``netx.IP`` and ``netx.parse_ip``: construction, attributes, order, arithmetic, value semantics."""

from __future__ import annotations

import copy
import ipaddress
import pickle
import threading
import time

import netaddr
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import netx
from netx import IP, AddressError, IPInterface, IPNet, NetxError, parse_ip
from netx._keys import HI, LO, V6_BASE, family_bounds, family_of, ip_of, key_of

ADDRESSES = ["0.0.0.0", "10.0.0.1", "255.255.255.255", "::", "::1", "2001:db8::1", "fe80::1%eth0", "::ffff:102:304"]
ints_v4 = st.integers(0, 2**32 - 1)
ints_v6 = st.integers(0, 2**128 - 1)
any_ip = st.one_of(
    ints_v4.map(lambda i: IP(i, version=4)),
    ints_v6.map(lambda i: IP(i, version=6)),
    st.sampled_from([IP(a) for a in ADDRESSES]),
)
PROPS = settings(max_examples=200, deadline=None)


# -- construction -------------------------------------------------------------------


@pytest.mark.parametrize("text", ADDRESSES)
def test_str_repr_and_int_match_the_stdlib(text: str) -> None:
    ip, std = IP(text), ipaddress.ip_address(text)
    assert str(ip) == str(std) == text
    assert repr(ip) == f"IP({text!r})"
    assert int(ip) == int(std)
    assert ip.version == std.version
    assert ip.packed == std.packed
    assert ip.max_prefixlen == std.max_prefixlen


def test_canonical_forms() -> None:
    assert str(IP("2001:DB8:0:0:0:0:0:1")) == "2001:db8::1"
    assert str(IP("0:0:0:0:0:0:0:0")) == "::"
    assert str(IP("1:0:0:2:0:0:0:3")) == "1:0:0:2::3"
    assert str(IP("::ffff:1.2.3.4")) == str(ipaddress.ip_address("::ffff:1.2.3.4"))


def test_from_int() -> None:
    assert IP(0) == IP("0.0.0.0")
    assert IP(2**32 - 1) == IP("255.255.255.255")
    assert IP(2**32) == IP("::1:0:0")  # as ipaddress.ip_address: past IPv4 means IPv6
    assert IP(1, version=6) == IP("::1")
    assert IP(1, version=4) == IP("0.0.0.1")
    assert IP(2**128 - 1).version == 6
    for bad in (-1, 2**128):
        with pytest.raises(AddressError, match="not between 0 and"):
            IP(bad)
    with pytest.raises(AddressError):
        IP(2**32, version=4)


def test_from_packed_bytes() -> None:
    assert IP(b"\x0a\x00\x00\x01") == IP("10.0.0.1")
    assert IP(bytes(15) + b"\x01") == IP("::1")
    assert IP(bytearray(b"\x0a\x00\x00\x01")) == IP("10.0.0.1")
    for bad in (b"", b"\x01\x02\x03", bytes(5), bytes(17)):
        with pytest.raises(AddressError, match="not 4 or 16"):
            IP(bad)


def test_from_stdlib_netx_and_netaddr_objects() -> None:
    assert IP(ipaddress.IPv4Address("10.0.0.1")) == IP("10.0.0.1")
    assert IP(ipaddress.IPv6Address("fe80::1%eth0")) == IP("fe80::1%eth0")
    assert IP(ipaddress.IPv6Address("fe80::1%eth0")).zone == "eth0"
    ip = IP("10.0.0.1")
    assert IP(ip) == ip
    assert IP(netaddr.IPAddress("10.0.0.1")) == ip
    assert IP(netaddr.IPAddress("2001:db8::1")) == IP("2001:db8::1")
    assert IP(netaddr.IPAddress("::ffff:1.2.3.4")).version == 6


def test_str_subclass_is_a_string() -> None:
    class Text(str):
        pass

    ip = IP(Text("10.0.0.1"))
    assert ip == IP("10.0.0.1") and type(str(ip)) is str
    assert parse_ip(Text("::1")) == IP("::1")


@pytest.mark.parametrize("value", [True, False, 1.5, None, [1, 2, 3, 4], {"ip": "10.0.0.1"}, object(), 10 + 0j])
def test_wrong_types_raise_type_error(value: object) -> None:
    with pytest.raises(TypeError, match="cannot make an IP"):
        IP(value)


def test_interfaces_and_networks_are_not_addresses() -> None:
    for value in (ipaddress.ip_interface("10.0.0.1/24"), IPInterface("10.0.0.1/24")):
        with pytest.raises(TypeError, match=r"use its \.ip"):
            IP(value)
    with pytest.raises(TypeError):
        IP(IPNet("10.0.0.0/24"))
    with pytest.raises(TypeError):
        IP(ipaddress.ip_network("10.0.0.0/24"))


def test_version_argument() -> None:
    assert IP("10.0.0.1", version=4).version == 4
    assert IP("::1", version=6).version == 6
    for value, version in [("10.0.0.1", 6), ("::1", 4), (ipaddress.IPv4Address(1), 6), (b"\x00" * 16, 4),
                           (IP("::1"), 4), (netaddr.IPAddress("10.0.0.1"), 6), ("fe80::1%x", 4)]:
        with pytest.raises(AddressError, match=f"not IPv{version}"):
            IP(value, version=version)
    for version in (5, 0, "4", True, 4.5):
        with pytest.raises(AddressError, match="version must be 4 or 6"):
            IP("10.0.0.1", version=version)  # type: ignore[arg-type]
        with pytest.raises(AddressError, match="version must be 4 or 6"):
            IP(1, version=version)  # type: ignore[arg-type]


def test_parse_ip() -> None:
    for text in ADDRESSES:
        ip = parse_ip(text)
        assert type(ip) is IP and ip == IP(text) and str(ip) == text
    with pytest.raises(TypeError, match="parse_ip takes a str"):
        parse_ip(167772161)  # type: ignore[arg-type]
    with pytest.raises(AddressError):
        parse_ip("10.0.0.256")


# -- bad input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty string"),
        ("10.0.0.256", "256"),
        ("10.0.0", "4 octets"),
        ("010.0.0.1", "eading zero"),
        ("10.0.0.1/24", "no '/prefix'"),
        ("1::2::3", "'::'"),
        ("fe80::1%", "empty zone"),
        ("fe80::1%a%b", "more than one '%'"),
        ("12345::", "4 characters"),
        ("hello", "not an IPv4 or IPv6 address"),
    ],
)
def test_bad_text_raises_address_error_quoting_input(text: str, reason: str) -> None:
    with pytest.raises(AddressError) as info:
        IP(text)
    message = str(info.value)
    assert repr(text) in message and reason in message
    assert isinstance(info.value, NetxError) and isinstance(info.value, ValueError)


def test_huge_input_is_rejected_without_being_parsed() -> None:
    huge = "1" * 10_000_000
    for make in (IP, parse_ip, netx.ip_version):
        start = time.perf_counter()
        with pytest.raises(AddressError, match="longer than 256 characters") as info:
            make(huge)
        assert len(str(info.value)) < 200  # quoted, shortened
        assert "(10000000 characters)" in str(info.value)
        assert time.perf_counter() - start < 5  # generous: correctness, not a timing test
    with pytest.raises(AddressError, match="longer than 256"):
        IP("::1%" + "x" * 10_000_000)


def test_error_messages_stay_short() -> None:
    for text in ("9" * 257, "1.2.3." + "4" * 200, "::" + "f" * 250, "fe80::1%" + "é" * 240 + "%"):
        with pytest.raises(AddressError) as info:
            IP(text)
        assert len(str(info.value)) < 300, str(info.value)


# -- attributes ----------------------------------------------------------------------


def test_address_is_the_stdlib_object_built_once() -> None:
    ip = IP("10.0.0.1")
    assert ip.address == ipaddress.IPv4Address("10.0.0.1")
    assert ip.address is ip.address
    assert type(IP("::1").address) is ipaddress.IPv6Address
    scoped = IP("fe80::1%eth0").address
    assert scoped == ipaddress.IPv6Address("fe80::1%eth0") and scoped.scope_id == "eth0"


def test_stdlib_attributes_are_promoted() -> None:
    assert IP("10.0.0.1").is_private
    assert not IP("8.8.8.8").is_private
    assert IP("127.0.0.1").is_loopback
    assert IP("10.0.0.1").reverse_pointer == "1.0.0.10.in-addr.arpa"
    assert IP("::1").exploded == "0000:0000:0000:0000:0000:0000:0000:0001"
    assert IP("::1").compressed == "::1"
    assert IP("::ffff:1.2.3.4").ipv4_mapped == IP("1.2.3.4")  # a netx value, not the stdlib's
    assert IP("224.0.0.1").is_multicast
    assert IP("fe80::1%eth0").scope_id == "eth0"
    assert "is_private" in dir(IP("10.0.0.1")) and "unmap" in dir(IP("10.0.0.1"))


@pytest.mark.parametrize("text", ["10.0.0.1", "::ffff:1.2.3.4", "2002:c000:204::1", "fe80::1"])
def test_every_public_stdlib_attribute_is_promoted(text: str) -> None:
    ip, std = IP(text), ipaddress.ip_address(text)
    for name in (n for n in dir(std) if not n.startswith("_")):
        value = getattr(std, name)
        if callable(value):
            assert callable(getattr(ip, name)), name
        else:
            mine = getattr(ip, name)
            if isinstance(mine, tuple):
                mine = tuple(m.address for m in mine)
            assert (mine.address if isinstance(mine, IP) else mine) == value, name


def test_zoned_exploded_and_reverse_pointer_work() -> None:
    # ipaddress raises on these for scoped addresses; netx answers
    ip = IP("fe80::1%eth0")
    assert ip.exploded == "fe80:0000:0000:0000:0000:0000:0000:0001%eth0"
    assert ip.reverse_pointer == IP("fe80::1").reverse_pointer


def test_unknown_attributes_raise_attribute_error() -> None:
    ip = IP("10.0.0.1")
    with pytest.raises(AttributeError, match="'IP' object has no attribute 'nope'"):
        ip.nope  # noqa: B018
    with pytest.raises(AttributeError):
        ip._ip  # noqa: B018  (private names are never promoted)
    assert not hasattr(ip, "__dict__")
    assert getattr(ip, "missing", 42) == 42


def test_zone() -> None:
    ip = IP("fe80::1%eth0")
    assert ip.zone == "eth0" and str(ip) == "fe80::1%eth0" and int(ip) == int(IP("fe80::1"))
    assert IP("fe80::1").zone is None and IP("10.0.0.1").zone is None
    assert ip != IP("fe80::1") and ip != IP("fe80::1%eth1")
    assert IP("fe80::1%1").zone == "1"


def test_unmap() -> None:
    assert IP("::ffff:10.0.0.1").unmap() == IP("10.0.0.1")
    assert IP("::ffff:10.0.0.1").unmap().version == 4
    v6 = IP("2001:db8::1")
    assert v6.unmap() is v6
    v4 = IP("10.0.0.1")
    assert v4.unmap() is v4
    assert IP("::10.0.0.1").unmap() == IP("::a00:1")  # IPv4-compatible is not IPv4-mapped


def test_with_zone() -> None:
    ip = IP("fe80::1")
    assert ip.with_zone("eth0") == IP("fe80::1%eth0")
    assert ip.with_zone("eth0").with_zone(None) == ip
    assert ip.with_zone("eth0").with_zone("") == ip
    assert ip.with_zone(None) is ip
    with pytest.raises(AddressError, match="only IPv6"):
        IP("10.0.0.1").with_zone("eth0")
    with pytest.raises(AddressError):
        ip.with_zone("a%b")
    with pytest.raises(TypeError):
        ip.with_zone(1)  # type: ignore[arg-type]


def test_prefix() -> None:
    assert IP("10.1.2.3").prefix(24) == IPNet("10.1.2.0/24")
    assert IP("10.1.2.3").prefix(0) == IPNet("0.0.0.0/0")
    assert IP("10.1.2.3").prefix(32) == IPNet("10.1.2.3/32")
    assert IP("2001:db8::1").prefix(64) == IPNet("2001:db8::/64")
    assert IP("fe80::1%eth0").prefix(64) == IPNet("fe80::/64")  # Go's Addr.Prefix drops the zone
    for bad in (-1, 33):
        with pytest.raises(AddressError, match="out of range"):
            IP("10.0.0.1").prefix(bad)
    with pytest.raises(TypeError):
        IP("10.0.0.1").prefix("24")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        IP("10.0.0.1").prefix(True)


def test_compare() -> None:
    a, b = IP("10.0.0.1"), IP("10.0.0.2")
    assert (a.compare(b), b.compare(a), a.compare(IP("10.0.0.1"))) == (-1, 1, 0)
    assert IP("255.255.255.255").compare(IP("::")) == -1
    with pytest.raises(TypeError):
        a.compare("10.0.0.1")  # type: ignore[arg-type]


def test_format() -> None:
    ip = IP("10.0.0.1")
    assert f"{ip}" == "10.0.0.1"
    assert f"{ip:>12}" == "    10.0.0.1"
    assert format(ip, "b") == format(ipaddress.IPv4Address("10.0.0.1"), "b")
    assert format(IP("::1"), "X") == format(ipaddress.IPv6Address("::1"), "X")


# -- order, equality, hashing ----------------------------------------------------------


def test_ipv4_sorts_before_ipv6() -> None:
    ips = [IP("::"), IP("255.255.255.255"), IP("::1"), IP("0.0.0.0"), IP("10.0.0.1"), IP("fe80::1%b"), IP("fe80::1%a"), IP("fe80::1")]
    assert [str(i) for i in sorted(ips)] == [
        "0.0.0.0", "10.0.0.1", "255.255.255.255", "::", "::1", "fe80::1", "fe80::1%a", "fe80::1%b",
    ]
    assert IP("255.255.255.255") < IP("::")
    assert IP("::") > IP("255.255.255.255")
    assert IP(5, version=4) < IP(1, version=6)  # version first, then value


@PROPS
@given(any_ip, any_ip)
def test_order_is_total_and_consistent(a: IP, b: IP) -> None:
    key = lambda ip: (ip.version, int(ip), ip.zone or "")  # noqa: E731
    assert (a < b) == (key(a) < key(b))
    assert (a <= b) == (key(a) <= key(b))
    assert (a > b) == (key(a) > key(b))
    assert (a >= b) == (key(a) >= key(b))
    assert (a == b) == (key(a) == key(b)) == (a.compare(b) == 0)
    assert (a != b) == (key(a) != key(b))
    assert a.compare(b) == (key(a) > key(b)) - (key(a) < key(b))
    if a == b:
        assert hash(a) == hash(b)


@PROPS
@given(st.lists(any_ip, max_size=30))
def test_sorting_matches_the_stdlib_per_family(ips: list[IP]) -> None:
    std = sorted((ip.address for ip in ips if ip.zone is None), key=lambda a: (a.version, a))
    assert [ip.address for ip in sorted(ips) if ip.zone is None] == std


def test_equality_is_only_with_ip() -> None:
    ip = IP("10.0.0.1")
    assert ip == IP("10.0.0.1")
    assert ip != ipaddress.IPv4Address("10.0.0.1")
    assert ip != "10.0.0.1"
    assert ip != 167772161
    assert IP(1, version=4) != IP(1, version=6)
    for op in ("__lt__", "__le__", "__gt__", "__ge__"):
        assert getattr(ip, op)("10.0.0.1") is NotImplemented
    with pytest.raises(TypeError):
        ip < "10.0.0.2"  # noqa: B015
    with pytest.raises(TypeError):
        ip < ipaddress.IPv4Address("10.0.0.2")  # noqa: B015


def test_hashing() -> None:
    assert len({IP("10.0.0.1"), IP("10.0.0.1"), IP(167772161), IP(b"\x0a\x00\x00\x01")}) == 1
    assert len({IP(1, version=4), IP(1, version=6), IP("::1%a")}) == 3
    assert {IP("::1"): 1}[IP("0:0:0:0:0:0:0:1")] == 1


# -- arithmetic ---------------------------------------------------------------------------


def test_arithmetic() -> None:
    ip = IP("10.0.0.255")
    assert ip + 1 == IP("10.0.1.0")
    assert 1 + ip == IP("10.0.1.0")
    assert ip - 255 == IP("10.0.0.0")
    assert ip + -5 == IP("10.0.0.250")
    assert IP("10.0.1.0") - IP("10.0.0.0") == 256
    assert IP("10.0.0.0") - IP("10.0.1.0") == -256
    assert IP("::1") + 2**64 == IP("0:0:0:1::1")
    assert IP("fe80::1%eth0") + 1 == IP("fe80::2%eth0")
    assert IP("fe80::1%eth0") - IP("fe80::") == 1


def test_leaving_the_address_space_raises() -> None:
    with pytest.raises(AddressError, match="leaves the IPv4 address space"):
        IP("255.255.255.255") + 1
    with pytest.raises(AddressError, match="leaves the IPv4 address space"):
        IP("0.0.0.0") - 1
    with pytest.raises(AddressError, match="leaves the IPv6 address space"):
        IP("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff") + 1
    with pytest.raises(AddressError, match="leaves the IPv6 address space"):
        IP("::") - 1
    assert IP("255.255.255.254") + 1 == IP("255.255.255.255")  # the edge itself is fine


def test_arithmetic_type_errors() -> None:
    ip = IP("10.0.0.1")
    for bad in (1.0, "1", True, None):
        with pytest.raises(TypeError):
            ip + bad  # type: ignore[operator]
        with pytest.raises(TypeError):
            ip - bad  # type: ignore[operator]
    with pytest.raises(TypeError, match="cannot subtract"):
        IP("::1") - IP("0.0.0.1")


@PROPS
@given(ints_v4, st.integers(-(2**33), 2**33))
def test_arithmetic_matches_the_stdlib(value: int, n: int) -> None:
    std = ipaddress.IPv4Address(value)
    try:
        expected = std + n
    except ipaddress.AddressValueError:
        with pytest.raises(AddressError):
            IP(value) + n
    else:
        assert (IP(value) + n).address == expected
        assert (IP(value) + n) - IP(value) == n


# -- immutability, pickling, copying, threads ---------------------------------------------


def test_immutable() -> None:
    ip = IP("10.0.0.1")
    for name, value in [("foo", 1), ("version", 6), ("zone", "x"), ("is_private", False), ("address", None), ("packed", b"")]:
        with pytest.raises(AttributeError):
            setattr(ip, name, value)
    with pytest.raises(AttributeError):
        del ip.version
    with pytest.raises(AttributeError):
        ip.foo = 1  # type: ignore[attr-defined]
    assert ip == IP("10.0.0.1")


@pytest.mark.parametrize("text", ADDRESSES)
def test_pickle_and_copy(text: str) -> None:
    ip = IP(text)
    ip.address  # noqa: B018  (a cached stdlib object must not break pickling)
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(ip, protocol))
        assert back == ip and type(back) is IP and str(back) == text and back.zone == ip.zone
    assert copy.copy(ip) is ip
    assert copy.deepcopy(ip) is ip
    assert copy.deepcopy([ip])[0] == ip


def test_shared_across_threads() -> None:
    ips = [IP(f"10.0.{i // 256}.{i % 256}") for i in range(2000)] + [IP(i, version=6) for i in range(2000)]
    results: list[list[str]] = []

    def work() -> None:
        results.append([str(ip) + ip.address.exploded for ip in ips])

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r == results[0] for r in results) and len(results) == 4


# -- JSON and netaddr -------------------------------------------------------------------


def test_json_round_trip() -> None:
    for text in ADDRESSES:
        ip = IP(text)
        assert ip.to_json() == f'"{text}"'
        assert IP.from_json(ip.to_json()) == ip
        assert IP.from_json(ip.to_json().encode()) == ip
    odd = IP('fe80::1%a"b\\c')
    assert IP.from_json(odd.to_json()) == odd


@pytest.mark.parametrize("data", ["", "null", "1", "167772161", "[]", '["10.0.0.1"]', "{}", '"10.0.0.256"', '"10.0.0.1', "true", b"\xff", '"10.0.0.0/24"'])
def test_from_json_rejects_everything_but_a_valid_string(data: str | bytes) -> None:
    with pytest.raises(AddressError):
        IP.from_json(data)


def test_from_json_wrong_type() -> None:
    with pytest.raises(TypeError):
        IP.from_json(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        IP.from_json(1)  # type: ignore[arg-type]


def test_netaddr_round_trip() -> None:
    for text in ("10.0.0.1", "::1", "2001:db8::1", "::ffff:1.2.3.4"):
        theirs = IP(text).to_netaddr()
        assert isinstance(theirs, netaddr.IPAddress)
        assert int(theirs) == int(IP(text)) and theirs.version == IP(text).version
        assert IP(theirs) == IP(text)
    assert IP("fe80::1%eth0").to_netaddr() == netaddr.IPAddress("fe80::1")


# -- the shared key space (netx._keys) --------------------------------------------------------


@PROPS
@given(any_ip, any_ip)
def test_keys_keep_the_order_and_round_trip(a: IP, b: IP) -> None:
    assert ip_of(key_of(a)) == a.with_zone(None)
    assert family_of(key_of(a)) == a.version
    assert LO[a.version] <= key_of(a) <= HI[a.version]
    if a.with_zone(None) < b.with_zone(None):
        assert key_of(a) < key_of(b)


def test_key_bounds() -> None:
    assert key_of(IP("0.0.0.0")) == 0 and key_of(IP("::")) == V6_BASE
    assert family_bounds(4) == (0, 2**32 - 1)
    assert family_bounds(6) == (V6_BASE, V6_BASE + 2**128 - 1)
    assert family_bounds(None) == (0, V6_BASE + 2**128 - 1)
    assert HI[4] + 1 < LO[6]  # intervals never merge across families
