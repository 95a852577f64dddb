"""netx.IPRange: construction, errors, membership, iteration, CIDR cover, text, JSON, order."""

from __future__ import annotations

import copy
import ipaddress
import pickle
import sys

import netaddr
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import netx
from netx import IP, AddressError, IPInterface, IPNet, IPRange, NetworkError, NetxError
from netx._keys import V6_BASE


# -- construction -------------------------------------------------------------------------
def test_from_text() -> None:
    r = IPRange("10.0.0.10-10.0.0.20")
    assert r.first == IP("10.0.0.10") and r.last == IP("10.0.0.20")
    assert r.size == 11 and len(r) == 11 and r.version == 4
    assert str(r) == "10.0.0.10-10.0.0.20"
    assert repr(r) == "IPRange('10.0.0.10-10.0.0.20')"


def test_from_two_endpoints_of_any_address_type() -> None:
    want = IPRange("10.0.0.10-10.0.0.20")
    assert IPRange("10.0.0.10", "10.0.0.20") == want
    assert IPRange(IP("10.0.0.10"), IP("10.0.0.20")) == want
    assert IPRange(ipaddress.ip_address("10.0.0.10"), ipaddress.ip_address("10.0.0.20")) == want
    assert IPRange(netaddr.IPAddress("10.0.0.10"), netaddr.IPAddress("10.0.0.20")) == want
    assert IPRange(167772170, 167772180) == want  # ints, as IP() takes them
    assert IPRange("10.0.0.10", IP("10.0.0.20")) == want


def test_ipv6_and_canonical_text() -> None:
    r = IPRange("2001:DB8::1-2001:db8:0::ff")
    assert str(r) == "2001:db8::1-2001:db8::ff"
    assert r.version == 6 and r.size == 255
    assert r.first == IP("2001:db8::1") and r.last.version == 6


def test_single_value_forms() -> None:
    assert IPRange("10.0.0.0/24") == IPRange("10.0.0.0-10.0.0.255")
    assert IPRange(IPNet("10.0.0.0/30")) == IPRange("10.0.0.0-10.0.0.3")
    assert IPRange(ipaddress.ip_network("10.0.0.0/30")) == IPRange("10.0.0.0-10.0.0.3")
    assert IPRange(netaddr.IPNetwork("10.0.0.0/30")) == IPRange("10.0.0.0-10.0.0.3")
    assert IPRange(netaddr.IPRange("10.0.0.1", "10.0.0.3")) == IPRange("10.0.0.1-10.0.0.3")
    assert IPRange("10.0.0.7") == IPRange("10.0.0.7-10.0.0.7")
    assert IPRange(IP("::1")) == IPRange("::1-::1")
    # an interface is its address, as in IPSet
    assert IPRange(IPInterface("10.0.0.5/24")) == IPRange("10.0.0.5-10.0.0.5")
    assert IPRange(ipaddress.ip_interface("10.0.0.5/24")) == IPRange("10.0.0.5-10.0.0.5")
    r = IPRange("10.0.0.1-10.0.0.2")
    assert IPRange(r) == r
    assert IPRange("::/0").size == 1 << 128
    assert IPRange("0.0.0.0/0").size == 1 << 32


def test_zones_are_dropped_even_with_a_dash_in_the_zone() -> None:
    assert IPRange("fe80::1%eth0-fe80::5%eth0") == IPRange("fe80::1-fe80::5")
    assert IPRange("fe80::1%en-0") == IPRange("fe80::1-fe80::1")
    assert IPRange("fe80::1%en-0-fe80::2%en-0") == IPRange("fe80::1-fe80::2")


@pytest.mark.parametrize(
    "args, fragment",
    [
        (("10.0.0.20-10.0.0.10",), "is after last"),
        (("10.0.0.20", "10.0.0.10"), "is after last"),
        (("10.0.0.1-::1",), "mixes IPv4 and IPv6"),
        (("::1", "10.0.0.1"), "mixes IPv6 and IPv4"),
        (("10.0.0.1-10.0.0.x",), "invalid IP address"),
        (("10.0.0.1-",), "invalid IP range"),
        (("-10.0.0.1",), "invalid IP range"),
        (("a-b-c",), "expected 'first-last'"),
        (("10.0.0.1 - 10.0.0.2",), "invalid IP range"),
        (("nonsense",), "invalid IP address"),
        (("",), "invalid IP address"),
        (("10.0.0.1", "10.0.0.0/24"), "invalid IP address"),
        (("1" * 5000,), "longer than"),
        (("1-" + "1" * 5000,), "longer than"),
    ],
)
def test_bad_input_raises_address_error_quoting_it(args: tuple[object, ...], fragment: str) -> None:
    with pytest.raises(AddressError) as exc:
        IPRange(*args)
    msg = str(exc.value)
    assert fragment in msg
    assert len(msg) < 300
    assert any(str(arg)[:20] in msg for arg in args)


def test_cidr_with_host_bits_is_a_network_error_naming_both_meanings() -> None:
    with pytest.raises(NetworkError, match=r"'10\.0\.0\.5/24'.*host bits.*'10\.0\.0\.0/24'.*'10\.0\.0\.5'"):
        IPRange("10.0.0.5/24")
    with pytest.raises(NetworkError, match="host bits"):
        IPRange("10.0.0.5/255.255.255.0")
    with pytest.raises(NetworkError, match="host bits"):
        IPRange("2001:db8::1/64")
    with pytest.raises(NetworkError, match=r"'10\.0\.0\.0/24'.*'10\.0\.0\.5'"):
        IPRange(netaddr.IPNetwork("10.0.0.5/24"))


def test_errors_are_value_errors_and_wrong_types_are_type_errors() -> None:
    assert issubclass(AddressError, NetxError) and issubclass(NetxError, ValueError)
    for bad in (None, 1.5, [1, 2], object(), b"\x01\x02"):
        with pytest.raises(TypeError):
            IPRange(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        IPRange("10.0.0.1", 1.5)  # type: ignore[arg-type]


# -- behaviour ------------------------------------------------------------------------------
def test_membership() -> None:
    r = IPRange("10.0.0.10-10.0.0.20")
    assert IP("10.0.0.10") in r and IP("10.0.0.20") in r and IP("10.0.0.15") in r
    assert IP("10.0.0.9") not in r and IP("10.0.0.21") not in r
    assert "10.0.0.12" in r and "10.0.0.21" not in r
    assert IPNet("10.0.0.12/30") in r and IPNet("10.0.0.16/29") not in r
    assert "10.0.0.12/30" in r
    assert IPRange("10.0.0.11-10.0.0.20") in r and IPRange("10.0.0.9-10.0.0.20") not in r
    assert "10.0.0.11-10.0.0.19" in r
    assert ipaddress.ip_address("10.0.0.11") in r
    assert IP("::ffff:10.0.0.15") not in r  # other family
    assert IP(int(IP("10.0.0.15")), version=6) not in r
    with pytest.raises(NetxError, match="garbage"):
        "garbage" in r  # noqa: B015  (a typo is an error, not a silent False)
    with pytest.raises(TypeError):
        None in r  # noqa: B015
    with pytest.raises(TypeError):
        5 in r  # noqa: B015


def test_iteration_is_lazy_and_ordered() -> None:
    r = IPRange("10.0.0.254-10.0.1.1")
    assert list(r) == [IP("10.0.0.254"), IP("10.0.0.255"), IP("10.0.1.0"), IP("10.0.1.1")]
    huge = IPRange("::/0")
    it = iter(huge)
    assert next(it) == IP("::") and next(it) == IP("::1")
    assert [str(ip) for ip in IPRange("::fffe-::1:1")] == ["::fffe", "::ffff", "::1:0", "::1:1"]


def test_len_overflows_like_python_but_size_is_exact() -> None:
    r = IPRange("::/0")
    assert r.size == 1 << 128 and bool(r)
    with pytest.raises(OverflowError, match="size"):
        len(r)
    assert len(IPRange("0.0.0.0/0")) == 1 << 32 if sys.maxsize > 1 << 32 else True


def test_cidrs_examples() -> None:
    assert IPRange("10.0.0.10-10.0.0.20").cidrs() == [
        IPNet("10.0.0.10/31"), IPNet("10.0.0.12/30"), IPNet("10.0.0.16/30"), IPNet("10.0.0.20/32"),
    ]
    assert IPRange("0.0.0.0-255.255.255.255").cidrs() == [IPNet("0.0.0.0/0")]
    assert IPRange("::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff").cidrs() == [IPNet("::/0")]
    assert IPRange("0.0.0.1-255.255.255.254").cidrs()[0] == IPNet("0.0.0.1/32")
    assert len(IPRange("0.0.0.1-255.255.255.254").cidrs()) == 62
    assert IPRange("::1-::1").cidrs() == [IPNet("::1/128")]
    assert IPRange("10.0.0.0/24").cidrs() == [IPNet("10.0.0.0/24")]


@settings(max_examples=300, deadline=None)
@given(st.integers(0, (1 << 32) - 1), st.integers(0, (1 << 32) - 1))
def test_cidrs_match_netaddr_and_stdlib_v4(a: int, b: int) -> None:
    a, b = min(a, b), max(a, b)
    got = [str(n) for n in IPRange(IP(a, version=4), IP(b, version=4)).cidrs()]
    assert got == [str(n) for n in netaddr.iprange_to_cidrs(netaddr.IPAddress(a), netaddr.IPAddress(b))]
    stdlib = ipaddress.summarize_address_range(ipaddress.IPv4Address(a), ipaddress.IPv4Address(b))
    assert got == [str(n) for n in stdlib]


@settings(max_examples=200, deadline=None)
@given(st.integers(0, (1 << 128) - 1), st.integers(0, (1 << 128) - 1))
def test_cidrs_match_stdlib_v6_and_cover_exactly(a: int, b: int) -> None:
    a, b = min(a, b), max(a, b)
    nets = IPRange(IP(a, version=6), IP(b, version=6)).cidrs()
    stdlib = ipaddress.summarize_address_range(ipaddress.IPv6Address(a), ipaddress.IPv6Address(b))
    assert [str(n) for n in nets] == [str(n) for n in stdlib]
    assert sum(n.size for n in nets) == b - a + 1


def test_text_json_and_round_trips() -> None:
    r = IPRange("10.0.0.10-10.0.0.20")
    assert r.to_json() == '"10.0.0.10-10.0.0.20"'
    assert IPRange.from_json(r.to_json()) == r
    assert IPRange.from_json(b'"::1-::9"') == IPRange("::1", "::9")
    assert IPRange.from_json('"10.0.0.0/30"') == IPRange("10.0.0.0-10.0.0.3")
    assert IPRange(str(r)) == r and eval(repr(r), {"IPRange": IPRange}) == r
    for bad in ("", "nope", "null", "5", '["10.0.0.1-10.0.0.2"]', '"10.0.0.9-10.0.0.1"', '"x"', "{"):
        with pytest.raises(AddressError):
            IPRange.from_json(bad)
    assert r.to_netaddr() == netaddr.IPRange("10.0.0.10", "10.0.0.20")


def test_equality_hash_and_order() -> None:
    a = IPRange("10.0.0.1-10.0.0.5")
    assert a == IPRange("10.0.0.1", "10.0.0.5") and hash(a) == hash(IPRange("10.0.0.1", "10.0.0.5"))
    assert a != IPRange("10.0.0.1-10.0.0.6")
    assert a != "10.0.0.1-10.0.0.5" and a != IPNet("10.0.0.0/30")
    assert IPRange("10.0.0.0/32") != IPNet("10.0.0.0/32")
    rs = [IPRange("::1-::2"), IPRange("10.0.0.2-10.0.0.3"), IPRange("10.0.0.1-10.0.0.9"), IPRange("10.0.0.1-10.0.0.5")]
    assert sorted(rs) == [rs[3], rs[2], rs[1], rs[0]]  # IPv4 first, then first, then last
    assert rs[3] < rs[2] <= rs[2] and rs[0] > rs[1] >= rs[1]
    with pytest.raises(TypeError):
        _ = a < IPNet("10.0.0.0/24")  # type: ignore[operator]
    assert len({a, IPRange("10.0.0.1", "10.0.0.5")}) == 1


def test_compare_format_and_subclasses() -> None:
    a, b = IPRange("10.0.0.1-10.0.0.5"), IPRange("10.0.0.1-10.0.0.9")
    assert (a.compare(b), b.compare(a), a.compare(IPRange("10.0.0.1", "10.0.0.5"))) == (-1, 1, 0)
    with pytest.raises(TypeError):
        a.compare(IPNet("10.0.0.0/24"))  # type: ignore[arg-type]
    assert f"{a:>20}|{a}" == "   10.0.0.1-10.0.0.5|10.0.0.1-10.0.0.5"

    class Mine(IPRange):
        __slots__ = ()

    m = Mine("10.0.0.1-10.0.0.5")
    assert m == a and a == m and hash(m) == hash(a) and m < b and b > m and not m < a
    assert repr(m) == "IPRange('10.0.0.1-10.0.0.5')"


def test_from_json_wants_json_text() -> None:
    with pytest.raises(TypeError):
        IPRange.from_json(None)  # type: ignore[arg-type]
    with pytest.raises(AddressError, match="invalid JSON for an IP range"):
        IPRange.from_json("{")
    with pytest.raises(AddressError, match="expected a JSON string holding an IP range"):
        IPRange.from_json("[]")
    assert IPRange.from_json(memoryview(b'"10.0.0.1-10.0.0.2"')).size == 2


def test_immutable_slotted_picklable_copyable() -> None:
    r = IPRange("2001:db8::1-2001:db8::ffff")
    assert not hasattr(r, "__dict__")
    with pytest.raises(AttributeError):
        r.first = IP("::")  # type: ignore[misc]
    with pytest.raises(AttributeError):
        r.extra = 1  # type: ignore[attr-defined]
    for proto in range(pickle.HIGHEST_PROTOCOL + 1):
        assert pickle.loads(pickle.dumps(r, proto)) == r
    assert copy.copy(r) is r and copy.deepcopy(r) is r


def test_key_interface() -> None:
    r = IPRange("10.0.0.1-10.0.0.5")
    assert r._key_bounds() == (int(IP("10.0.0.1")), int(IP("10.0.0.5")))
    assert IPRange._from_keys(*r._key_bounds()) == r
    r6 = IPRange("::1-::5")
    assert r6._key_bounds() == (V6_BASE + 1, V6_BASE + 5)
    assert IPRange._from_keys(V6_BASE + 1, V6_BASE + 5) == r6


def test_exported_from_netx() -> None:
    assert netx.IPRange is IPRange
    assert IPRange.__doc__ and IPRange.cidrs.__doc__


def test_range_problems_are_range_errors() -> None:
    """A range's own problems have their own kind (as networks have NetworkError), still an AddressError."""
    from netx import AddressError, NetworkError, RangeError

    assert issubclass(RangeError, AddressError) and not issubclass(RangeError, NetworkError)
    for bad in ["10.0.0.20-10.0.0.10", "10.0.0.1-::1", "10.0.0.1-", "1-" * 3000]:
        with pytest.raises(RangeError):
            IPRange(bad)
    with pytest.raises(RangeError):
        IPRange(IP("10.0.0.2"), IP("10.0.0.1"))
    with pytest.raises(RangeError):
        IPRange.from_json("null")
    assert repr(RangeError) == "<class 'netx.RangeError'>"
