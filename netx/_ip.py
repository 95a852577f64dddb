"""``IP``: one IPv4 or IPv6 address, a value type that composes the stdlib address.

Parsing goes through ``socket.inet_pton`` (C) and keeps the canonical text; the
stdlib ``ipaddress`` object is built only when something asks for it. Anything the
fast path does not take is decided by ``ipaddress`` itself, so netx accepts exactly
the strings the stdlib accepts (an import-time self-test falls back to the stdlib
on platforms whose ``inet_pton`` / ``inet_ntop`` disagree with it).
"""

from __future__ import annotations

import ipaddress
import sys
from _socket import AF_INET, AF_INET6, inet_ntop, inet_pton  # C: socket.py costs start-up (enums, selectors)
from typing import Any, Iterator

from ._errors import AddressError, shorten
from ._promote import promote
from ._value import _json_text, _Ordered, _stdlib

__all__ = ["IP", "parse_ip", "MAX_TEXT", "V4_BITS", "V6_BITS"]

MAX_TEXT = 256
"""Longest address or network text netx parses; longer input is rejected unread."""

V4_BITS = 32
V6_BITS = 128
_V4_MAX = (1 << 32) - 1
_V6_MAX = (1 << 128) - 1
_MAX = {4: _V4_MAX, 6: _V6_MAX}
_BITS = {4: 32, 6: 128}
_IPv4Address = ipaddress.IPv4Address
_IPv6Address = ipaddress.IPv6Address
_ADDRESS_TYPES = (_IPv4Address, _IPv6Address)
_INTERFACE_TYPES = (ipaddress.IPv4Interface, ipaddress.IPv6Interface)
_new = object.__new__
_from_bytes = int.from_bytes  # big-endian is the default byte order (3.11+)
_AF4 = AF_INET
_AF6 = AF_INET6
_REASON_MAX = 120  # characters of a stdlib explanation quoted in a message

# Python 3.13+ prints IPv4-mapped IPv6 addresses as ``::ffff:1.2.3.4``; older ones
# as ``::ffff:102:304``. netx prints whatever the running stdlib prints.
_MAPPED_DOTTED = "." in str(_IPv6Address("::ffff:102:304"))


# -- text formatting -----------------------------------------------------------
def _fmt4(i: int) -> str:
    """Dotted-quad text of an IPv4 integer."""
    return inet_ntop(_AF4, i.to_bytes(4, "big"))


def _fmt6_py(i: int) -> str:
    """RFC 5952 text of an IPv6 integer, exactly as ``ipaddress`` prints it (pure Python)."""
    if _MAPPED_DOTTED and i >> 32 == 0xFFFF:
        return "::ffff:" + _fmt4(i & _V4_MAX)
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
    for pattern in range(256):  # every placement of zero hextets: runs, ties, ends
        probes.append(sum((0xA + h) << (16 * (7 - h)) for h in range(8) if pattern >> h & 1))
    for value in probes:
        if _fmt6_c(value) != str(_IPv6Address(value)):
            return False
    return True


_fmt6 = _fmt6_c if _ntop_agrees() else _fmt6_py


# -- parsing -------------------------------------------------------------------
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


def _strip_echo(msg: str, text: str) -> str:
    """A stdlib error message without its trailing `` in 'input'`` echo, kept short."""
    for tail in (f" in {text!r}", f" in {text}"):
        if msg.endswith(tail):
            msg = msg[: -len(tail)]
            break
    if msg[:1].isupper() and msg[1:2].islower():
        msg = msg[0].lower() + msg[1:]
    return msg if len(msg) <= _REASON_MAX else msg[:_REASON_MAX] + "..."


def _reason(text: str) -> str:
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
        return _strip_echo(str(exc), probe)
    return "not a valid IP address"  # pragma: no cover - the family accepted what ip_address refused


def _bad_text(text: str, what: str = "IP address") -> AddressError:
    return AddressError(f"invalid {what} {shorten(text)}: {_reason(text)}")


def _parse_slow(text: str) -> tuple[int, int, str | None, str | None]:
    """``(int, version, zone, canonical text or None)``, decided by the stdlib."""
    if len(text) > MAX_TEXT:
        raise _bad_text(text)
    try:
        obj = ipaddress.ip_address(text)
    except ValueError:
        raise _bad_text(text) from None
    return int(obj), obj.version, getattr(obj, "scope_id", None), None


def _parse_text(text: str) -> tuple[int, int, str | None, str | None]:
    """``(int, version, zone, canonical text or None)`` of an address string."""
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
    return _parse_slow(text)


def _make(i: int, version: int, zone: str | None = None, text: str | None = None) -> IP:
    """Trusted constructor: ``i`` in range for ``version``, ``text`` canonical or None."""
    ip = _new(IP)
    ip._int = i
    ip._ver = version
    ip._zone = zone
    ip._str = text
    ip._obj = None
    return ip


def _netaddr_type(name: str) -> Any:
    """``netaddr.<name>`` if netaddr is already imported (a netaddr value implies it is)."""
    mod = sys.modules.get("netaddr")
    return getattr(mod, name, None) if mod is not None else None


def _version_error(value: Any, version: Any, actual: int) -> AddressError:
    if version not in (4, 6) or type(version) is not int:
        return AddressError(f"version must be 4 or 6, not {version!r}")
    return AddressError(f"{shorten(value if isinstance(value, (str, int)) else str(value))} is an IPv{actual} address, not IPv{version}")


class IP(_Ordered):
    """An IPv4 or IPv6 address (with an optional IPv6 zone), immutable and hashable.

    Attributes the class does not define are read from the stdlib address
    (``IP("10.0.0.1").is_private``); every IPv4 address sorts before every IPv6 one.
    """

    __slots__ = ("_int", "_ver", "_zone", "_str", "_obj")

    _int: int
    _ver: int
    _zone: str | None
    _str: str | None
    _obj: ipaddress.IPv4Address | ipaddress.IPv6Address | None

    def __init__(self, value: Any, *, version: int | None = None) -> None:
        # Hot path first and inline: one C call to parse, no helper call, no tuple.
        # (Blocks are kept short so that CPython 3.11 can specialise the jumps.)
        if type(value) is not str or len(value) > MAX_TEXT:
            self._int, self._ver, self._zone, self._str = _other_parts(value, version)
            self._obj = None
            return
        if ":" in value:
            try:
                self._int = _from_bytes(_pton(_AF6, value))
            except (OSError, ValueError):
                self._int, self._ver, self._zone, self._str = _parse_slow(value)
            else:
                self._ver = 6
                self._zone = None
                self._str = None
        else:
            try:
                self._int = _from_bytes(_pton(_AF4, value))
            except (OSError, ValueError):
                self._int, self._ver, self._zone, self._str = _parse_slow(value)
            else:
                self._ver = 4
                self._zone = None
                self._str = value  # inet_pton only takes the canonical dotted quad
        self._obj = None
        if version is not None and version != self._ver:
            raise _version_error(value, version, self._ver)

    # -- construction helpers ---------------------------------------------------
    @classmethod
    def _from_int(cls, i: int, version: int) -> IP:
        """Trusted constructor: ``i`` must be in range for ``version``."""
        return _make(i, version)

    _json_what = "an IP address"
    _json_error = AddressError

    # -- the stdlib object and its promoted attributes --------------------------
    @property
    def address(self) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
        """The stdlib ``IPv4Address`` / ``IPv6Address`` (built on first use)."""
        obj = self._obj
        if obj is None:
            obj = self._obj = _stdlib(self, self._ver, self._zone, self._int, _IPv4Address, _IPv6Address)
        return obj

    # The stdlib raises on these for scoped IPv6 addresses (``fe80::1%eth0``); netx doesn't.
    @property
    def exploded(self) -> str:
        """The long form: ``0000:...:0001`` for IPv6 (zone appended), the dotted quad for IPv4."""
        if self._zone is None:
            return self.address.exploded
        return f"{_IPv6Address(self._int).exploded}%{self._zone}"

    @property
    def reverse_pointer(self) -> str:
        """The DNS PTR name: ``1.0.0.10.in-addr.arpa`` (a zone plays no part in it)."""
        if self._zone is None:
            return self.address.reverse_pointer
        return _IPv6Address(self._int).reverse_pointer

    # -- identity ---------------------------------------------------------------
    @property
    def version(self) -> int:
        """4 or 6."""
        return self._ver

    @property
    def zone(self) -> str | None:
        """The IPv6 scope id (``fe80::1%eth0`` -> ``'eth0'``), or None."""
        return self._zone

    @property
    def packed(self) -> bytes:
        """The address as 4 or 16 network-order bytes."""
        return self._int.to_bytes(4 if self._ver == 4 else 16, "big")

    @property
    def max_prefixlen(self) -> int:
        """32 or 128: the number of bits in the address."""
        return 32 if self._ver == 4 else 128

    def unmap(self) -> IP:
        """IPv4-mapped IPv6 (``::ffff:a.b.c.d``) -> the IPv4 address; anything else unchanged."""
        if self._ver == 6 and self._int >> 32 == 0xFFFF:
            return _make(self._int & _V4_MAX, 4)
        return self

    def with_zone(self, zone: str | None) -> IP:
        """The same IPv6 address with another zone (None or ``""`` removes it), like Go's ``WithZone``."""
        if not zone:
            if zone is not None and type(zone) is not str:
                raise TypeError(f"zone must be a str or None, not {type(zone).__name__}")
            return self if self._zone is None else _make(self._int, self._ver)
        if type(zone) is not str:
            raise TypeError(f"zone must be a str or None, not {type(zone).__name__}")
        if self._ver != 6:
            raise AddressError(f"zone {shorten(zone)} given for IPv4 address {str(self)!r}: only IPv6 has zones")
        return IP(f"{_fmt6(self._int)}%{zone}")

    def prefix(self, prefixlen: int) -> Any:
        """The ``IPNet`` of ``prefixlen`` bits that holds this address (Go's ``Addr.Prefix``; drops the zone)."""
        from ._net import _make_net, _mask_for

        bits = _BITS[self._ver]
        if type(prefixlen) is not int:
            if not isinstance(prefixlen, int) or isinstance(prefixlen, bool):
                raise TypeError(f"prefix length must be an int, not {type(prefixlen).__name__}")
            prefixlen = int(prefixlen)
        if not 0 <= prefixlen <= bits:
            raise AddressError(f"prefix length {prefixlen} is out of range for IPv{self._ver} (0 to {bits})")
        return _make_net(self._int & ~_mask_for(self._ver, prefixlen), prefixlen, self._ver)

    def _key(self) -> tuple[int, int, str]:
        return (self._ver, self._int, self._zone or "")

    # -- text -------------------------------------------------------------------
    def __str__(self) -> str:
        text = self._str
        if text is None:
            text = _fmt4(self._int) if self._ver == 4 else _fmt6(self._int)
            if self._zone is not None:
                text = f"{text}%{self._zone}"
            self._str = text
        return text

    def __format__(self, spec: str) -> str:
        """``format(ip, "b" | "x" | "X" | "n")`` as the stdlib; any string spec (``">15"``) pads the text."""
        if spec[-1:] in ("b", "n", "x", "X"):
            return format(self.address, spec)
        return format(str(self), spec)

    def to_json(self) -> str:
        """This address as JSON text: ``'"10.0.0.1"'``."""
        if self._zone is None:
            return f'"{self}"'
        return _json_text(str(self))

    def to_netaddr(self) -> Any:
        """This address as a ``netaddr.IPAddress`` (zones are dropped: netaddr has none)."""
        import netaddr

        return netaddr.IPAddress(self._int, self._ver)

    # -- numbers ----------------------------------------------------------------
    def __int__(self) -> int:
        return self._int

    def __add__(self, n: int) -> IP:
        if type(n) is not int:
            if not isinstance(n, int) or isinstance(n, bool):
                return NotImplemented
            n = int(n)
        i = self._int + n
        if not 0 <= i <= _MAX[self._ver]:
            raise AddressError(f"{str(self)!r} {'+' if n >= 0 else '-'} {abs(n)} leaves the IPv{self._ver} address space")
        return _make(i, self._ver, self._zone)

    __radd__ = __add__

    def __sub__(self, other: Any) -> Any:
        if isinstance(other, IP):
            if other._ver != self._ver:
                raise TypeError(f"cannot subtract IPv{other._ver} {other!s} from IPv{self._ver} {self!s}")
            return self._int - other._int
        if type(other) is int or (isinstance(other, int) and not isinstance(other, bool)):
            return self.__add__(-int(other))
        return NotImplemented

    # -- comparison and hashing (hand-tuned: sorting lists of IPs lives here) ---
    def __eq__(self, other: object) -> bool:
        if type(other) is not IP and not isinstance(other, IP):
            return NotImplemented
        return self._int == other._int and self._ver == other._ver and self._zone == other._zone

    def __ne__(self, other: object) -> bool:
        if type(other) is not IP and not isinstance(other, IP):
            return NotImplemented
        return self._int != other._int or self._ver != other._ver or self._zone != other._zone

    def __hash__(self) -> int:
        return hash((self._int, self._ver, self._zone))

    def __lt__(self, other: IP) -> bool:
        if type(other) is not IP and not isinstance(other, IP):
            return NotImplemented
        if self._ver == other._ver:
            if self._int == other._int:
                return (self._zone or "") < (other._zone or "")
            return self._int < other._int
        return self._ver < other._ver

    def __gt__(self, other: IP) -> bool:
        if type(other) is not IP and not isinstance(other, IP):
            return NotImplemented
        if self._ver == other._ver:
            if self._int == other._int:
                return (self._zone or "") > (other._zone or "")
            return self._int > other._int
        return self._ver > other._ver

    def __le__(self, other: IP) -> bool:
        if type(other) is not IP and not isinstance(other, IP):
            return NotImplemented
        return not other.__lt__(self)

    def __ge__(self, other: IP) -> bool:
        if type(other) is not IP and not isinstance(other, IP):
            return NotImplemented
        return not self.__lt__(other)

    # -- pickling (copies are the value itself: see _Value) ---------------------
    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (self._int, self._ver, self._zone))


promote(IP, "address", ipaddress.IPv4Address, ipaddress.IPv6Address)


def _restore(i: int, version: int, zone: str | None) -> IP:
    """Unpickle an ``IP``."""
    return _make(i, version, zone)


def _other_parts(value: Any, version: int | None) -> tuple[int, int, str | None, str | None]:
    """``(int, version, zone, text)`` of anything but a short ``str``, checked against ``version``."""
    if type(value) is int:
        if version is None:
            ver = 4 if 0 <= value <= _V4_MAX else 6
        elif version == 4 or version == 6:
            ver = 4 if version == 4 else 6
        else:
            raise _version_error(value, version, 0)
        if not 0 <= value <= _MAX[ver]:
            what = "IP" if version is None else f"IPv{ver}"
            raise AddressError(f"invalid {what} address {shorten(value)}: not between 0 and 2**{_BITS[ver]}-1")
        return value, ver, None, None
    parts = _convert(value, version)
    if version is not None and version != parts[1]:
        raise _version_error(value, version, parts[1])
    return parts


def _convert(value: Any, version: int | None = None) -> tuple[int, int, str | None, str | None]:
    """``(int, version, zone, text)`` of any accepted non-``int`` value (a str too)."""
    if isinstance(value, IP):
        return value._int, value._ver, value._zone, value._str
    if isinstance(value, str):  # long strings and str subclasses
        return _parse_text(str(value))
    if isinstance(value, _ADDRESS_TYPES):
        if isinstance(value, _INTERFACE_TYPES):
            raise TypeError(f"cannot make an IP from interface {str(value)!r}: use its .ip")
        return int(value), value.version, getattr(value, "scope_id", None), None
    if isinstance(value, (bytes, bytearray, memoryview)):
        raw = bytes(value)
        if len(raw) == 4:
            return _from_bytes(raw), 4, None, None
        if len(raw) == 16:
            return _from_bytes(raw), 6, None, None
        raise AddressError(f"invalid packed IP address {shorten(raw)}: {len(raw)} bytes, not 4 or 16")
    if isinstance(value, int) and not isinstance(value, bool):
        ip = IP(int(value), version=version)
        return ip._int, ip._ver, None, None
    kind = _netaddr_type("IPAddress")
    if kind is not None and isinstance(value, kind):
        return int(value), value.version, None, None
    if type(value).__name__ == "IPInterface":
        raise TypeError(f"cannot make an IP from IPInterface {str(value)!r}: use its .ip")
    raise TypeError(f"cannot make an IP from {type(value).__name__} {shorten(value)}")


def parse_ip(text: str) -> IP:
    """Parse an IPv4 or IPv6 address string (exactly what ``ipaddress.ip_address`` takes)."""
    if type(text) is not str or len(text) > MAX_TEXT:
        if not isinstance(text, str):
            raise TypeError(f"parse_ip takes a str, not {type(text).__name__}")
        return _make(*_parse_text(str(text)))
    ip = _new(IP)
    if ":" in text:
        try:
            ip._int = _from_bytes(_pton(_AF6, text))
        except (OSError, ValueError):
            ip._int, ip._ver, ip._zone, ip._str = _parse_slow(text)
        else:
            ip._ver = 6
            ip._zone = None
            ip._str = None
    else:
        try:
            ip._int = _from_bytes(_pton(_AF4, text))
        except (OSError, ValueError):
            ip._int, ip._ver, ip._zone, ip._str = _parse_slow(text)
        else:
            ip._ver = 4
            ip._zone = None
            ip._str = text
    ip._obj = None
    return ip


def iter_ips(first: int, last: int, version: int) -> Iterator[IP]:
    """Addresses ``first..last`` (ints, inclusive) of one family, lazily."""
    for i in range(first, last + 1):
        ip = _new(IP)
        ip._int = i
        ip._ver = version
        ip._zone = None
        ip._str = None
        ip._obj = None
        yield ip
