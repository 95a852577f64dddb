"""``MAC``: an EUI-48 or EUI-64 hardware address, a value type like ``IP``.

Parsing takes the forms network gear prints (``00:1a:2b:3c:4d:5e``, ``00-1A-2B-3C-4D-5E``,
Cisco's ``001a.2b3c.4d5e``, bare ``001a2b3c4d5e``; the same with 8 bytes for EUI-64): the
separators are checked by position and the hex decoded by ``bytes.fromhex`` (C), so a
parse is a handful of C calls. Every accepted string is accepted by ``netaddr.EUI`` with
the same value (tests/test_mac.py holds that differential).
"""

from __future__ import annotations

import sys
from typing import Any

from ._desc import TypeDesc
from ._errors import AddressError, shorten
from ._ip import IP, _make
from ._value import _Ordered

__all__ = ["MAC"]

_MAX_TEXT = 64  # longer strings are rejected unread
_fromhex = bytes.fromhex
_from_bytes = int.from_bytes
_new = object.__new__
_MAX = {48: (1 << 48) - 1, 64: (1 << 64) - 1}
_LOCAL = {48: 0x02 << 40, 64: 0x02 << 56}  # the universal/local bit of the first octet
_GROUP = {48: 0x01 << 40, 64: 0x01 << 56}  # the individual/group (multicast) bit
_LINK_LOCAL = 0xFE80 << 112

_FORMS_TEXT = (
    "expected six (EUI-48) or eight (EUI-64) hex byte pairs separated by ':' or '-' "
    "(00:1a:2b:3c:4d:5e), groups of four hex digits separated by '.' (001a.2b3c.4d5e), "
    "or 12 / 16 hex digits"
)


def _parse(text: str) -> tuple[int, int]:
    """``(int, bits)`` of a MAC string in one of the accepted forms, else ``AddressError``.

    The length names the form; the separators are checked by position (one slice), the hex
    decoded by ``bytes.fromhex``, which skips whitespace: a short result means there was some.
    """
    n = len(text)
    if n == 17 or n == 23:  # 00:1a:2b:3c:4d:5e, 00-1a-..., and the 8-byte forms
        seps = text[2::3]
        if seps == _COLONS[n]:
            digits = text.replace(":", "")
        elif seps == _DASHES[n]:
            digits = text.replace("-", "")
        else:
            raise _bad(text)
    elif n == 12 or n == 16:  # 001a2b3c4d5e
        digits = text
    elif n == 14 or n == 19:  # 001a.2b3c.4d5e
        if text[4::5] != _DOTS[n]:
            raise _bad(text)
        digits = text.replace(".", "")
    else:
        raise _bad(text)
    try:
        raw = _fromhex(digits)
    except ValueError:
        raise _bad(text) from None
    bits = 48 if n < 16 or n == 17 else 64
    if len(raw) != bits >> 3:
        raise _bad(text)
    return _from_bytes(raw), bits


_COLONS = {17: ":" * 5, 23: ":" * 7}
_DASHES = {17: "-" * 5, 23: "-" * 7}
_DOTS = {14: "..", 19: "..."}


def _bad(text: str) -> AddressError:
    if len(text) > _MAX_TEXT:
        reason = f"longer than {_MAX_TEXT} characters"
    elif not text:
        reason = "empty string"
    else:
        reason = _FORMS_TEXT
    return AddressError(f"invalid MAC address {shorten(text)}: {reason}")


def _check_bits(bits: Any) -> int:
    if bits != 48 and bits != 64 or type(bits) is not int:
        raise AddressError(f"bits must be 48 or 64, not {shorten(bits)}")
    return bits


class MAC(_Ordered):
    """An EUI-48 or EUI-64 MAC address, immutable and hashable.

    ``str`` is lowercase and colon-separated; EUI-48 sorts before EUI-64, then by value.
    """

    __slots__ = ("_int", "_bits", "_str")

    _int: int
    _bits: int
    _str: str | None

    def __init__(self, value: Any, *, bits: int | None = None) -> None:
        if type(value) is str and len(value) <= _MAX_TEXT:
            self._int, self._bits = _parse(value)
        else:
            self._int, self._bits = _convert(value, bits)
        self._str = None
        if bits is not None and bits != self._bits:
            _check_bits(bits)
            raise AddressError(f"{shorten(value)} is an EUI-{self._bits} address, not EUI-{bits}")

    # -- identity ---------------------------------------------------------------------------
    @property
    def bits(self) -> int:
        """48 (EUI-48) or 64 (EUI-64)."""
        return self._bits

    @property
    def packed(self) -> bytes:
        """The address as 6 or 8 bytes, first octet first."""
        return self._int.to_bytes(self._bits >> 3, "big")

    @property
    def oui(self) -> int:
        """The Organizationally Unique Identifier: the first 24 bits, as an int."""
        return self._int >> (self._bits - 24)

    @property
    def is_multicast(self) -> bool:
        """The individual/group bit (least significant bit of the first octet) is set."""
        return bool(self._int & _GROUP[self._bits])

    @property
    def is_unicast(self) -> bool:
        """Not multicast."""
        return not self._int & _GROUP[self._bits]

    @property
    def is_broadcast(self) -> bool:
        """``ff:ff:ff:ff:ff:ff`` (every bit set)."""
        return self._int == _MAX[self._bits]

    @property
    def is_local(self) -> bool:
        """Locally administered: the universal/local bit (``0x02`` of the first octet) is set."""
        return bool(self._int & _LOCAL[self._bits])

    @property
    def is_universal(self) -> bool:
        """Universally administered (assigned by the vendor under its OUI): not local."""
        return not self._int & _LOCAL[self._bits]

    # -- IPv6 interface identifiers (RFC 4291 section 2.5.1 and appendix A) -----------------
    def eui64(self) -> MAC:
        """The modified EUI-64 interface identifier as a 64-bit ``MAC``: an EUI-48 gets
        ``ff:fe`` inserted after its OUI, and the universal/local bit is inverted."""
        i = self._int
        if self._bits == 48:
            i = (i >> 24) << 40 | 0xFFFE << 24 | (i & 0xFFFFFF)
        return _make_mac(i ^ _LOCAL[64], 64)

    def link_local(self) -> IP:
        """The IPv6 link-local address SLAAC derives from this MAC: ``fe80::/64`` + modified EUI-64."""
        return _make(_LINK_LOCAL | self.eui64()._int, 6)

    def slaac(self, prefix: Any) -> IP:
        """The SLAAC address in an IPv6 /64 ``prefix`` (an ``IPNet`` or string): prefix + modified EUI-64."""
        from ._net import IPNet

        net = prefix if type(prefix) is IPNet else IPNet(prefix)
        if net._ver != 6 or net._plen != 64:
            raise AddressError(f"SLAAC needs an IPv6 /64 prefix, not {str(net)!r}")
        return _make(net._int | self.eui64()._int, 6)

    # -- text and conversions ---------------------------------------------------------------
    def __str__(self) -> str:
        text = self._str
        if text is None:
            text = self._str = self._int.to_bytes(self._bits >> 3, "big").hex(":")
        return text

    def __format__(self, spec: str) -> str:
        """``format(mac, s)``: ``":"`` (the default), ``"-"``, ``"."`` (Cisco ``001a.2b3c.4d5e``), ``"x"``
        (bare hex); an uppercase ``"X"`` suffix (``"-X"``) prints uppercase hex; any other spec pads ``str``."""
        upper = spec.endswith("X")
        style = spec[:-1] if upper and len(spec) == 2 else spec
        raw = self.packed
        if style in (":", "-"):
            text = raw.hex(style)
        elif style == ".":
            text = raw.hex(".", 2)
        elif style == "x" or spec == "X":
            text = raw.hex()
        else:
            return format(str(self), spec)
        return text.upper() if upper else text

    def to_netaddr(self) -> Any:
        """This address as a ``netaddr.EUI``."""
        import netaddr

        return netaddr.EUI(self._int, version=self._bits)

    def __int__(self) -> int:
        return self._int

    def __index__(self) -> int:
        return self._int

    # -- comparison, hashing, pickling --------------------------------------------------------
    def _key(self) -> tuple[int, int]:
        return (self._bits, self._int)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MAC):
            return NotImplemented
        return self._int == other._int and self._bits == other._bits

    def __hash__(self) -> int:
        return hash((self._int, self._bits, "MAC"))

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (self._int, self._bits))


def _make_mac(i: int, bits: int) -> MAC:
    """Trusted constructor: ``i`` in range for ``bits``."""
    mac = _new(MAC)
    mac._int = i
    mac._bits = bits
    mac._str = None
    return mac


def _restore(i: Any, bits: Any) -> MAC:
    """Unpickle a ``MAC``, validating (crafted data never yields an out-of-range address)."""
    if type(i) is not int:
        raise AddressError(f"invalid MAC pickle data {shorten(i)}")
    return MAC(i, bits=_check_bits(bits))


def _convert(value: Any, bits: int | None) -> tuple[int, int]:
    """``(int, bits)`` of anything but a short ``str``."""
    if isinstance(value, MAC):
        return value._int, value._bits
    if isinstance(value, str):
        if len(value) > _MAX_TEXT:
            raise _bad(value)
        return _parse(str(value))
    if isinstance(value, int) and not isinstance(value, bool):
        width = 48 if bits is None else _check_bits(bits)
        if not 0 <= value <= _MAX[width]:
            hint = " (pass bits=64 for an EUI-64)" if width == 48 and 0 <= value <= _MAX[64] else ""
            raise AddressError(f"invalid MAC address {shorten(value)}: not between 0 and 2**{width}-1{hint}")
        return int(value), width
    if isinstance(value, (bytes, bytearray, memoryview)):
        raw = bytes(value)
        if len(raw) not in (6, 8):
            raise AddressError(f"invalid packed MAC address {shorten(raw)}: {len(raw)} bytes, not 6 or 8")
        return _from_bytes(raw, "big"), len(raw) * 8
    mod = sys.modules.get("netaddr")
    eui = getattr(mod, "EUI", None) if mod is not None else None
    if eui is not None and isinstance(value, eui):
        return int(value), 48 if value.version == 48 else 64
    raise TypeError(f"cannot make a MAC from {type(value).__name__} {shorten(value)}")


_HEX2 = "[0-9A-Fa-f]{2}"
_HEX4 = "[0-9A-Fa-f]{4}"
MAC_PATTERN = (
    f"^({_HEX2}(:{_HEX2}){{5}}|{_HEX2}(-{_HEX2}){{5}}|{_HEX4}(\\.{_HEX4}){{2}}|[0-9A-Fa-f]{{12}}"
    f"|{_HEX2}(:{_HEX2}){{7}}|{_HEX2}(-{_HEX2}){{7}}|{_HEX4}(\\.{_HEX4}){{3}}|[0-9A-Fa-f]{{16}})$"
)
"""Exactly the strings ``MAC`` accepts (the JSON Schema's ``pattern``)."""

MAC.__netx__ = TypeDesc(
    cls=MAC, name="MAC address", code="mac_address", error=AddressError,
    accepts="a str, int, 6 or 8 bytes, or netaddr.EUI",
    from_python=MAC, to_json_value=MAC.__str__, from_json_value=MAC,
    json_schema={
        "type": "string",
        "pattern": MAC_PATTERN,
        "description": "EUI-48 or EUI-64 MAC address, e.g. 00:1a:2b:3c:4d:5e, 00-1A-2B-3C-4D-5E or 001a.2b3c.4d5e",
    },
)
