"""Composition at every seam: the promoted stdlib surface, its netx return types, methods that
take netx values, ``net[i]``, and what ``mypy --strict`` sees in user code."""

from __future__ import annotations

import ipaddress
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netx import IP, IPInterface, IPNet
from netx._promote import ADDRESS, INTERFACE, NETWORK, PLAIN

ROOT = Path(__file__).resolve().parent.parent

ADDRESSES = ["10.0.0.1", "8.8.8.8", "0.0.0.0", "127.0.0.1", "224.0.0.1", "169.254.1.1", "240.0.0.1",
             "::", "::1", "fe80::1", "fe80::1%eth0", "fec0::1", "::ffff:1.2.3.4", "2002:c000:204::1",
             "2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001:db8::1", "ff02::1"]
NETWORKS = ["10.0.0.0/8", "10.0.0.0/24", "0.0.0.0/0", "192.168.1.4/30", "1.2.3.4/32", "224.0.0.0/4",
            "::/0", "2001:db8::/32", "fe80::/10", "fec0::/10", "::1/128", "fe80::%eth0/64"]
INTERFACES = ["10.0.0.5/24", "1.2.3.4/32", "127.0.0.1/8", "::1/128", "fe80::1%eth0/64",
              "::ffff:1.2.3.4/96", "2002:c000:204::1/48", "2001:0:4136:e378:8000:63bf:3fff:fdd2/64"]

CASES: list[tuple[type, Any, dict[str, str], list[str]]] = [
    (IP, ipaddress.ip_address, ADDRESS, ADDRESSES),
    (IPNet, ipaddress.ip_network, NETWORK, NETWORKS),
    (IPInterface, ipaddress.ip_interface, INTERFACE, INTERFACES),
]
EXTRA = {"ipv6_mapped"}  # newer Pythons' names netx already answers


def _public(obj: object) -> set[str]:
    return {name for name in dir(obj) if not name.startswith("_")}


def _as_stdlib(value: Any) -> Any:
    """A netx result in stdlib terms, to compare with the stdlib's own answer."""
    if isinstance(value, IP):
        return value.address
    if isinstance(value, IPNet):
        return value.network
    if isinstance(value, IPInterface):
        return value.interface
    if isinstance(value, tuple):
        return tuple(_as_stdlib(v) for v in value)
    return value


@pytest.mark.parametrize(("kind", "factory", "table", "samples"), CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_the_table_is_exactly_the_stdlib_surface(kind: type, factory: Any, table: dict[str, str], samples: list[str]) -> None:
    stdlib = set().union(*(_public(factory(s)) for s in samples))  # instance dir(): instance attributes too
    assert stdlib - set(table) == set(), "stdlib attributes missing from the promotion table"
    assert set(table) - stdlib <= EXTRA, "table entries the stdlib does not have"
    for sample in samples:
        mine = kind(sample)
        assert _public(factory(sample)) <= _public(mine)


@pytest.mark.parametrize(("kind", "factory", "table", "samples"), CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_every_promoted_attribute_answers_like_the_stdlib_with_netx_types(
    kind: type, factory: Any, table: dict[str, str], samples: list[str]
) -> None:
    for sample in samples:
        mine, std = kind(sample), factory(sample)
        for name, returns in table.items():
            if returns.startswith("()"):
                assert callable(getattr(mine, name)), name
                continue
            try:
                expected = getattr(std, name)
            except ValueError:  # the stdlib cannot answer for zoned values (exploded, reverse_pointer)
                continue
            except AttributeError:  # one family only in the stdlib: netx answers both
                if name == "ipv6_mapped":
                    if mine.version == 4:
                        assert getattr(mine, name) == IP(f"::ffff:{mine.ip if kind is IPInterface else mine}")
                    continue
                assert getattr(mine, name) in (None, False), (sample, name)
                continue
            value = getattr(mine, name)
            if kind is IPInterface and name == "ip":  # deliberate: netx's .ip keeps the zone
                value = value.with_zone(None)
            assert _as_stdlib(value) == expected, (sample, name)
            if returns in PLAIN:
                assert type(value).__name__ == returns, (sample, name)
            elif "IP" in returns and expected is not None:
                assert not isinstance(value, (ipaddress.IPv4Address, ipaddress.IPv6Address)), (sample, name)
                assert "IPNet" not in returns or isinstance(value, IPNet)


def test_address_results_are_netx_values() -> None:
    net = IPNet("10.0.0.0/24")
    assert net.network_address == IP("10.0.0.0") and net.broadcast_address == IP("10.0.0.255")
    assert type(net.network_address) is IP and net.network_address is net.network_address  # cached
    assert IP("::ffff:1.2.3.4").ipv4_mapped == IP("1.2.3.4") and IP("1.2.3.4").ipv4_mapped is None
    assert IP("2002:c000:204::1").sixtofour == IP("192.0.2.4")
    assert IP("2001:0:4136:e378:8000:63bf:3fff:fdd2").teredo == (IP("65.54.227.120"), IP("192.0.2.45"))
    assert IPInterface("::ffff:1.2.3.4/96").ipv4_mapped == IP("1.2.3.4")
    assert IP("10.0.0.1").scope_id is None and IP("fe80::1%eth0").scope_id == "eth0"
    assert list(net.subnets(26))[1] == IPNet("10.0.0.64/26") and net.supernet() == IPNet("10.0.0.0/23")


def test_unknown_names_are_attribute_errors() -> None:
    for value in (IP("10.0.0.1"), IPNet("10.0.0.0/8"), IPInterface("10.0.0.1/8")):
        with pytest.raises(AttributeError, match=f"'{type(value).__name__}' object has no attribute 'nope'"):
            value.nope  # noqa: B018
        assert not hasattr(value, "_prefixlen") and not hasattr(value, "__dict__")
    with pytest.raises(AttributeError, match="ipv6_mapped"):
        IP("::1").ipv6_mapped  # noqa: B018


# -- methods take netx values, stdlib values and strings -------------------------------------------
def _net(draw: Any, version: int) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    bits = 32 if version == 4 else 128
    plen = draw(st.integers(0, bits))
    value = draw(st.integers(0, 2**bits - 1)) >> (bits - plen) << (bits - plen) if plen else 0
    return ipaddress.ip_network((value, plen)) if version == 4 else ipaddress.IPv6Network((value, plen))


@st.composite
def _related(draw: Any) -> tuple[Any, Any]:
    version = draw(st.sampled_from([4, 6]))
    a = _net(draw, version)
    if draw(st.booleans()) and a.prefixlen < a.max_prefixlen:  # often one inside the other
        b = draw(st.sampled_from(list(a.subnets(prefixlen_diff=min(4, a.max_prefixlen - a.prefixlen)))))
        return (a, b) if draw(st.booleans()) else (b, a)
    return a, _net(draw, version)


@settings(max_examples=300, deadline=None)
@given(_related(), st.sampled_from(["netx", "stdlib", "str"]))
def test_relations_take_any_network_form_and_answer_like_the_stdlib(pair: tuple[Any, Any], form: str) -> None:
    a, b = pair
    other: Any = {"netx": IPNet(b), "stdlib": b, "str": str(b)}[form]
    mine = IPNet(a)
    assert mine.subnet_of(other) == a.subnet_of(b)
    assert mine.supernet_of(other) == a.supernet_of(b)
    assert mine.compare_networks(other) == a.compare_networks(b)
    assert mine.overlaps(other) == a.overlaps(b)
    if b.subnet_of(a):
        assert [n.network for n in mine.address_exclude(other)] == list(a.address_exclude(b))
        assert all(type(n) is IPNet for n in mine.address_exclude(other))
    else:
        with pytest.raises(ValueError, match="not contained in"):
            list(mine.address_exclude(other))


def test_relations_across_families_raise_type_error_as_the_stdlib() -> None:
    v4, v6 = IPNet("10.0.0.0/8"), IPNet("::/0")
    for method in ("subnet_of", "supernet_of", "compare_networks", "address_exclude"):
        with pytest.raises(TypeError, match="are not of the same version"):
            getattr(v4, method)(v6)
        with pytest.raises(TypeError):
            result = getattr(ipaddress.ip_network("10.0.0.0/8"), method)(ipaddress.ip_network("::/0"))
            list(result)  # the stdlib's address_exclude is a generator: it raises when iterated


# -- net[i] -------------------------------------------------------------------------------------------
@settings(max_examples=300, deadline=None)
@given(st.sampled_from(NETWORKS[:-1]), st.integers(-(2**130), 2**130) | st.integers(-300, 300))
def test_indexing_is_the_stdlibs(text: str, i: int) -> None:
    mine, std = IPNet(text), ipaddress.ip_network(text)
    try:
        expected = std[i]
    except IndexError:
        with pytest.raises(IndexError, match="address out of range"):
            mine[i]
    else:
        assert type(mine[i]) is IP and mine[i].address == expected


def test_indexing_rejects_what_the_stdlib_rejects() -> None:
    net = IPNet("10.0.0.0/30")
    assert net[0] == IP("10.0.0.0") and net[-1] == IP("10.0.0.3") and IPNet("fe80::%eth0/64")[0].zone is None
    with pytest.raises(TypeError, match="indices must be integers"):
        net["1"]  # type: ignore[index]
    with pytest.raises(TypeError):
        net[True]


# -- what a type checker sees ---------------------------------------------------------------------------
def _assertions() -> str:
    lines = []
    samples = {"IP": 'IP("10.0.0.1")', "IPNet": 'IPNet("10.0.0.0/24")', "IPInterface": 'IPInterface("10.0.0.5/24")'}
    for kind, table in (("IP", ADDRESS), ("IPNet", NETWORK), ("IPInterface", INTERFACE)):
        for name, returns in table.items():
            if returns.startswith("()"):
                continue
            lines.append(f"assert_type({samples[kind]}.{name}, {returns})")
    return "\n".join(lines)


USER_CODE = '''
from __future__ import annotations

from typing import Iterator, assert_type

import netx
from netx import IP, IPInterface, IPNet, IPRange, IPSet

{promoted}

ip = IP("10.0.0.1")
net = IPNet("10.0.0.0/24")
assert_type(ip.is_private, bool)
assert_type(net.broadcast_address, IP)
assert_type(net.network_address, IP)
assert_type(IP.prefix(ip, 24), IPNet)
assert_type(ip.prefix(24), IPNet)
assert_type(IP.from_json('"10.0.0.1"'), IP)
assert_type(IPNet.from_json('"10.0.0.0/8"'), IPNet)
assert_type(IPSet.from_json('["10.0.0.0/8"]'), IPSet)
assert_type(ip - IP("10.0.0.0"), int)
assert_type(ip - 1, IP)
assert_type(ip + 1, IP)
assert_type(net[5], IP)
assert_type(net.subnets(26), Iterator[IPNet])
assert_type(net.address_exclude(IPNet("10.0.0.0/26")), Iterator[IPNet])
assert_type(net.subnet_of("10.0.0.0/8"), bool)
assert_type(net.compare_networks(net), int)
assert_type(net.supernet(), IPNet)
assert_type(list(net.hosts()), list[IP])
assert_type(netx.parse_cidr("10.0.0.1/24"), tuple[IP, IPNet])
assert_type(netx.IPv4("10.0.0.1"), IP)
assert_type(netx.IPv6Net("::/0"), IPNet)
assert_type(netx.json.loads(b'["10.0.0.1"]', list[IP]), list[IP])
assert_type(IPInterface("10.0.0.5/24").network, IPNet)
assert_type(IPRange("10.0.0.1-10.0.0.5").first, IP)
assert_type(sorted([ip, IP("::1")]), list[IP])
assert_type(list(netx.collapse_addresses([ip])), list[IPNet])
assert_type(list(netx.summarize_address_range(ip, ip)), list[IPNet])
'''


def test_mypy_strict_on_user_code_sees_netx_types(tmp_path: Path) -> None:
    user = tmp_path / "user.py"
    user.write_text(USER_CODE.replace("{promoted}", _assertions()))
    bad = tmp_path / "bad.py"  # and it still catches mistakes: nothing is Any
    bad.write_text(textwrap.dedent('''
        from netx import IP, IPNet
        IP("10.0.0.1").is_privat
        x: str = IPNet("10.0.0.0/8").broadcast_address
    '''))
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", "--cache-dir", str(ROOT / ".mypy_cache"),
         str(user), str(bad)],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )
    errors = [line for line in proc.stdout.splitlines() if ": error:" in line]
    assert not [e for e in errors if "user.py" in e], proc.stdout[-4000:] + proc.stderr[-2000:]
    assert any('"IP" has no attribute "is_privat"' in e for e in errors), proc.stdout
    assert any('incompatible types in assignment (expression has type "ip"' in e.lower() for e in errors), proc.stdout
