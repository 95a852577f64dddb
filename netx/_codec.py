"""The codec: address, network, interface, CIDR and range text <-> plain parts, in one place.

Parsing returns parts (integers, version, zone, prefix length; or keys of netx's key
space, ``netx._keys``), never objects: the types in ``_ip`` / ``_net`` / ``_range`` /
``_set`` call this module and build themselves, so it imports no netx type. The common
forms go through ``socket.inet_pton`` (C); everything else is decided by ``ipaddress``
itself, so netx accepts exactly the strings the stdlib accepts (import-time self-tests
fall back to the stdlib on platforms whose ``inet_pton`` / ``inet_ntop`` disagree with it).
Every rejection is explained here (``address_reason``, ``network_reason``: the stdlib's
words where it has them) and shaped by the one error builder, ``netx._errors.invalid``.

Inlined copies of the fast paths live in the constructors only where a call would cost
a parse target (``IP()``, ``parse_ip``, ``IPNet()``, ``IPInterface()``: see
benchmarks/bench_parse.py) or IPSet building (``net_keys`` keeps one block per family);
tests/test_conformance.py runs every text path (these and the inlined ones) against
``ipaddress`` and checks that the same mistake gets the same message everywhere.
"""

from __future__ import annotations

import ipaddress
from _socket import AF_INET, AF_INET6, inet_ntop, inet_pton  # C: socket.py costs start-up (enums, selectors)
from typing import Any

from ._errors import AddressError, NetworkError, RangeError, invalid, shorten

__all__ = [
    "MAX_TEXT", "V4_BITS", "V6_BITS", "V6_BASE", "fmt4", "fmt6", "fmt", "std_version", "std_parts",
    "address", "address_slow", "address_reason", "bad_address", "network", "network6", "network_slow",
    "network_reason", "host_bits_error", "interface", "interface_slow", "cidr", "addr_key", "net_keys",
    "range_keys", "text_keys", "checked_keys", "key_text",
]

MAX_TEXT = 256
"""Longest address or network text netx parses; longer input is rejected unread."""

V4_BITS = 32
V6_BITS = 128
V6_BASE = 1 << 128
"""Where IPv6 starts in netx's key space (``netx._keys``) and in ``IP``'s sort key: above every IPv4."""
_V4_MAX = (1 << 32) - 1
_V6_MAX = (1 << 128) - 1
_MAX = {4: _V4_MAX, 6: _V6_MAX}
_BITS = {4: 32, 6: 128}
_IPv4Address = ipaddress.IPv4Address
_IPv6Address = ipaddress.IPv6Address
_from_bytes = int.from_bytes  # big-endian is the default byte order (3.11+)
_AF4 = AF_INET
_AF6 = AF_INET6
_REASON_MAX = 120  # characters of a stdlib explanation quoted in a message
_MAX_RANGE_TEXT = 2 * MAX_TEXT + 1

# Python 3.13+ prints IPv4-mapped IPv6 addresses as ``::ffff:1.2.3.4``; older ones
# as ``::ffff:102:304``. netx prints whatever the running stdlib prints.
_MAPPED_DOTTED = "." in str(_IPv6Address("::ffff:102:304"))


# -- formatting: integers -> canonical text ----------------------------------------------
def fmt4(i: int) -> str:
    """Dotted-quad text of an IPv4 integer."""
    return inet_ntop(_AF4, i.to_bytes(4, "big"))


def _fmt6_py(i: int) -> str:
    """RFC 5952 text of an IPv6 integer, exactly as ``ipaddress`` prints it (pure Python)."""
    if _MAPPED_DOTTED and i >> 32 == 0xFFFF:
        return "::ffff:" + fmt4(i & _V4_MAX)
    parts = [
        "%x" % (i >> 112), "%x" % ((i >> 96) & 0xFFFF), "%x" % ((i >> 80) & 0xFFFF),
        "%x" % ((i >> 64) & 0xFFFF), "%x" % ((i >> 48) & 0xFFFF), "%x" % ((i >> 32) & 0xFFFF),
        "%x" % ((i >> 16) & 0xFFFF), "%x" % (i & 0xFFFF),
    ]
    best = length = 0
    best_at = at = -1
    for idx, part in enumerate(parts):
        if part == "0":
            if at < 0:
                at = idx
            length = idx - at + 1
            if length > best:
                best, best_at = length, at
        else:
            at = -1
    if best > 1:
        end = best_at + best
        parts[best_at:end] = [""]
        if end == 8:
            parts.append("")
        if best_at == 0:
            parts.insert(0, "")
    return ":".join(parts)


def _fmt6_c(i: int) -> str:
    """RFC 5952 text of an IPv6 integer via the C library (dotted forms go to Python)."""
    text = inet_ntop(_AF6, i.to_bytes(16, "big"))
    if "." in text:  # libc writes ::a.b.c.d / ::ffff:a.b.c.d; the stdlib may not
        return _fmt6_py(i)
    return text


def _ntop_agrees() -> bool:
    """True if this platform's ``inet_ntop`` prints IPv6 exactly like ``ipaddress``."""
    probes = [1, 0xFFFF, 0x10000, 1 << 112, (1 << 128) - 1, (0x20010DB8 << 96) | 1]
    # Zero-hextet placements that exercise each RFC 5952 rule (bit h set: hextet h is not zero):
    # none / every single zero (never "::"), one non-zero hextet anywhere (runs at the ends), ties
    # of equal runs (the first wins), a longer run after a shorter one. (Import time: each probe
    # costs a stdlib formatting; tests/test_conformance.py checks all 256 placements.)
    singles = [1 << h for h in range(8)]
    patterns = [0, 0xFF, *singles, *(0xFF ^ s for s in singles), 0x99, 0xE4, 0x33, 0x89, 0xF2]
    for pattern in patterns:
        probes.append(sum((0xA + h) << (16 * (7 - h)) for h in range(8) if pattern >> h & 1))
    for value in probes:
        if _fmt6_c(value) != str(_IPv6Address(value)):
            return False
    return True


fmt6 = _fmt6_c if _ntop_agrees() else _fmt6_py


def fmt(i: int, version: int) -> str:
    """Canonical text of an address integer of ``version``."""
    return fmt4(i) if version == 4 else fmt6(i)


def key_text(key: int) -> str:
    """Canonical text of the address of a key (netx._keys)."""
    return fmt6(key - V6_BASE) if key >= V6_BASE else fmt4(key)


# -- the C parser, checked against the stdlib ---------------------------------------------
_pton = inet_pton

# Strings on which a C library could plausibly disagree with ipaddress.
_PTON_PROBES = (
    "1.2.3.4", "0.0.0.0", "255.255.255.255", "01.2.3.4", "1.2.3.04", "1.2.3.256", "1.2.3", "1.2.3.4.5",
    "1.2.3.", ".1.2.3", "1..2.3", "0x1.2.3.4", "1.2.3.4 ", " 1.2.3.4", "1.2.3.4\n", "1", "16909060",
    "0.0.0.00", "1.2.3.0004", "::", "::1", "1::", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8",
    "1:2:3:4::5:6:7:8", "1::2::3", ":::", ":1::", "::1:", "1:2:3:4:5:6:7:8:9", "12345::", "0000:0::",
    "::ffff:1.2.3.4", "::1.2.3.4", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3.04",
    "::1.2.3", "::1.2.3.4:5", "::1.2.3.4.5", "1.2.3.4::", "fe80::1%eth0", "::g", "ABCD:EF01::", "::%",
    "::1 ", "0:0:0:0:0:0:0:0", "::0:0:0:0:0:0:0:0", "1:2", "1:2:3", "::ffff:256.1.1.1",
)


def _pton_agrees() -> bool:
    """True if this platform's ``inet_pton`` accepts exactly what ``ipaddress`` accepts."""
    for text in _PTON_PROBES:
        try:
            mine: int | None = _from_bytes(inet_pton(_AF6 if ":" in text else _AF4, text))
        except (OSError, ValueError):
            mine = None
        try:
            theirs: int | None = int(ipaddress.ip_address(text))
        except ValueError:
            theirs = None
        if mine != (None if "%" in text else theirs):  # a zone must never reach the fast path
            return False
    return True


def _strict_pton(family: int, text: str) -> bytes:
    """``inet_pton`` that only takes what ``ipaddress`` takes (used where libc is laxer)."""
    obj = (_IPv6Address if family == _AF6 else _IPv4Address)(text)
    if getattr(obj, "scope_id", None) is not None:
        raise ValueError("zone")
    return obj.packed


if not _pton_agrees():  # pragma: no cover - glibc, musl, BSD and macOS all agree
    _pton = _strict_pton

# Host masks by prefix length, and the canonical prefix texts "0".."32" / "0".."128":
# one dict lookup validates, converts and range-checks a prefix at once (a text with
# leading zeros, a netmask or anything else misses and goes to the stdlib).
HOST4 = tuple((1 << (32 - p)) - 1 for p in range(33))
HOST6 = tuple((1 << (128 - p)) - 1 for p in range(129))
HOSTMASKS = {4: HOST4, 6: HOST6}
PLEN4 = {str(p): p for p in range(33)}
PLEN6 = {str(p): p for p in range(129)}
PLEN4[""] = 32  # a bare address is a host network
PLEN6[""] = 128
PREFIX4 = {text: (plen, HOST4[plen]) for text, plen in PLEN4.items()}  # text -> (plen, host mask)
_HOSTTEXT4 = {str(p): HOST4[p] for p in range(33)}  # explicit prefix text -> host mask (no "")
_HOSTTEXT6 = {str(p): HOST6[p] for p in range(129)}

if _pton is not inet_pton:  # pragma: no cover - see _pton_agrees
    PLEN4, PLEN6, PREFIX4, _HOSTTEXT4, _HOSTTEXT6 = {}, {}, {}, {}, {}  # send every string to the stdlib


# -- stdlib objects -> parts ---------------------------------------------------------------
def std_version(obj: Any) -> int:
    """The family of a stdlib address, network or interface, from its class; ``AddressError`` if a
    subclass claims another ``.version`` (netx never builds a value of version 7)."""
    ver = 4 if isinstance(obj, (_IPv4Address, ipaddress.IPv4Network)) else 6
    if obj.version != ver:
        raise AddressError(f"{type(obj).__name__} {shorten(str(obj))} claims version {shorten(obj.version)}, not {ver}")
    return ver


def std_parts(obj: Any) -> tuple[int, int, str | None]:
    """``(int, version, zone)`` of a stdlib address (or an interface's address), validated."""
    ver = std_version(obj)
    i = int(obj)
    if type(i) is not int or not 0 <= i <= _MAX[ver]:
        raise AddressError(f"{type(obj).__name__} {shorten(str(obj))} has value {shorten(i)}, not an IPv{ver} address")
    zone = getattr(obj, "scope_id", None) if ver == 6 else None
    return i, ver, zone


def _from_stdlib(net: ipaddress.IPv4Network | ipaddress.IPv6Network) -> tuple[int, int, int, str | None]:
    """``(network int, prefixlen, version, zone)`` of a stdlib network, validated."""
    std_version(net)
    i, ver, zone = std_parts(net.network_address)
    plen = net.prefixlen
    if type(plen) is not int or not 0 <= plen <= _BITS[ver] or i & HOSTMASKS[ver][plen]:
        raise NetworkError(f"{type(net).__name__} {shorten(str(net))} is not a valid IPv{ver} network")
    return i, plen, ver, zone


# -- why a text is refused: the words of every message ---------------------------------------
def strip_echo(msg: str, text: str) -> str:
    """A stdlib error message without its trailing `` in 'input'`` echo, kept short."""
    for tail in (f" in {text!r}", f" in {text}"):
        if msg.endswith(tail):
            msg = msg[: -len(tail)]
            break
    if msg[:1].isupper() and msg[1:2].islower():
        msg = msg[0].lower() + msg[1:]
    return msg if len(msg) <= _REASON_MAX else msg[:_REASON_MAX] + "..."


def address_reason(text: str) -> str:
    """What is wrong with an address text, in plain words (the stdlib's where it has them)."""
    if not text:
        return "empty string"
    if len(text) > MAX_TEXT:
        return f"longer than {MAX_TEXT} characters"
    if "/" in text:
        return "an address takes no '/prefix' (use IPNet or IPInterface for that)"
    if ":" in text:
        addr, pct, zone = text.partition("%")
        if pct and not zone:
            return "empty zone (scope id) after '%'"
        if "%" in zone:
            return "more than one '%' (only one zone is allowed)"
        kind: type = _IPv6Address
        probe = addr
    elif not any(c in text for c in "0123456789."):
        return "not an IPv4 or IPv6 address"
    else:
        kind = _IPv4Address
        probe = text
    try:
        kind(probe)
    except ValueError as exc:
        return strip_echo(str(exc), probe)
    return "not a valid IP address"  # pragma: no cover - the family accepted what ip_address refused


def bad_address(text: str, what: str = "IP address") -> AddressError:
    """The error for an address text ``ipaddress`` refuses."""
    return invalid(AddressError, what, text, address_reason(text))


def network_reason(text: str, strict: bool, interface: bool = False) -> str:
    """What is wrong with a network / interface text (called only after the stdlib refused it)."""
    if not text:
        return "empty string"
    if len(text) > MAX_TEXT:
        return f"longer than {MAX_TEXT} characters"
    addr, slash, ptext = text.partition("/")
    if "/" in ptext:
        return "more than one '/'"
    if not addr:
        return "no address before the '/'"
    try:
        ver = address(addr)[1]
    except AddressError:
        return address_reason(addr)
    bits = _BITS[ver]
    if strict and not interface and slash and ptext:
        try:  # valid once masked (a prefix length or a netmask): the only fault is host bits
            net = ipaddress.ip_network(text, strict=False)
        except ValueError:
            pass
        else:
            return f"host bits set (use strict=False to mask them, or write {net})"
    if slash:
        if not ptext:
            return "nothing after the '/' (expected a prefix length)"
        if ptext.isascii() and ptext.isdigit():
            if len(ptext) > 4 or int(ptext) > bits:
                return f"prefix length /{ptext if len(ptext) <= 12 else ptext[:12] + '...'} is out of range for IPv{ver} (0 to {bits})"
        elif ver == 6:
            return f"prefix length {shorten(ptext)} is not a number (IPv6 takes 0 to 128)"
        else:
            return f"{shorten(ptext)} is neither a prefix length (0 to 32) nor a valid netmask"
    if strict and not interface:
        try:
            net = ipaddress.ip_network(text, strict=False)
        except ValueError:
            pass
        else:
            return f"host bits set (use strict=False to mask them, or write {net})"
    family: Any = ipaddress.IPv6Interface if ver == 6 else ipaddress.IPv4Interface
    if not interface:
        family = ipaddress.IPv6Network if ver == 6 else ipaddress.IPv4Network
    try:
        family(text) if interface else family(text, strict=strict)
    except ValueError as exc:
        return strip_echo(str(exc), text)
    return "not valid"  # pragma: no cover - the family accepted what the generic parser refused


def host_bits_error(value: Any, i: int, plen: int, version: int, what: str = "IP network") -> NetworkError:
    """The one message for a network text or value with host bits set (IPNet, IPRange, IPSet, pydantic)."""
    masked = f"{fmt(i & ~HOSTMASKS[version][plen], version)}/{plen}"
    return invalid(NetworkError, what, value, f"host bits set (use strict=False to mask them, or write {masked})")


# -- addresses -------------------------------------------------------------------------------
def address_slow(text: str) -> tuple[int, int, str | None, str | None]:
    """``(int, version, zone, canonical text or None)``, decided by the stdlib."""
    if len(text) > MAX_TEXT:
        raise bad_address(text)
    try:
        obj = ipaddress.ip_address(text)
    except ValueError:
        raise bad_address(text) from None
    return int(obj), obj.version, getattr(obj, "scope_id", None), None


def address(text: str) -> tuple[int, int, str | None, str | None]:
    """``(int, version, zone, canonical text or None)`` of an address string (``AddressError`` if bad).

    Inlined in ``IP()`` and ``parse_ip``."""
    if len(text) <= MAX_TEXT:
        if ":" in text:
            try:
                return _from_bytes(_pton(_AF6, text)), 6, None, None
            except (OSError, ValueError):
                pass
        else:
            try:
                return _from_bytes(_pton(_AF4, text)), 4, None, text
            except (OSError, ValueError):
                pass
    return address_slow(text)


# -- networks --------------------------------------------------------------------------------
def network_slow(text: str, strict: bool) -> tuple[int, int, int, str | None]:
    """``(network int, prefixlen, version, zone)`` of a network text, decided by the stdlib."""
    if len(text) > MAX_TEXT:
        raise invalid(NetworkError, "IP network", text, f"longer than {MAX_TEXT} characters")
    try:
        return _from_stdlib(ipaddress.ip_network(text, strict=strict))
    except ValueError:
        raise invalid(NetworkError, "IP network", text, network_reason(text, strict)) from None


def network6(text: str, addr: str, slash: str, ptext: str, strict: bool) -> tuple[int, int, int, str | None]:
    """``(network int, prefixlen, 6, None)`` of ``ipv6`` or ``ipv6/digits`` (``text`` partitioned
    at its first '/'); the stdlib decides the rest."""
    try:
        i = _from_bytes(_pton(_AF6, addr))
        plen = PLEN6[ptext]  # canonical "0".."128" only; "" (no '/') -> 128
    except (OSError, ValueError, KeyError):
        return network_slow(text, strict)
    if not ptext and slash:
        return network_slow(text, strict)
    host = i & HOST6[plen]
    if host:
        if strict:
            raise host_bits_error(text, i, plen, 6)
        i ^= host
    return i, plen, 6, None


def network(text: str, strict: bool = True) -> tuple[int, int, int, str | None]:
    """``(network int, prefixlen, version, zone)`` of a network string (``NetworkError`` if bad).

    Inlined in ``IPNet()`` for IPv4 (which also keeps the canonical text)."""
    if len(text) > MAX_TEXT:
        return network_slow(text, strict)
    addr, slash, ptext = text.partition("/")
    if ":" in addr:
        return network6(text, addr, slash, ptext, strict)
    try:
        i = _from_bytes(_pton(_AF4, addr))
        plen, host = PREFIX4[ptext]  # canonical "0".."32" only; "" (no '/') -> 32
    except (OSError, ValueError, KeyError):
        return network_slow(text, strict)
    if slash and not ptext:
        return network_slow(text, strict)
    if i & host:
        if strict:
            raise host_bits_error(text, i, plen, 4)
        i &= ~host
    return i, plen, 4, None


# -- interfaces and CIDRs -----------------------------------------------------------------------
def interface_slow(text: str, what: str = "IP interface") -> tuple[int, int, str | None, int]:
    """``(int, version, zone, prefixlen)`` of an interface text, decided by the stdlib."""
    if len(text) > MAX_TEXT:
        raise invalid(NetworkError, what, text, f"longer than {MAX_TEXT} characters")
    try:
        iface = ipaddress.ip_interface(text)
    except ValueError:
        raise invalid(NetworkError, what, text, network_reason(text, False, True)) from None
    return int(iface), iface.version, getattr(iface, "scope_id", None), iface.network.prefixlen


def interface(text: str, what: str = "IP interface") -> tuple[int, int, str | None, int]:
    """``(int, version, zone, prefixlen)`` of an interface string (``NetworkError`` naming ``what``
    if bad). Inlined in ``IPInterface()``."""
    if len(text) > MAX_TEXT:
        return interface_slow(text, what)
    addr, slash, ptext = text.partition("/")
    try:
        if ":" in addr:
            i, ver, plen = _from_bytes(_pton(_AF6, addr)), 6, PLEN6[ptext]  # "" (no '/') -> 128
        else:
            i, ver, plen = _from_bytes(_pton(_AF4, addr)), 4, PLEN4[ptext]  # "" (no '/') -> 32
    except (OSError, ValueError, KeyError):
        return interface_slow(text, what)
    if slash and not ptext:  # "addr/" with nothing after the '/'
        return interface_slow(text, what)
    return i, ver, None, plen


def cidr(text: str) -> tuple[int, int, str | None, int]:
    """``interface(text)`` for Go's ``ParseCIDR``: the '/' and prefix length are required.
    Errors read ``invalid CIDR <input>: <reason>``, the reason ``IPInterface`` gives."""
    if len(text) <= MAX_TEXT and "/" not in text:
        raise invalid(NetworkError, "CIDR", text, "no '/' and prefix length")
    return interface(text, "CIDR")


# -- keys of netx's key space (IPRange, IPSet) ---------------------------------------------------
def addr_key(text: str) -> int:
    """Key of an address string; zones are dropped. Raises ``AddressError``."""
    if ":" in text:
        if "%" not in text:
            try:
                return _from_bytes(_pton(_AF6, text)) + V6_BASE
            except (OSError, ValueError):
                pass
    else:
        try:
            return _from_bytes(_pton(_AF4, text))
        except (OSError, ValueError):
            pass
    i, ver, _, _ = address(text)
    return i + V6_BASE if ver == 6 else i


def net_keys(text: str) -> tuple[int, int]:
    """Key bounds of a CIDR string (strict: host bits are an error). Raises ``NetworkError``."""
    addr, _, plen_text = text.partition("/")
    # Two copies of one block, one per family, on purpose: IPSet building from CIDR strings
    # runs through here, and a family-generic version costs ~10% (40 ns a string).
    if ":" in addr:
        host = _HOSTTEXT6.get(plen_text)
        if host is not None and "%" not in addr:
            try:
                i = _from_bytes(_pton(_AF6, addr))
            except (OSError, ValueError):
                pass
            else:
                if i & host:
                    raise host_bits_error(text, i, int(plen_text), 6)
                return V6_BASE + i, V6_BASE + (i | host)
    else:
        host = _HOSTTEXT4.get(plen_text)
        if host is not None:
            try:
                i = _from_bytes(_pton(_AF4, addr))
            except (OSError, ValueError):
                pass
            else:
                if i & host:
                    raise host_bits_error(text, i, int(plen_text), 4)
                return i, i | host
    # netmask forms, zones, and every rejection: the network path decides, with its message
    i, plen, ver, _ = network(text, True)
    lo = i if ver == 4 else V6_BASE + i
    return lo, lo | HOSTMASKS[ver][plen]


def checked_keys(lo: int, hi: int, shown: str) -> tuple[int, int]:
    """``(lo, hi)`` if they make a range: one family, ``lo <= hi``; ``RangeError`` otherwise."""
    if (lo >= V6_BASE) != (hi >= V6_BASE):
        raise invalid(RangeError, "IP range", shown, f"mixes IPv{6 if lo >= V6_BASE else 4} and IPv{6 if hi >= V6_BASE else 4}")
    if lo > hi:
        raise invalid(RangeError, "IP range", shown, f"first address {key_text(lo)} is after last {key_text(hi)}")
    return lo, hi


def range_keys(text: str) -> tuple[int, int]:
    """Key bounds of ``"first-last"``. Raises ``RangeError`` (an ``AddressError``)."""
    if len(text) > _MAX_RANGE_TEXT:
        raise invalid(RangeError, "IP range", text, f"longer than {_MAX_RANGE_TEXT} characters")
    dashes = [i for i, ch in enumerate(text) if ch == "-"]
    error: AddressError | None = None
    for at in dashes:  # one dash normally; more only when a zone id holds one
        try:
            lo, hi = addr_key(text[:at]), addr_key(text[at + 1 :])
        except AddressError as exc:
            error = error or exc
            continue
        return checked_keys(lo, hi, text)
    if error is not None and len(dashes) == 1:
        raise invalid(RangeError, "IP range", text, f"{error}") from None
    raise invalid(RangeError, "IP range", text, "expected 'first-last', e.g. '10.0.0.10-10.0.0.20'")


def text_keys(text: str) -> tuple[int, int]:
    """Key bounds of an address, CIDR or ``first-last`` string."""
    if "/" in text:
        return net_keys(text)
    if "-" in text:
        try:
            return range_keys(text)
        except AddressError:
            if "%" not in text:  # a zone id may hold a dash: "fe80::1%en-0"
                raise
            try:
                key = addr_key(text)
            except AddressError:
                pass
            else:
                return key, key
            raise
    key = addr_key(text)
    return key, key
