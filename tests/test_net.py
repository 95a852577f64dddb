"""``netx.IPNet``, ``netx.IPInterface`` and the parsing functions of ``netx._net``."""

from __future__ import annotations

import copy
import ipaddress
import pickle
from typing import Any

import netaddr
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netx import (
    IP,
    AddressError,
    IPInterface,
    IPNet,
    NetworkError,
    NetxError,
    ip_version,
    parse_cidr,
    parse_net,
)

PROPS = settings(max_examples=150, deadline=None)
NETS = ["0.0.0.0/0", "10.0.0.0/8", "10.1.2.0/24", "10.1.2.3/32", "::/0", "2001:db8::/32", "::1/128", "fe80::%eth0/64"]


@st.composite
def any_net(draw: st.DrawFn) -> IPNet:
    version = draw(st.sampled_from([4, 6]))
    bits = 32 if version == 4 else 128
    plen = draw(st.integers(0, bits))
    value = draw(st.integers(0, 2**bits - 1))
    return IPNet((IP(value, version=version), plen), strict=False)


# -- construction -----------------------------------------------------------------------


@pytest.mark.parametrize("text", NETS)
def test_str_repr_match_the_stdlib(text: str) -> None:
    net, std = IPNet(text), ipaddress.ip_network(text)
    assert str(net) == str(std) == text
    assert repr(net) == f"IPNet({text!r})"
    assert net.prefixlen == std.prefixlen and net.version == std.version


def test_string_forms() -> None:
    assert IPNet("10.0.0.0/255.255.255.0") == IPNet("10.0.0.0/24")
    assert IPNet("10.0.0.0/0.0.0.255") == IPNet("10.0.0.0/24")  # hostmask, as ipaddress
    assert IPNet("10.0.0.0/024") == IPNet("10.0.0.0/24")
    assert str(IPNet("10.0.0.1")) == "10.0.0.1/32"
    assert str(IPNet("::1")) == "::1/128"
    assert str(IPNet("2001:DB8:0::/48")) == "2001:db8::/48"


def test_strict_and_masking() -> None:
    with pytest.raises(NetworkError, match="host bits set") as info:
        IPNet("10.1.2.3/24")
    assert "10.1.2.0/24" in str(info.value) and "strict=False" in str(info.value)
    assert IPNet("10.1.2.3/24", strict=False) == IPNet("10.1.2.0/24")
    assert str(IPNet("10.1.2.3/24", strict=False)) == "10.1.2.0/24"
    assert IPNet("2001:db8::1/32", strict=False) == IPNet("2001:db8::/32")
    with pytest.raises(NetworkError, match="host bits set"):
        IPNet("2001:db8::1/32")
    assert parse_net("10.1.2.3/24", strict=False) == IPNet("10.1.2.0/24")


def test_tuples() -> None:
    assert IPNet(("10.0.0.0", 24)) == IPNet("10.0.0.0/24")
    assert IPNet((IP("10.0.0.0"), 24)) == IPNet("10.0.0.0/24")
    assert IPNet((ipaddress.IPv4Address("10.0.0.0"), 24)) == IPNet("10.0.0.0/24")
    assert IPNet(("10.0.0.0", "255.255.255.0")) == IPNet("10.0.0.0/24")
    assert IPNet(("10.0.0.0", "24")) == IPNet("10.0.0.0/24")
    assert IPNet((167772160, 24)) == IPNet("10.0.0.0/24")
    assert IPNet(("10.0.0.1",)) == IPNet("10.0.0.1/32")
    assert IPNet(("2001:db8::", 32)) == IPNet("2001:db8::/32")
    assert IPNet(("10.0.0.1", 24), strict=False) == IPNet("10.0.0.0/24")
    with pytest.raises(NetworkError, match="host bits set"):
        IPNet(("10.0.0.1", 24))
    for bad in (("10.0.0.0", 33), ("10.0.0.0", -1), ("::", 129)):
        with pytest.raises(NetworkError, match="out of range"):
            IPNet(bad)
    with pytest.raises(NetworkError):
        IPNet(("10.0.0.0", 24, 1))
    with pytest.raises(NetworkError):
        IPNet(())
    with pytest.raises(NetworkError):
        IPNet(("10.0.0.256", 24))
    with pytest.raises(TypeError):
        IPNet(("10.0.0.0", True))
    with pytest.raises(TypeError):
        IPNet(("10.0.0.0", 24.0))
    with pytest.raises(TypeError):
        IPNet((None, 24))


def test_from_objects() -> None:
    net = IPNet("10.0.0.0/24")
    assert IPNet(net) == net
    assert IPNet(ipaddress.ip_network("10.0.0.0/24")) == net
    assert IPNet(ipaddress.ip_network("fe80::%eth0/64")) == IPNet("fe80::%eth0/64")
    assert IPNet(IP("10.0.0.1")) == IPNet("10.0.0.1/32")
    assert IPNet(IP("fe80::1%x")) == IPNet("fe80::1%x/128")
    assert IPNet(ipaddress.ip_address("::1")) == IPNet("::1/128")
    assert IPNet(IPInterface("10.0.0.0/24")) == net
    assert IPNet(IPInterface("10.0.0.5/24"), strict=False) == net
    assert IPNet(ipaddress.ip_interface("10.0.0.5/24"), strict=False) == net
    with pytest.raises(NetworkError, match="host bits"):
        IPNet(IPInterface("10.0.0.5/24"))
    assert IPNet(netaddr.IPNetwork("10.0.0.0/24")) == net
    assert IPNet(netaddr.IPNetwork("2001:db8::/32")) == IPNet("2001:db8::/32")
    assert IPNet(netaddr.IPNetwork("10.0.0.5/24"), strict=False) == net
    with pytest.raises(NetworkError, match="host bits"):
        IPNet(netaddr.IPNetwork("10.0.0.5/24"))
    assert IPNet(netaddr.IPAddress("10.0.0.5")) == IPNet("10.0.0.5/32")


@pytest.mark.parametrize("value", [None, True, 1.5, bytearray(b"\x0a\x00\x00\x00"), ["10.0.0.0", 24], {"net": 1}, object()])
def test_wrong_types_raise_type_error(value: object) -> None:
    with pytest.raises(TypeError, match="cannot make an IPNet"):
        IPNet(value)


def test_str_subclass() -> None:
    class Text(str):
        pass

    assert IPNet(Text("10.0.0.0/8")) == IPNet("10.0.0.0/8")
    assert IPInterface(Text("10.0.0.1/8")) == IPInterface("10.0.0.1/8")


# -- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("10.0.0.0/33", "prefix length /33 is out of range for IPv4 (0 to 32)"),
        ("::/129", "prefix length /129 is out of range for IPv6 (0 to 128)"),
        ("10.0.0.0/", "nothing after the '/'"),
        ("::/", "nothing after the '/'"),
        ("10.0.0.0/x", "neither a prefix length"),
        ("10.0.0.0/255.0.255.0", "neither a prefix length (0 to 32) nor a valid netmask"),
        ("::/ffff::", "not a number"),
        ("10.0.0.0/8/8", "more than one '/'"),
        ("/8", "no address"),
        ("10.0.0.256/8", "256"),
        ("1::2::3/64", "'::'"),
        ("", "empty string"),
        ("10.0.0.1/8", "host bits set"),
    ],
)
def test_bad_networks_say_what_is_wrong(text: str, reason: str) -> None:
    with pytest.raises(NetworkError) as info:
        IPNet(text)
    message = str(info.value)
    assert message.startswith(f"invalid IP network {text!r}: "), message
    assert reason in message, message
    assert isinstance(info.value, NetxError) and isinstance(info.value, ValueError)


def test_bad_interfaces_say_what_is_wrong() -> None:
    with pytest.raises(NetworkError, match=r"invalid IP interface '10.0.0.1/33': prefix length /33 is out of range"):
        IPInterface("10.0.0.1/33")
    with pytest.raises(NetworkError, match="nothing after the '/'"):
        IPInterface("10.0.0.1/")
    with pytest.raises(NetworkError, match="out of range"):
        IPInterface(("10.0.0.1", 40))


def test_huge_input_is_rejected_without_being_parsed() -> None:
    for huge in ("1" * 10_000_000, "10.0.0.0/" + "1" * 10_000_000, "::/" + "0" * 10_000_000 + "1"):
        for make in (IPNet, IPInterface, parse_net, parse_cidr):
            with pytest.raises(NetworkError, match="longer than 256 characters") as info:
                make(huge)
            assert len(str(info.value)) < 200
        with pytest.raises(AddressError, match="longer than 256 characters"):
            ip_version(huge)


# -- attributes ---------------------------------------------------------------------------------


def test_attributes() -> None:
    net = IPNet("10.1.2.0/24")
    assert net.network == ipaddress.ip_network("10.1.2.0/24") and net.network is net.network
    assert (net.ip, net.first, net.last) == (IP("10.1.2.0"), IP("10.1.2.0"), IP("10.1.2.255"))
    assert (net.netmask, net.hostmask) == (IP("255.255.255.0"), IP("0.0.0.255"))
    assert (net.prefixlen, net.version, net.max_prefixlen, net.size, net.zone) == (24, 4, 32, 256, None)
    v6 = IPNet("2001:db8::/64")
    assert v6.size == 2**64 and v6.last == IP("2001:db8::ffff:ffff:ffff:ffff")
    assert v6.netmask == IP("ffff:ffff:ffff:ffff::") and v6.hostmask == IP("::ffff:ffff:ffff:ffff")
    assert IPNet("::/0").size == 2**128 and IPNet("0.0.0.0/0").size == 2**32
    zoned = IPNet("fe80::%eth0/64")
    assert zoned.zone == "eth0" and zoned.ip == IP("fe80::%eth0") and zoned.network == ipaddress.ip_network("fe80::%eth0/64")


def test_stdlib_attributes_are_promoted() -> None:
    net = IPNet("10.0.0.0/8")
    assert net.is_private
    assert net.num_addresses == 2**24
    assert net.with_netmask == "10.0.0.0/255.0.0.0"
    assert net.broadcast_address == IP("10.255.255.255")
    assert net.supernet_of(ipaddress.ip_network("10.1.0.0/16"))
    assert IPNet("::/64").exploded == "0000:0000:0000:0000:0000:0000:0000:0000/64"
    assert IPNet("fe80::%eth0/64").exploded == "fe80:0000:0000:0000:0000:0000:0000:0000%eth0/64"
    assert "is_private" in dir(net) and "subnets" in dir(net)
    with pytest.raises(AttributeError, match="'IPNet' object has no attribute 'nope'"):
        net.nope  # noqa: B018
    with pytest.raises(AttributeError):
        net._prefixlen  # noqa: B018


# -- membership and relations ---------------------------------------------------------------------


def test_contains() -> None:
    net = IPNet("10.0.0.0/24")
    assert IP("10.0.0.7") in net and IP("10.0.1.0") not in net
    assert "10.0.0.255" in net and "10.0.1.0" not in net
    assert ipaddress.ip_address("10.0.0.1") in net
    assert IPNet("10.0.0.128/25") in net and IPNet("10.0.0.0/24") in net
    assert IPNet("10.0.0.0/23") not in net and IPNet("10.0.1.0/25") not in net
    assert "10.0.0.128/25" in net and "10.0.0.0/16" not in net
    assert ipaddress.ip_network("10.0.0.64/26") in net
    assert IPInterface("10.0.0.5/16") in net  # an interface counts as its address
    assert ipaddress.ip_interface("10.0.0.5/16") in net
    assert IP("::a00:7") not in net and IP("::ffff:10.0.0.7") not in net  # never across families
    assert IP("fe80::1%eth0") in IPNet("fe80::/64")
    with pytest.raises(AddressError):
        "10.0.0.300" in net  # noqa: B015  (a typo is an error, not a silent False)
    with pytest.raises(TypeError):
        167772161 in net  # noqa: B015
    with pytest.raises(TypeError):
        None in net  # noqa: B015


@PROPS
@given(any_net(), st.integers(0, 2**128 - 1))
def test_contains_matches_the_stdlib(net: IPNet, value: int) -> None:
    bits = net.max_prefixlen
    ip = IP(value % 2**bits, version=net.version)
    assert (ip in net) == (ip.address in net.network)
    inside = IP(int(net.ip) + value % net.size, version=net.version)
    assert inside in net and inside.address in net.network


def test_overlaps() -> None:
    net = IPNet("10.0.0.0/24")
    assert net.overlaps(IPNet("10.0.0.128/25")) and net.overlaps("10.0.0.0/16") and net.overlaps("10.0.0.5/32")
    assert not net.overlaps(IPNet("10.0.1.0/24"))
    assert not net.overlaps(IPNet("::/0"))
    assert net.overlaps(ipaddress.ip_network("10.0.0.0/8"))
    assert net.overlaps(IP("10.0.0.9")) and not net.overlaps(IP("10.0.1.9"))


@PROPS
@given(any_net(), any_net())
def test_overlaps_and_subnet_match_the_stdlib(a: IPNet, b: IPNet) -> None:
    if a.version == b.version:
        assert a.overlaps(b) == a.network.overlaps(b.network) == b.overlaps(a)
        assert (b in a) == b.network.subnet_of(a.network)
    else:
        assert not a.overlaps(b) and b not in a


def test_subnets() -> None:
    net = IPNet("10.0.0.0/24")
    assert list(net.subnets()) == [IPNet("10.0.0.0/25"), IPNet("10.0.0.128/25")]
    assert [str(n) for n in net.subnets(26)] == ["10.0.0.0/26", "10.0.0.64/26", "10.0.0.128/26", "10.0.0.192/26"]
    assert list(net.subnets(new_prefix=24)) == [net]
    assert len(list(net.subnets(prefixlen_diff=3))) == 8
    assert list(IPNet("10.0.0.1/32").subnets()) == [IPNet("10.0.0.1/32")]  # as ipaddress
    assert next(IPNet("::/0").subnets(64)) == IPNet("::/64")  # lazy: 2**64 of them
    with pytest.raises(NetworkError, match="must be longer"):
        list(net.subnets(23))
    with pytest.raises(NetworkError, match="longer than /32"):
        list(net.subnets(33))
    with pytest.raises(NetworkError, match="cannot set both"):
        net.subnets(25, prefixlen_diff=2)
    with pytest.raises(NetworkError):
        net.subnets(prefixlen_diff=-1)
    with pytest.raises(TypeError):
        net.subnets("25")  # type: ignore[arg-type]
    # zones are dropped by the subnets, as in ipaddress
    assert list(IPNet("fe80::%eth0/127").subnets()) == [IPNet("fe80::/128"), IPNet("fe80::1/128")]


def test_supernet() -> None:
    net = IPNet("10.1.2.0/24")
    assert net.supernet() == IPNet("10.1.2.0/23")
    assert net.supernet(16) == IPNet("10.1.0.0/16")
    assert net.supernet(new_prefix=24) == net
    assert net.supernet(prefixlen_diff=8) == IPNet("10.1.0.0/16")
    assert IPNet("0.0.0.0/0").supernet() == IPNet("0.0.0.0/0")  # as ipaddress
    assert IPNet("2001:db8::/32").supernet(16) == IPNet("2001::/16")
    with pytest.raises(NetworkError, match="must be shorter"):
        net.supernet(25)
    with pytest.raises(NetworkError, match="shorter than /0"):
        net.supernet(prefixlen_diff=25)
    with pytest.raises(NetworkError, match="cannot set both"):
        net.supernet(20, prefixlen_diff=2)
    with pytest.raises(TypeError):
        net.supernet(16.0)  # type: ignore[arg-type]


@PROPS
@given(any_net(), st.integers(0, 8))
def test_subnets_and_supernet_match_the_stdlib(net: IPNet, diff: int) -> None:
    if net.prefixlen + diff <= net.max_prefixlen and diff <= 6:
        mine = [str(n) for n in net.subnets(net.prefixlen + diff)]
        theirs = [str(n) for n in net.network.subnets(new_prefix=net.prefixlen + diff)]
        assert mine == theirs
    if net.prefixlen - diff >= 0:
        assert str(net.supernet(prefixlen_diff=diff)) == str(net.network.supernet(prefixlen_diff=diff))


@pytest.mark.parametrize("text", [
    *(f"10.1.0.0/{p}" for p in range(22, 33)),
    *(f"10.1.2.{a}/32" for a in (0, 255)),
    *(f"2001:db8::/{p}" for p in range(116, 129)),
    "::/128", "fe80::%eth0/128", "fe80::%eth0/127", "fe80::%eth0/126", "::ffff:0.0.0.0/126",
])
def test_iteration_and_hosts_are_exactly_the_stdlib(text: str) -> None:
    net, std = IPNet(text), ipaddress.ip_network(text)
    assert [ip.address for ip in net] == list(std)
    assert [str(ip) for ip in net] == [str(a) for a in std]
    assert [str(ip) for ip in net.hosts()] == [str(a) for a in std.hosts()]
    assert all(type(ip) is IP for ip in net.hosts())


def test_iteration_is_lazy() -> None:
    it = iter(IPNet("::/0"))
    assert next(it) == IP("::") and next(it) == IP("::1")
    hosts = IPNet("10.0.0.0/8").hosts()
    assert next(hosts) == IP("10.0.0.1")


def test_masked_and_compare() -> None:
    assert IPNet("fe80::%eth0/64").masked() == IPNet("fe80::/64")
    net = IPNet("10.0.0.0/8")
    assert net.masked() is net
    assert net.compare(IPNet("10.0.0.0/16")) == -1
    assert IPNet("10.0.0.0/16").compare(net) == 1
    assert net.compare(IPNet("10.0.0.0/8")) == 0
    assert IPNet("255.0.0.0/8").compare(IPNet("::/0")) == -1
    with pytest.raises(TypeError):
        net.compare("10.0.0.0/8")  # type: ignore[arg-type]


# -- order, equality, value semantics ----------------------------------------------------------


def test_order() -> None:
    nets = [IPNet(t) for t in ("::/0", "10.0.0.0/16", "10.0.0.0/8", "9.0.0.0/8", "::1/128", "255.0.0.0/8", "10.0.0.0/24")]
    assert [str(n) for n in sorted(nets)] == [
        "9.0.0.0/8", "10.0.0.0/8", "10.0.0.0/16", "10.0.0.0/24", "255.0.0.0/8", "::/0", "::1/128",
    ]
    assert IPNet("255.0.0.0/8") < IPNet("::/0") <= IPNet("::/0")
    assert IPNet("::/0") > IPNet("255.0.0.0/8") and IPNet("::/0") >= IPNet("::/0")
    with pytest.raises(TypeError):
        IPNet("10.0.0.0/8") < "10.0.0.0/8"  # noqa: B015


@PROPS
@given(any_net(), any_net())
def test_order_is_version_address_prefixlen(a: IPNet, b: IPNet) -> None:
    key = lambda n: (n.version, int(n.ip), n.prefixlen)  # noqa: E731
    assert (a < b) == (key(a) < key(b)) and (a > b) == (key(a) > key(b))
    assert (a <= b) == (key(a) <= key(b)) and (a >= b) == (key(a) >= key(b))
    assert (a == b) == (key(a) == key(b))
    if a == b:
        assert hash(a) == hash(b)


def test_equality_and_hashing() -> None:
    assert IPNet("10.0.0.0/8") == IPNet(("10.0.0.0", "255.0.0.0"))
    assert IPNet("10.0.0.0/8") != IPNet("10.0.0.0/9")
    assert IPNet("10.0.0.0/8") != ipaddress.ip_network("10.0.0.0/8")
    assert IPNet("10.0.0.0/8") != "10.0.0.0/8"
    assert IPNet("fe80::%a/64") != IPNet("fe80::/64")
    assert len({IPNet("10.0.0.0/8"), IPNet("10.0.0.0/255.0.0.0"), IPNet("10.1.0.0/8", strict=False)}) == 1
    assert IPNet(("::", 0)) != IPNet(("0.0.0.0", 0))


def test_immutable() -> None:
    net = IPNet("10.0.0.0/8")
    for name in ("foo", "prefixlen", "ip", "network", "size", "is_private", "num_addresses"):
        with pytest.raises(AttributeError):
            setattr(net, name, 1)
    assert not hasattr(net, "__dict__")


@pytest.mark.parametrize("text", NETS)
def test_pickle_and_copy(text: str) -> None:
    net = IPNet(text)
    net.network  # noqa: B018
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(net, protocol))
        assert back == net and type(back) is IPNet and str(back) == text
    assert copy.copy(net) is net and copy.deepcopy(net) is net


def test_json() -> None:
    for text in NETS:
        net = IPNet(text)
        assert net.to_json() == f'"{text}"'
        assert IPNet.from_json(net.to_json()) == net
        assert IPNet.from_json(net.to_json().encode()) == net
    for data in ("", "null", "24", "[]", '["10.0.0.0/8"]', "{}", '"10.0.0.1/8"', '"10.0.0.0/33"', "nope", b"\x00"):
        with pytest.raises(NetworkError):
            IPNet.from_json(data)
    with pytest.raises(TypeError):
        IPNet.from_json(None)  # type: ignore[arg-type]


def test_netaddr_round_trip() -> None:
    for text in ("10.0.0.0/8", "2001:db8::/32", "0.0.0.0/0", "::1/128"):
        theirs = IPNet(text).to_netaddr()
        assert isinstance(theirs, netaddr.IPNetwork) and str(theirs) == text
        assert IPNet(theirs) == IPNet(text)


def test_format() -> None:
    assert f"{IPNet('10.0.0.0/8'):>12}" == "  10.0.0.0/8"
    assert f"{IPInterface('10.0.0.1/8')}" == "10.0.0.1/8"


# -- IPInterface -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["10.0.0.5/24", "10.0.0.5/32", "0.0.0.0/0", "2001:db8::5/64", "::1/128", "fe80::1%eth0/64"])
def test_interface_matches_the_stdlib(text: str) -> None:
    iface, std = IPInterface(text), ipaddress.ip_interface(text)
    assert str(iface) == str(std) == text
    assert repr(iface) == f"IPInterface({text!r})"
    assert int(iface.ip) == int(std) and iface.prefixlen == std.network.prefixlen
    assert str(iface.network) == str(std.network) and iface.version == std.version
    assert iface.interface == std and iface.interface is iface.interface
    assert iface.netmask.address == std.netmask and iface.hostmask.address == std.hostmask
    assert iface.with_prefixlen == std.with_prefixlen  # promoted


def test_interface_attributes() -> None:
    iface = IPInterface("10.0.0.5/24")
    assert iface.ip == IP("10.0.0.5") and type(iface.ip) is IP
    assert iface.network == IPNet("10.0.0.0/24") and type(iface.network) is IPNet
    assert (iface.prefixlen, iface.version, iface.zone) == (24, 4, None)
    assert str(IPInterface("10.0.0.5")) == "10.0.0.5/32"
    assert IPInterface("10.0.0.5/255.255.255.0") == iface
    zoned = IPInterface("fe80::1%eth0/64")
    assert zoned.ip == IP("fe80::1%eth0") and zoned.zone == "eth0"
    assert zoned.network == IPNet("fe80::/64")  # masked: the stdlib drops the zone
    assert IPInterface("fe80::1%eth0").network == IPNet("fe80::1%eth0/128")  # unmasked: kept


def test_interface_address_is_made_once_and_zones_count() -> None:
    # an interface keeps its address as fields and makes the IP on first read
    for text in ("10.0.0.5/24", "2001:db8::5/64", "fe80::1%eth0/64"):
        iface = IPInterface(text)
        assert iface.ip is iface.ip and str(iface.ip) == text.partition("/")[0]
        assert iface.ip.zone == iface.zone == iface.scope_id
    given = IP("10.0.0.5")
    assert IPInterface(given).ip is given
    zoned = IPInterface("fe80::1%eth0/64")
    assert zoned != IPInterface("fe80::1%eth1/64") and zoned != IPInterface("fe80::1/64")
    assert zoned == IPInterface("fe80::1%eth0/64") and hash(zoned) == hash(IPInterface("fe80::1%eth0/64"))
    assert IPInterface("10.0.0.5/24") != IPInterface("::a00:5/24")  # same int and prefix, other family
    assert str(IPInterface(("fe80::1%eth0", 64))) == "fe80::1%eth0/64"


def test_interface_from_objects() -> None:
    iface = IPInterface("10.0.0.5/24")
    assert IPInterface(iface) == iface
    assert IPInterface(ipaddress.ip_interface("10.0.0.5/24")) == iface
    assert IPInterface(("10.0.0.5", 24)) == iface
    assert IPInterface((IP("10.0.0.5"), 24)) == iface
    assert IPInterface(("10.0.0.5", "255.255.255.0")) == iface
    assert IPInterface((167772165, 24)) == iface
    assert IPInterface(IP("10.0.0.5")) == IPInterface("10.0.0.5/32")
    assert IPInterface(ipaddress.ip_address("::1")) == IPInterface("::1/128")
    assert IPInterface(IPNet("10.0.0.0/24")) == IPInterface("10.0.0.0/24")
    assert IPInterface(netaddr.IPNetwork("10.0.0.5/24")) == iface
    for value in (None, 1.0, True, bytearray(b"\x0a\x00\x00\x05"), object()):
        with pytest.raises(TypeError, match="cannot make an IPInterface"):
            IPInterface(value)


def test_interface_value_semantics() -> None:
    a, b = IPInterface("10.0.0.5/24"), IPInterface("10.0.0.5/25")
    assert a != b and a == IPInterface("10.0.0.5/24") and hash(a) == hash(IPInterface("10.0.0.5/24"))
    assert a < b and sorted([b, IPInterface("::1/64"), a]) == [a, b, IPInterface("::1/64")]
    assert a != ipaddress.ip_interface("10.0.0.5/24")
    with pytest.raises(AttributeError):
        a.ip = IP("10.0.0.6")  # type: ignore[misc]
    with pytest.raises(AttributeError):
        a.foo = 1  # type: ignore[attr-defined]
    for text in ("10.0.0.5/24", "fe80::1%eth0/64", "::1/128"):
        iface = IPInterface(text)
        for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
            back = pickle.loads(pickle.dumps(iface, protocol))
            assert back == iface and str(back) == text and back.ip.zone == iface.ip.zone
        assert copy.copy(iface) is iface and copy.deepcopy(iface) is iface
        assert IPInterface.from_json(iface.to_json()) == iface
        assert iface.to_json() == f'"{text}"'
    for data in ("null", "1", "[]", '"10.0.0.5/33"', "{"):
        with pytest.raises(NetworkError):
            IPInterface.from_json(data)
    theirs = a.to_netaddr()
    assert isinstance(theirs, netaddr.IPNetwork) and str(theirs) == "10.0.0.5/24"


# -- functions -----------------------------------------------------------------------------------


def test_parse_net() -> None:
    assert parse_net("10.0.0.0/8") == IPNet("10.0.0.0/8")
    with pytest.raises(NetworkError):
        parse_net("10.0.0.1/8")
    with pytest.raises(TypeError, match="parse_net takes a str"):
        parse_net(("10.0.0.0", 8))  # type: ignore[arg-type]


def _reason_of(build: Any, text: str) -> str:
    with pytest.raises(NetworkError) as info:
        build(text)
    return str(info.value).partition(": ")[2]


def test_parse_cidr() -> None:
    assert parse_cidr("10.1.2.3/24") == (IP("10.1.2.3"), IPNet("10.1.2.0/24"))
    assert parse_cidr("2001:db8::1/32") == (IP("2001:db8::1"), IPNet("2001:db8::/32"))
    assert parse_cidr("10.1.2.3/255.255.255.0") == (IP("10.1.2.3"), IPNet("10.1.2.0/24"))
    assert parse_cidr("fe80::1%eth0/64") == (IP("fe80::1%eth0"), IPNet("fe80::/64"))
    with pytest.raises(NetworkError, match="no '/'"):
        parse_cidr("10.1.2.3")
    for bad in ("10.1.2.3/33", "10.1.2.3/", "x/24"):
        with pytest.raises(NetworkError, match=r"^invalid CIDR ") as info:  # one kind named, whatever the mistake
            parse_cidr(bad)
        assert str(info.value).partition(": ")[2] == _reason_of(IPInterface, bad)
    with pytest.raises(TypeError):
        parse_cidr(None)  # type: ignore[arg-type]


def test_ip_version() -> None:
    for text, version in [("10.0.0.1", 4), ("::1", 6), ("10.0.0.0/8", 4), ("10.0.0.1/8", 4), ("::/0", 6),
                          ("fe80::1%eth0", 6), ("fe80::1%eth0/64", 6), ("10.0.0.0/255.0.0.0", 4)]:
        assert ip_version(text) == version
    for bad in ("", "10.0.0.256", "10.0.0.0/33", "::/129", "hello", "10.0.0.0/"):
        with pytest.raises(AddressError, match="invalid IP address, network or interface"):
            ip_version(bad)
    with pytest.raises(TypeError):
        ip_version(4)  # type: ignore[arg-type]
