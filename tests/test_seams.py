"""Bad input at the edges: huge integers, crafted pickles, ints and packed bytes for networks,
bytes where a list is expected; and the stdlib's module functions and interface order."""

from __future__ import annotations

import ipaddress
import pickle
import random
from typing import Any, Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import netx
from netx import IP, IPInterface, IPNet, IPRange, IPSet, collapse_addresses, summarize_address_range
from netx._ip import _restore
from netx._net import _restore_interface, _restore_net
from netx._range import _restore_range
from netx._set import _restore_set
from netx.ipam import Pool

BIG = 10**5000  # str(BIG) raises Python's digit-limit ValueError

HUGE: dict[str, Callable[[], Any]] = {
    "IP(int)": lambda: IP(BIG),
    "IP(-int)": lambda: IP(-BIG),
    "IP(int, version=6)": lambda: IP(BIG, version=6),
    "IPv4(int)": lambda: netx.IPv4(BIG),
    "IPNet(int)": lambda: IPNet(BIG),
    "IPNet((int, 24))": lambda: IPNet((BIG, 24)),
    "IPNet((addr, int))": lambda: IPNet(("10.0.0.0", BIG)),
    "IPInterface(int)": lambda: IPInterface(BIG),
    "IPInterface((addr, int))": lambda: IPInterface(("10.0.0.1", BIG)),
    "ip + int": lambda: IP("1.2.3.4") + BIG,
    "ip - int": lambda: IP("1.2.3.4") - BIG,
    "prefix(int)": lambda: IP("1.2.3.4").prefix(BIG),
    "subnets(int)": lambda: IPNet("10.0.0.0/8").subnets(BIG),
    "subnets(prefixlen_diff=int)": lambda: IPNet("10.0.0.0/8").subnets(prefixlen_diff=BIG),
    "supernet(int)": lambda: IPNet("10.0.0.0/8").supernet(BIG),
    "supernet(prefixlen_diff=int)": lambda: IPNet("10.0.0.0/8").supernet(prefixlen_diff=BIG),
    "IPRange(0, int)": lambda: IPRange(0, BIG),
    "IPRange(int, 0)": lambda: IPRange(BIG, "10.0.0.1"),
    "Pool.allocate(ip=int)": lambda: Pool("10.0.0.0/24").allocate(ip=BIG),
    "summarize_address_range": lambda: list(summarize_address_range(0, BIG)),
}


@pytest.mark.parametrize("case", HUGE, ids=list(HUGE))
def test_huge_integers_are_netx_errors_not_digit_limit_errors(case: str) -> None:
    with pytest.raises(netx.NetxError) as info:
        HUGE[case]()
    assert "16610 bits" in str(info.value) and len(str(info.value)) < 300


@pytest.mark.parametrize("value", [BIG, -BIG], ids=["big", "-big"])
def test_huge_integers_as_set_items_are_type_errors_with_short_messages(value: int) -> None:
    for build in (lambda: IPSet([value]), lambda: IPRange(value), lambda: value in IPSet(["10.0.0.0/8"])):
        with pytest.raises(TypeError, match="16610 bits"):
            build()


# -- unpickling validates ------------------------------------------------------------------------
CRAFTED: list[tuple[Callable[..., Any], tuple[Any, ...], type[Exception], str]] = [
    (_restore, (2**40, 4, None), netx.AddressError, "not an IPv4 address value"),
    (_restore, (1, 5, None), netx.AddressError, "version 5"),
    (_restore, (1, True, None), netx.AddressError, "version True"),
    (_restore, (-1, 6, None), netx.AddressError, "not an IPv6"),
    (_restore, ("1", 4, None), netx.AddressError, "not an IPv4"),
    (_restore, (1, 4, "eth0"), netx.AddressError, "zone 'eth0' on an IPv4"),
    (_restore, (1, 6, ""), netx.AddressError, "is not a zone"),
    (_restore, (1, 6, "a%b"), netx.AddressError, "is not a zone"),
    (_restore_net, (1, 24, 4, None), netx.NetworkError, "host bits set in 0.0.0.1/24"),
    (_restore_net, (0, 33, 4, None), netx.NetworkError, "prefix length 33"),
    (_restore_net, (0, 24, 5, None), netx.NetworkError, "version 5"),
    (_restore_net, (0, 24, 4, "x"), netx.NetworkError, "zone 'x' on an IPv4"),
    (_restore_interface, (2**33, 4, None, 24), netx.NetworkError, "not an IPv4 address value"),
    (_restore_interface, (1, 4, None, -1), netx.NetworkError, "prefix length -1"),
    (_restore_range, (10, 5), netx.AddressError, "is after last"),
    (_restore_range, (5, 2**128 + 5), netx.AddressError, "different families"),
    (_restore_range, (2**33, 2**33), netx.AddressError, "are not addresses"),
    (_restore_set, ([10, 1], [20, 2]), netx.NetworkError, "not sorted"),
    (_restore_set, ([1, 5], [5, 9]), netx.NetworkError, "not sorted"),  # overlapping
    (_restore_set, ([1, 6], [5, 9]), netx.NetworkError, "not sorted"),  # adjacent: not merged
    (_restore_set, ([1], [2**128 + 1]), netx.NetworkError, "one family"),
    (_restore_set, ([1], []), netx.NetworkError, "equal length"),
]


@pytest.mark.parametrize(("restore", "args", "error", "match"), CRAFTED)
def test_crafted_pickles_never_build_invalid_values(restore: Any, args: Any, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        restore(*args)
    # through pickle itself: the reducers name these functions
    with pytest.raises(error, match=match):
        pickle.loads(pickle.dumps(_Crafted(restore, args)))


class _Crafted:
    def __init__(self, restore: Any, args: Any) -> None:
        self.restore, self.args = restore, args

    def __reduce__(self) -> tuple[Any, ...]:
        return self.restore, self.args


@pytest.mark.parametrize("value", [
    IP("10.0.0.1"), IP("fe80::1%eth0"), IP("::"), IPNet("10.0.0.0/8"), IPNet("fe80::%eth0/64"), IPNet("::/0"),
    IPInterface("10.0.0.5/24"), IPInterface("fe80::1%eth0/64"), IPRange("10.0.0.1-10.0.0.9"),
    IPRange("::1-::5"), IPSet(["10.0.0.0/8", "::1", "::3-::9"]), IPSet(),
])
def test_real_values_round_trip(value: Any) -> None:
    assert pickle.loads(pickle.dumps(value)) == value


# -- ints and packed bytes for networks and interfaces, as ip_network / ip_interface ------------
INTS_AND_BYTES = [0, 1, 2**32 - 1, 2**32, 2**128 - 1, b"\x01\x02\x03\x04", bytes(16), b"\xff" * 16,
                  (2**32 + 5, 64), (b"\x0a\x00\x00\x00", 8), (167772160, 8)]


@pytest.mark.parametrize("value", INTS_AND_BYTES)
def test_networks_and_interfaces_take_what_the_stdlib_takes(value: Any) -> None:
    assert IPNet(value, strict=False).network == ipaddress.ip_network(value, strict=False)
    assert IPInterface(value).interface == ipaddress.ip_interface(value)
    assert netx.IPNet(2**128 - 1) == IPNet("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128")


@pytest.mark.parametrize("value", [-1, 2**128, b"abc", b"", (2**128, 8)])
def test_bad_ints_and_bytes_for_networks_are_network_errors(value: Any) -> None:
    with pytest.raises(ValueError):
        ipaddress.ip_network(value)
    with pytest.raises(netx.NetworkError, match="invalid IP (network|interface)"):
        IPNet(value)
    with pytest.raises(netx.NetworkError):
        IPInterface(value)
    with pytest.raises(TypeError):
        IPNet(True)


# -- bytes are one packed address, never a list of ints ------------------------------------------
def test_bytes_are_one_packed_address_wherever_a_list_is_expected() -> None:
    assert IPSet(b"\x0a\x00\x00\x05") == IPSet(["10.0.0.5"]) == IPSet([b"\x0a\x00\x00\x05"])
    assert IPSet(bytearray(b"\x0a\x00\x00\x05")) == IPSet(memoryview(b"\x0a\x00\x00\x05")) == IPSet(["10.0.0.5"])
    assert IPRange(b"\x0a\x00\x00\x05") == IPRange("10.0.0.5-10.0.0.5")
    assert b"\x0a\x00\x00\x05" in IPSet(["10.0.0.0/8"]) and b"\x0a\x00\x00\x05" in IPRange("10.0.0.0-10.0.0.9")
    pool = Pool("10.0.0.0/24", reserve=b"\x0a\x00\x00\x05")
    assert IP("10.0.0.5") not in {pool.allocate() for _ in range(10)} and pool.stats().size == 253
    with pytest.raises(netx.AddressError, match=r"invalid packed IP address b'': 0 bytes"):
        IPSet(b"")
    with pytest.raises(netx.AddressError, match="3 bytes"):
        Pool("10.0.0.0/24", reserve=b"abc")


# -- collapse_addresses / summarize_address_range --------------------------------------------------
@st.composite
def _items(draw: Any) -> list[Any]:
    version = draw(st.sampled_from([4, 6]))
    bits = 32 if version == 4 else 128
    base = draw(st.integers(0, 2**bits - 2**12))
    out: list[Any] = []
    for _ in range(draw(st.integers(0, 12))):
        plen = draw(st.integers(bits - 10, bits))
        value = (base + draw(st.integers(0, 2**12 - 1))) >> (bits - plen) << (bits - plen)
        out.append(ipaddress.ip_network((value, plen)) if version == 4 else ipaddress.IPv6Network((value, plen)))
        if draw(st.booleans()):
            addr = base + draw(st.integers(0, 2**12 - 1))
            out.append(ipaddress.IPv4Address(addr) if version == 4 else ipaddress.IPv6Address(addr))
    return out


@settings(max_examples=200, deadline=None)
@given(_items(), st.sampled_from(["netx", "stdlib", "str"]))
def test_collapse_addresses_is_the_stdlibs(items: list[Any], form: str) -> None:
    expected = list(ipaddress.collapse_addresses(items))
    convert: Any = {"netx": lambda x: IPNet(x) if "/" in str(x) or hasattr(x, "prefixlen") else IP(x),
                    "stdlib": lambda x: x, "str": str}[form]
    mine = list(collapse_addresses([convert(x) for x in items]))
    assert [n.network for n in mine] == expected and all(type(n) is IPNet for n in mine)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([4, 6]), st.integers(0, 2**32 - 1), st.integers(0, 2**20))
def test_summarize_address_range_is_the_stdlibs(version: int, first: int, span: int) -> None:
    a = ipaddress.ip_address(first) if version == 4 else ipaddress.IPv6Address(first << 90)
    b = a + min(span, (2**32 - 1 if version == 4 else 2**128 - 1) - int(a))
    expected = list(ipaddress.summarize_address_range(a, b))
    assert [n.network for n in summarize_address_range(IP(a), IP(b))] == expected
    assert [n.network for n in summarize_address_range(str(a), b)] == expected


def test_module_functions_refuse_what_the_stdlib_refuses() -> None:
    with pytest.raises(TypeError, match="not of the same version"):
        list(collapse_addresses([IP("10.0.0.1"), IP("::1")]))
    with pytest.raises(TypeError, match="not of the same version"):
        list(summarize_address_range(IP("10.0.0.1"), IP("::1")))
    with pytest.raises(ValueError, match="last IP address must be greater than first"):
        list(summarize_address_range("10.0.0.2", "10.0.0.1"))
    with pytest.raises(TypeError, match="takes addresses"):
        list(summarize_address_range(IPNet("10.0.0.0/8"), IP("10.0.0.1")))
    assert list(collapse_addresses([])) == []


# -- IPInterface order: by network, then address (stdlib, PostgreSQL inet) -----------------------
def test_interfaces_sort_by_network_then_address() -> None:
    assert IPInterface("1.1.1.2/16") < IPInterface("1.1.1.1/24")
    assert ipaddress.ip_interface("1.1.1.2/16") < ipaddress.ip_interface("1.1.1.1/24")
    rng = random.Random(7)
    for version in (4, 6):
        bits = 32 if version == 4 else 128
        texts = [str(ipaddress.ip_interface((rng.randrange(2**bits) >> 24 << 24 | rng.randrange(2**8), rng.randrange(bits - 8, bits + 1)) if version == 4
                     else ipaddress.IPv6Interface((rng.randrange(2**bits) >> 120 << 120 | rng.randrange(2**8), rng.randrange(bits - 8, bits + 1)))))
                 for _ in range(300)]
        expected = [str(i) for i in sorted(ipaddress.ip_interface(t) for t in texts)]
        assert [str(i) for i in sorted(IPInterface(t) for t in texts)] == expected
