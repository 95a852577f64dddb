"""``IP``: one IPv4 or IPv6 address, a value type that composes the stdlib address.

Parsing goes through ``socket.inet_pton`` (C) and keeps the canonical text; the
stdlib ``ipaddress`` object is built only when something asks for it. Anything the
fast path does not take is decided by ``ipaddress`` itself, so netx accepts exactly
the strings the stdlib accepts.
"""

from __future__ import annotations

import ipaddress
import sys
from socket import AF_INET, AF_INET6, inet_ntop, inet_pton
from typing import Any, Iterator

from ._errors import AddressError, shorten

__all__ = ["IP", "parse_ip", "MAX_TEXT", "V4_BITS", "V6_BITS"]

MAX_TEXT = 256
"""Longest address or network text netx parses; longer input is rejected unread."""

V4_BITS = 32
V6_BITS = 128
_V4_MAX = (1 << 32) - 1
_V6_MAX = (1 << 128) - 1
_MAX = {4: _V4_MAX, 6: _V6_MAX}
_from_bytes = int.from_bytes
_IPv4Address = ipaddress.IPv4Address
_IPv6Address = ipaddress.IPv6Address
_new = object.__new__


def _fmt4(i: int) -> str:
    return inet_ntop(AF_INET, i.to_bytes(4, "big"))


def _fmt6(i: int) -> str:
    """RFC 5952 text of an IPv6 integer, exactly as ``ipaddress`` prints it."""
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


def _reason(text: str) -> str:
    """What is wrong with an address text, in the stdlib's words (without the echo)."""
    kind = _IPv6Address if ":" in text else _IPv4Address
    try:
        kind(text)
    except ValueError as exc:
        msg = str(exc)
        for tail in (f" in {text!r}", f" in {text}"):
            if msg.endswith(tail):
                msg = msg[: -len(tail)]
        return msg
    return "not a valid address"  # pragma: no cover - kind accepted what ip_address refused


def _bad_text(text: str, what: str = "IP address") -> AddressError:
    if len(text) > MAX_TEXT:
        return AddressError(f"invalid {what} {shorten(text)}: longer than {MAX_TEXT} characters")
    return AddressError(f"invalid {what} {shorten(text)}: {_reason(text)}")


def _parse_text(text: str) -> tuple[int, int, str | None, str | None]:
    """``(int, version, zone, canonical text or None)`` of an address string."""
    if len(text) > MAX_TEXT:
        raise _bad_text(text)
    if ":" in text:
        if "%" not in text:
            try:
                return _from_bytes(inet_pton(AF_INET6, text), "big"), 6, None, None
            except (OSError, ValueError):
                pass
    else:
        try:
            return _from_bytes(inet_pton(AF_INET, text), "big"), 4, None, text
        except (OSError, ValueError):
            pass
    # Not the common form: let the stdlib decide (zones, and every rejection).
    try:
        obj = ipaddress.ip_address(text)
    except ValueError:
        raise _bad_text(text) from None
    zone = getattr(obj, "scope_id", None)
    return int(obj), obj.version, zone, None  # pragma: no cover - only zones get here


def _make(i: int, version: int, zone: str | None = None, text: str | None = None) -> IP:
    ip = _new(IP)
    ip._int = i
    ip._ver = version
    ip._zone = zone
    ip._str = text
    ip._obj = None
    return ip


def _netaddr_type(name: str) -> Any:
    mod = sys.modules.get("netaddr")
    return getattr(mod, name, None) if mod is not None else None


class IP:
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
        if type(value) is str:
            i, ver, zone, text = _parse_text(value)
        elif type(value) is int:
            if version is None:
                ver = 4 if 0 <= value <= _V4_MAX else 6
            elif version == 4 or version == 6:
                ver = version
            else:
                raise ValueError(f"version must be 4 or 6, not {version!r}")
            if not 0 <= value <= _MAX[ver]:
                raise AddressError(f"invalid IPv{ver} address {value!r}: outside 0..{_MAX[ver]}")
            i, zone, text = value, None, None
        else:
            i, ver, zone, text = _convert(value)
        if version is not None and version != ver:
            if version not in (4, 6):
                raise ValueError(f"version must be 4 or 6, not {version!r}")
            raise AddressError(f"{shorten(value)} is an IPv{ver} address, not IPv{version}")
        self._int = i
        self._ver = ver
        self._zone = zone
        self._str = text
        self._obj = None

    # -- construction helpers ---------------------------------------------------
    @classmethod
    def _from_int(cls, i: int, version: int) -> IP:
        """Trusted constructor: ``i`` must be in range for ``version``."""
        return _make(i, version)

    @classmethod
    def from_json(cls, data: str | bytes) -> IP:
        """Parse JSON text holding one address string (``'"10.0.0.1"'``)."""
        import orjson

        try:
            value = orjson.loads(data)
        except (orjson.JSONDecodeError, TypeError):
            raise AddressError(f"invalid JSON for an IP address: {shorten(data)}") from None
        if type(value) is not str:
            raise AddressError(f"expected a JSON string holding an IP address, got {shorten(data)}")
        return cls(value)

    # -- the stdlib object and its promoted attributes --------------------------
    @property
    def address(self) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
        """The stdlib ``IPv4Address`` / ``IPv6Address`` (built on first use)."""
        obj = self._obj
        if obj is None:
            if self._ver == 4:
                obj = _IPv4Address(self._int)
            elif self._zone is None:
                obj = _IPv6Address(self._int)
            else:
                obj = _IPv6Address(f"{_fmt6(self._int)}%{self._zone}")
            self._obj = obj
        return obj

    def __getattr__(self, name: str) -> Any:
        if name[:1] == "_":
            raise AttributeError(name)
        try:
            return getattr(self.address, name)
        except AttributeError:
            raise AttributeError(f"'IP' object has no attribute {name!r}") from None

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(dir(self.address)))

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
        return 32 if self._ver == 4 else 128

    def unmap(self) -> IP:
        """IPv4-mapped IPv6 (``::ffff:a.b.c.d``) -> the IPv4 address; anything else unchanged."""
        if self._ver == 6 and self._int >> 32 == 0xFFFF:
            return _make(self._int & _V4_MAX, 4)
        return self

    def with_zone(self, zone: str | None) -> IP:
        """The same IPv6 address with another zone (None removes it)."""
        if zone is None:
            return self if self._zone is None else _make(self._int, self._ver)
        if self._ver != 6:
            raise AddressError(f"zone {shorten(zone)} given for IPv4 address {str(self)!r}")
        return IP(f"{_fmt6(self._int)}%{zone}")

    def prefix(self, prefixlen: int) -> Any:
        """The network of ``prefixlen`` bits that holds this address (Go's ``Addr.Prefix``)."""
        from ._net import IPNet

        return IPNet((self, prefixlen), strict=False)

    def compare(self, other: IP) -> int:
        """-1, 0 or 1 as self sorts before, equal to, or after ``other`` (Go's ``Compare``)."""
        a, b = self._key(), other._key()
        return (a > b) - (a < b)

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

    def __repr__(self) -> str:
        return f"IP({str(self)!r})"

    def __format__(self, spec: str) -> str:
        if not spec:
            return str(self)
        return format(self.address, spec)

    def to_json(self) -> str:
        """This address as JSON text: ``'"10.0.0.1"'``."""
        if self._zone is None:
            return f'"{self}"'
        import orjson

        return orjson.dumps(str(self)).decode()

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
        i = self._int + n
        if not 0 <= i <= _MAX[self._ver]:
            raise AddressError(f"{self!s} + {n} leaves the IPv{self._ver} address space")
        return _make(i, self._ver, self._zone)

    __radd__ = __add__

    def __sub__(self, other: Any) -> Any:
        if type(other) is IP:
            if other._ver != self._ver:
                raise TypeError(f"cannot subtract IPv{other._ver} {other!s} from IPv{self._ver} {self!s}")
            return self._int - other._int
        if type(other) is int or (isinstance(other, int) and not isinstance(other, bool)):
            return self.__add__(-other)
        return NotImplemented

    # -- comparison and hashing -------------------------------------------------
    def __eq__(self, other: object) -> bool:
        if type(other) is not IP:
            return NotImplemented
        return self._int == other._int and self._ver == other._ver and self._zone == other._zone

    def __ne__(self, other: object) -> bool:
        if type(other) is not IP:
            return NotImplemented
        return self._int != other._int or self._ver != other._ver or self._zone != other._zone

    def __hash__(self) -> int:
        return hash((self._int, self._ver, self._zone))

    def __lt__(self, other: IP) -> bool:
        if type(other) is not IP:
            return NotImplemented
        if self._ver != other._ver:
            return self._ver < other._ver
        if self._int != other._int:
            return self._int < other._int
        return (self._zone or "") < (other._zone or "")

    def __gt__(self, other: IP) -> bool:
        if type(other) is not IP:
            return NotImplemented
        return other.__lt__(self)

    def __le__(self, other: IP) -> bool:
        if type(other) is not IP:
            return NotImplemented
        return not other.__lt__(self)

    def __ge__(self, other: IP) -> bool:
        if type(other) is not IP:
            return NotImplemented
        return not self.__lt__(other)

    # -- pickling, copying ------------------------------------------------------
    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (self._int, self._ver, self._zone))

    def __copy__(self) -> IP:
        return self

    def __deepcopy__(self, memo: Any) -> IP:
        return self

    # -- pydantic ---------------------------------------------------------------
    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        from ._pydantic import core_schema_for

        return core_schema_for(cls)

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: Any, handler: Any) -> Any:
        from ._pydantic import json_schema_for

        return json_schema_for(cls)


def _restore(i: int, version: int, zone: str | None) -> IP:
    return _make(i, version, zone)


def _convert(value: Any) -> tuple[int, int, str | None, str | None]:
    """``(int, version, zone, text)`` of a non-str, non-int address value."""
    if type(value) is IP:
        return value._int, value._ver, value._zone, value._str
    if isinstance(value, (_IPv4Address, _IPv6Address)) and not isinstance(
        value, (ipaddress.IPv4Interface, ipaddress.IPv6Interface)
    ):
        return int(value), value.version, getattr(value, "scope_id", None), None
    if isinstance(value, (bytes, bytearray, memoryview)) and not isinstance(value, str):
        raw = bytes(value)
        if len(raw) == 4:
            return _from_bytes(raw, "big"), 4, None, None
        if len(raw) == 16:
            return _from_bytes(raw, "big"), 6, None, None
        raise AddressError(f"invalid packed IP address {shorten(raw)}: {len(raw)} bytes, not 4 or 16")
    if isinstance(value, str):  # str subclasses
        return _parse_text(str(value))
    if isinstance(value, int) and not isinstance(value, bool):
        ip = IP(int(value))
        return ip._int, ip._ver, None, None
    kind = _netaddr_type("IPAddress")
    if kind is not None and isinstance(value, kind):
        return int(value), value.version, None, None
    raise TypeError(f"cannot make an IP from {type(value).__name__} {shorten(value)}")


def parse_ip(text: str) -> IP:
    """Parse an IPv4 or IPv6 address string (exactly what ``ipaddress.ip_address`` takes)."""
    if type(text) is not str:
        if not isinstance(text, str):
            raise TypeError(f"parse_ip takes a str, not {type(text).__name__}")
        text = str(text)
    i, ver, zone, canon = _parse_text(text)
    return _make(i, ver, zone, canon)


def iter_ips(first: int, last: int, version: int) -> Iterator[IP]:
    """Addresses ``first..last`` (ints, inclusive) of one family, lazily."""
    for i in range(first, last + 1):
        yield _make(i, version)
