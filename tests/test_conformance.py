"""netx accepts exactly what ``ipaddress`` accepts, and prints exactly what it prints.

Differential tests: every input goes through both implementations, for all four
constructors (``ip_address``, ``ip_network(strict=True)``, ``ip_network(strict=False)``,
``ip_interface``); acceptance, ``str``, the integer value, the version and the prefix
length must agree. Inputs come from hypothesis generators of near-valid strings, from
arbitrary text, and from every string constant in CPython's own ``test_ipaddress.py``.

The one deliberate difference: text longer than ``netx._ip.MAX_TEXT`` is rejected
unread (only absurdly long IPv6 zone ids or zero-padded prefixes can be that long
and valid); the generators stay below it and one test pins the difference down.
"""

from __future__ import annotations

import ast
import ipaddress
import os
import sysconfig
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import netx
from netx import IP, AddressError, IPInterface, IPNet, IPRange, IPSet, NetworkError, NetxError
from netx import _codec as codec
from netx._errors import shorten
from netx._ip import MAX_TEXT

FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- the two implementations, reduced to comparable facts -------------------------

Outcome = tuple[Any, ...] | None


def _std(kind: str, value: Any) -> Outcome:
    try:
        if kind == "ip":
            a = ipaddress.ip_address(value)
            return (str(a), int(a), a.version, getattr(a, "scope_id", None))
        if kind in ("net", "loose"):
            n = ipaddress.ip_network(value, strict=kind == "net")
            return (str(n), int(n.network_address), n.prefixlen, n.version)
        i = ipaddress.ip_interface(value)
        return (str(i), int(i), i.network.prefixlen, i.version, str(i.network))
    except ValueError:
        return None


_ERRORS = {"ip": AddressError, "net": NetworkError, "loose": NetworkError, "iface": NetworkError}


def _mine(kind: str, value: Any) -> Outcome:
    try:
        if kind == "ip":
            a = IP(value)
            return (str(a), int(a), a.version, a.zone)
        if kind in ("net", "loose"):
            n = IPNet(value, strict=kind == "net")
            return (str(n), int(n.ip), n.prefixlen, n.version)
        i = IPInterface(value)
        return (str(i), int(i.ip), i.prefixlen, i.version, str(i.network))
    except NetxError as exc:
        assert isinstance(exc, _ERRORS[kind]), (kind, value, exc)
        message = str(exc)
        assert len(message) < 400, message
        return None


def check_all(text: str) -> None:
    """``text`` behaves identically in netx and ipaddress, under every constructor."""
    assert len(text) <= MAX_TEXT
    for kind in ("ip", "net", "loose", "iface"):
        theirs = _std(kind, text)
        mine = _mine(kind, text)
        assert mine == theirs, f"{kind}({text!r}): netx {mine} != ipaddress {theirs}"
    # the functions agree with the constructors
    ip_ok = _std("ip", text) is not None
    iface_ok = _std("iface", text) is not None
    if ip_ok:
        assert netx.parse_ip(text) == IP(text)
        ip, theirs = IP(text), ipaddress.ip_address(text)
        if ip.zone is None:  # promoted attributes (the stdlib raises on them when there is a zone)
            assert (ip.exploded, ip.compressed, ip.reverse_pointer) == (theirs.exploded, theirs.compressed, theirs.reverse_pointer)
        else:
            assert ip.exploded == ipaddress.ip_address(text.partition("%")[0]).exploded + "%" + ip.zone
    else:
        with pytest.raises(AddressError):
            netx.parse_ip(text)
    for strict in (True, False):
        if _std("net" if strict else "loose", text) is not None:
            assert netx.parse_net(text, strict=strict) == IPNet(text, strict=strict)
        else:
            with pytest.raises(NetworkError):
                netx.parse_net(text, strict=strict)
    if ip_ok or iface_ok:
        assert netx.ip_version(text) == (ipaddress.ip_address(text) if ip_ok else ipaddress.ip_interface(text)).version
    else:
        with pytest.raises(AddressError):
            netx.ip_version(text)
    if "/" in text and iface_ok:
        ip, net = netx.parse_cidr(text)
        iface = ipaddress.ip_interface(text)
        assert (int(ip), str(net)) == (int(iface), str(iface.network))
    else:
        with pytest.raises(NetworkError) as info:
            netx.parse_cidr(text)
        if "/" in text:  # the same words as IPInterface for the same mistake
            assert str(info.value) == _message(IPInterface, text).replace("invalid IP interface", "invalid CIDR", 1)
    check_range_and_set(text)
    check_codec(text)


def _outcome(build: Any, *args: Any) -> tuple[Any, ...]:
    """What a parser makes of its input: its facts, or its error class and message."""
    try:
        return ("ok", build(*args))
    except NetxError as exc:
        return (type(exc).__name__, str(exc))


def check_codec(text: str) -> None:
    """The codec's own text paths (the types inline copies of their fast paths) give the same
    values as the constructors, and for a bad text the same error class and message."""

    def ip(t: str) -> tuple[Any, ...]:
        a = IP(t)
        return int(a), a.version, a.zone

    def net(t: str, strict: bool) -> tuple[Any, ...]:
        n = IPNet(t, strict=strict)
        return int(n.ip), n.prefixlen, n.version, n.zone

    def iface(t: str) -> tuple[Any, ...]:
        i = IPInterface(t)
        return int(i.ip), i.version, i.zone, i.prefixlen

    assert _outcome(lambda t: codec.address(t)[:3], text) == _outcome(ip, text), text
    for strict in (True, False):
        assert _outcome(codec.network, text, strict) == _outcome(net, text, strict), (text, strict)
    assert _outcome(codec.interface, text) == _outcome(iface, text), text
    if "/" in text:
        theirs = _outcome(iface, text)
        if theirs[0] != "ok":  # the same reason, naming the CIDR
            theirs = (theirs[0], theirs[1].replace("invalid IP interface", "invalid CIDR", 1))
        assert _outcome(codec.cidr, text) == theirs, text


def IP_error(text: str) -> str:
    """The message of ``IP(text)``'s error."""
    return _message(IP, text).partition(": ")[2]


def _message(build: Any, text: str) -> str:
    try:
        build(text)
    except NetxError as exc:
        return f"{type(exc).__name__}: {exc}" if build is not IPInterface else str(exc)
    raise AssertionError(f"{build} accepted {text!r}")


def check_range_and_set(text: str) -> None:
    """IPRange and IPSet read an address or CIDR text exactly as IP / IPNet (strict) do: same
    values, and for a bad text the same error class and message."""
    if "-" in text:
        return  # "first-last" is range syntax; its halves are checked as addresses (below)
    single = IPNet if "/" in text else IP
    accepted = _std("net" if "/" in text else "ip", text) is not None
    if "/" not in text:  # the same text as both halves of a range: its address, or its address's error
        doubled = f"{text}-{text}"
        for build in (IPRange, lambda t: IPSet([t])):
            if accepted:
                assert build(doubled) == build(text), doubled
            else:
                assert _message(build, doubled) == f"RangeError: invalid IP range {shorten(doubled)}: {IP_error(text)}"
    for build in (IPRange, lambda t: IPSet([t])):
        if accepted:
            value = build(text)
            expected = IPNet(text) if "/" in text else IP(text).with_zone(None)
            first = expected.first if isinstance(expected, IPNet) else expected
            last = expected.last if isinstance(expected, IPNet) else expected
            r = value if isinstance(value, IPRange) else value.ranges()[0]
            assert (r.first, r.last) == (first.with_zone(None), last.with_zone(None)), text
        else:
            assert _message(build, text) == _message(single, text), text


# -- generators of near-valid strings ----------------------------------------------

_octet = st.one_of(
    st.integers(0, 255).map(str),
    st.integers(0, 255).map(str),
    st.integers(0, 99).map(lambda n: "0" + str(n)),  # leading zeros
    st.integers(256, 999).map(str),  # > 255
    st.text("0123456789", min_size=0, max_size=4),
    st.sampled_from(["", "00", "000", "0000", "0x1", " 1", "1 ", "a", "-1", "+1", "1e2", "\u0663", "\uff11", "1_0"]),
)
_v4 = st.one_of(
    st.lists(_octet, min_size=4, max_size=4).map(".".join),
    st.lists(_octet, min_size=1, max_size=6).map(".".join),  # too few / too many octets
    st.integers(0, 2**32 - 1).map(lambda n: str(ipaddress.IPv4Address(n))),  # valid
)
_hextet = st.one_of(
    st.text("0123456789abcdefABCDEF", min_size=1, max_size=4),
    st.text("0123456789abcdefABCDEF", min_size=0, max_size=6),  # empty, 5- and 6-digit hextets
    st.just("0"),
    st.sampled_from(["g", "0x1", " 1", "-1", "\uff11", "ffff"]),
)


@st.composite
def _v6(draw: st.DrawFn) -> str:
    parts = draw(st.lists(_hextet, min_size=0, max_size=10))
    if draw(st.booleans()):  # one '::' somewhere (sometimes two)
        for _ in range(draw(st.sampled_from([1, 1, 1, 2]))):
            at = draw(st.integers(0, len(parts)))
            parts[at:at] = ["", ""] if at in (0, len(parts)) else [""]
    text = ":".join(parts)
    if draw(st.integers(0, 5)) == 0:  # embedded IPv4 tail
        text = (text if text.endswith(":") or not text else text + ":") + draw(_v4)
    if draw(st.integers(0, 4)) == 0:  # zone
        text += "%" + draw(st.one_of(
            st.sampled_from(["eth0", "1", "", "a%b", "en0", "x/y", " ", "\u00e9", "%"]),
            st.text(min_size=0, max_size=8),
        ))
    return text


_valid_v6 = st.integers(0, 2**128 - 1).map(lambda n: str(ipaddress.IPv6Address(n)))
_exploded_v6 = st.integers(0, 2**128 - 1).map(lambda n: ipaddress.IPv6Address(n).exploded)
_upper_v6 = _valid_v6.map(str.upper)
_address = st.one_of(_v4, _v6(), _valid_v6, _exploded_v6, _upper_v6)

_suffix = st.one_of(
    st.just(""),
    st.integers(0, 140).map(lambda n: f"/{n}"),
    st.integers(0, 140).map(lambda n: f"/0{n}"),  # zero-padded prefix
    st.integers(0, 32).map(lambda n: f"/{ipaddress.IPv4Network((0, n)).netmask}"),
    st.integers(0, 32).map(lambda n: f"/{ipaddress.IPv4Network((0, n)).hostmask}"),
    _v4.map(lambda m: "/" + m),  # mostly invalid masks
    st.sampled_from(["/", "//", "/ 24", "/24 ", "/+24", "/-1", "/\uff12\uff14", "/24/24", "/0x18", "/a", "/1e1", "/2_4"]),
    st.text(max_size=6).map(lambda t: "/" + t),
)
_network_text = st.builds(lambda a, s: a + s, _address, _suffix)


@FUZZ
@given(_v4)
@example("1.2.3.4")
@example("01.2.3.4")
@example("1.2.3.04")
@example("0.0.0.0")
@example("255.255.255.255")
@example("1.2.3")
@example("1.2.3.4.5")
@example("1.2.3.256")
def test_ipv4_like_strings(text: str) -> None:
    check_all(text)


@FUZZ
@given(st.one_of(_v6(), _valid_v6, _exploded_v6, _upper_v6))
@example("::")
@example("::1")
@example("1::")
@example("1:2:3:4:5:6:7::")
@example("::2:3:4:5:6:7:8")
@example("1:2:3:4::5:6:7:8")
@example("::ffff:1.2.3.4")
@example("::1.2.3.4")
@example("1:2:3:4:5:6:1.2.3.4")
@example("fe80::1%eth0")
@example("fe80::1%")
@example("fe80::1%a%b")
@example("12345::")
@example("::ffff:102:304%1")
def test_ipv6_like_strings(text: str) -> None:
    check_all(text)


@FUZZ
@given(_network_text)
@example("10.0.0.0/8")
@example("10.0.0.1/8")
@example("10.0.0.0/08")
@example("10.0.0.0/33")
@example("10.0.0.0/")
@example("10.0.0.0/255.0.0.0")
@example("10.0.0.0/0.255.255.255")
@example("10.0.0.0/255.0.255.0")
@example("::/0")
@example("::1/128")
@example("::1/127")
@example("::/129")
@example("::/0128")
@example("fe80::%eth0/64")
@example("fe80::1%eth0/64")
@example("::ffff:1.2.3.0/120")
def test_network_like_strings(text: str) -> None:
    check_all(text)


@FUZZ
@given(st.text(max_size=60))
@example("")
@example(" ")
@example("/")
@example("%")
@example(":")
@example("1.2.3.4\x00")
@example("::1\n")
@example("\ud800")
def test_arbitrary_text(text: str) -> None:
    check_all(text)


@FUZZ
@given(st.text(alphabet="0123456789abcdefABCDEF.:/%xeth ", max_size=45))
def test_address_alphabet_soup(text: str) -> None:
    check_all(text)


def test_every_prefix_length_and_padding() -> None:
    for base in ("0.0.0.0", "10.1.2.3", "255.255.255.255", "::", "2001:db8::1", "ffff:" * 7 + "ffff"):
        for n in range(0, 135):
            for text in (f"{base}/{n}", f"{base}/0{n}", f"{base}/00{n}"):
                check_all(text)


def test_every_v4_netmask_and_hostmask() -> None:
    for n in range(33):
        net = ipaddress.IPv4Network((0, n))
        check_all(f"10.0.0.0/{net.netmask}")
        check_all(f"10.0.0.0/{net.hostmask}")
        check_all(f"10.128.0.0/{net.netmask}")
        check_all(f"::/{net.netmask}")  # IPv6 takes no netmask


# -- non-string inputs -----------------------------------------------------------


@FUZZ
@given(st.one_of(st.integers(-5, 2**32 + 5), st.integers(0, 2**128 + 5), st.binary(min_size=0, max_size=17)))
def test_ints_and_packed_bytes(value: int | bytes) -> None:
    for kind in ("ip", "net", "loose", "iface"):  # ip_network / ip_interface take them too
        assert _mine(kind, value) == _std(kind, value), (kind, value)


@FUZZ
@given(st.integers(0, 2**128 - 1), st.integers(0, 128))
def test_formatting_of_every_kind_of_ipv6(value: int, plen: int) -> None:
    # zero runs of every length and position: str() must match the stdlib's RFC 5952 choice
    mask = ~((1 << (128 - plen)) - 1) & (2**128 - 1)
    for v in (value, value & mask, value & 0xFFFF0000FFFF0000FFFF0000FFFF0000, value & 0xFFFF00000000FFFF):
        assert str(IP(v, version=6)) == str(ipaddress.IPv6Address(v))
        assert str(IP(ipaddress.IPv6Address(v))) == str(ipaddress.IPv6Address(v))


def test_ipv4_mapped_and_compatible_formatting() -> None:
    for v4 in (0, 1, 0x01020304, 0xFFFFFFFF, 0x0A000001):
        for high in (0, 0xFFFF, 0xFFFF0000, 0x1, 0x64FF9B << 64):
            value = (high << 32) | v4
            assert str(IP(value, version=6)) == str(ipaddress.IPv6Address(value))
            check_all(str(ipaddress.IPv6Address(value)))


@FUZZ
@given(st.integers(0, 2**32 - 1), st.integers(0, 32), st.booleans())
def test_tuples(value: int, plen: int, strict: bool) -> None:
    addr = str(ipaddress.IPv4Address(value))
    for arg in ((addr, plen), (ipaddress.IPv4Address(value), plen), (addr, str(plen))):
        try:
            theirs: Outcome = str(ipaddress.ip_network(arg, strict=strict))
        except ValueError:
            theirs = None
        try:
            mine: Outcome = str(IPNet(arg, strict=strict))
        except NetworkError:
            mine = None
        assert mine == theirs, arg
        assert str(IPInterface(arg)) == str(ipaddress.ip_interface(arg))


# -- CPython's own test vectors ------------------------------------------------------

_CPYTHON_TESTS = Path(sysconfig.get_paths()["stdlib"]) / "test" / "test_ipaddress.py"


def _cpython_constants() -> tuple[list[str], list[bytes], list[int]]:
    tree = ast.parse(_CPYTHON_TESTS.read_text(encoding="utf-8"))
    strings: set[str] = set()
    raw: set[bytes] = set()
    ints: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant):
            if isinstance(node.value, str):
                strings.add(node.value)
            elif isinstance(node.value, bytes):
                raw.add(node.value)
            elif isinstance(node.value, int) and not isinstance(node.value, bool):
                ints.add(node.value)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):  # 2**32, 2**128 ...
            try:
                value = ast.literal_eval(node)
            except ValueError:
                continue
            if isinstance(value, int):
                ints.update((value - 1, value, value + 1))
    return sorted(strings), sorted(raw), sorted(ints)


@pytest.mark.skipif(not _CPYTHON_TESTS.exists(), reason=f"CPython's test suite is not installed ({_CPYTHON_TESTS} is absent)")
def test_cpython_test_vectors() -> None:
    strings, raw, ints = _cpython_constants()
    assert len(strings) > 300  # the file really was read
    checked = 0
    for text in strings:
        if len(text) > MAX_TEXT:
            continue
        check_all(text)
        checked += 1
        # every valid address also as a network / interface, with a few prefixes
        if _std("ip", text) is not None and "/" not in text:
            for suffix in ("/0", "/8", "/24", "/32", "/64", "/128", "/129", "/024", "/255.255.255.0", "/"):
                check_all(text + suffix)
    assert checked > 300
    for value in raw:
        assert _mine("ip", value) == _std("ip", value), value
    for number in ints:
        assert _mine("ip", number) == _std("ip", number), number
        assert _mine("ip", -number) == _std("ip", -number), -number


# -- the one documented difference -----------------------------------------------------


def test_text_longer_than_max_text_is_rejected_unread() -> None:
    long_zone = "fe80::1%" + "z" * 300
    assert str(ipaddress.ip_address(long_zone)) == long_zone  # the stdlib takes it
    with pytest.raises(AddressError, match="longer than 256 characters"):
        IP(long_zone)
    padded = "10.0.0.0/" + "0" * 300 + "8"
    assert str(ipaddress.ip_network(padded)) == "10.0.0.0/8"
    with pytest.raises(NetworkError, match="longer than 256 characters"):
        IPNet(padded)
    with pytest.raises(NetworkError, match="longer than 256 characters"):
        IPInterface(padded)
    # right at the limit the stdlib still decides
    at_limit = "fe80::1%" + "z" * (MAX_TEXT - len("fe80::1%"))
    assert len(at_limit) == MAX_TEXT
    assert str(IP(at_limit)) == at_limit


@pytest.mark.skipif(os.environ.get("NETX_FUZZ_LONG") is None, reason="long differential fuzzing: set NETX_FUZZ_LONG=1")
@settings(max_examples=50_000, deadline=None)
@given(_network_text)
def test_long_fuzz(text: str) -> None:  # pragma: no cover - opt-in
    check_all(text)



def test_ipv6_text_every_zero_hextet_placement() -> None:
    """Every placement of zero hextets (runs, ties, ends: 256 patterns) prints as the stdlib
    prints it, through the C formatter, the Python fallback and the one netx chose; the
    import-time self-test (a targeted subset of these) agrees on this platform."""
    assert codec._ntop_agrees() and codec._pton_agrees()
    for pattern in range(256):
        for fill in (0xA, 0xFFF0):  # short and full-width hextets
            value = sum((fill + h) << (16 * (7 - h)) for h in range(8) if pattern >> h & 1)
            want = str(ipaddress.IPv6Address(value))
            assert codec._fmt6_c(value) == codec._fmt6_py(value) == codec.fmt6(value) == want, hex(value)
            assert str(IP(value, version=6)) == want


def _libc_ntop(min_run: int, last_tie: bool, upper: bool) -> Any:
    """An ``inet_ntop`` of a C library that bends one RFC 5952 rule (for the self-test's test)."""
    def ntop(family: int, packed: bytes) -> str:
        words = [int.from_bytes(packed[k:k + 2], "big") for k in range(0, 16, 2)]
        best, at, run = 0, -1, 0
        for k, w in enumerate(words + [1]):
            run = run + 1 if w == 0 else 0
            if w == 0 and (run > best or (last_tie and run == best)):
                best, at = run, k - run + 1
        text = ":".join(f"{w:x}" for w in words)
        if best >= min_run:
            text = ":".join(f"{w:x}" for w in words[:at]) + "::" + ":".join(f"{w:x}" for w in words[at + best:])
        return text.upper() if upper else text
    return ntop


@pytest.mark.parametrize("bend", [(1, False, False), (2, True, False), (2, False, True)],
                         ids=["compresses a single zero", "last of tied runs", "upper case"])
def test_ntop_self_test_catches_a_libc_that_bends_a_rule(monkeypatch: pytest.MonkeyPatch, bend: tuple[int, bool, bool]) -> None:
    assert _libc_ntop(2, False, False)(0, bytes(16)) == "::"  # the honest one agrees ...
    monkeypatch.setattr(codec, "inet_ntop", _libc_ntop(2, False, False))
    assert codec._ntop_agrees()
    monkeypatch.setattr(codec, "inet_ntop", _libc_ntop(*bend))  # ... a bent one is caught
    assert not codec._ntop_agrees()
