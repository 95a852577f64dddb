"""``IP``: one IPv4 or IPv6 address, a value type that composes the stdlib address.

Parsing goes through ``netx._codec`` (``socket.inet_pton`` in C for the common forms,
``ipaddress`` for the rest) and keeps the canonical text; the stdlib ``ipaddress``
object is built only when something asks for it. ``IP()`` and ``parse_ip`` inline the
codec's address fast path (a call there costs the parse target).
"""

from __future__ import annotations

import ipaddress
import sys
from functools import partial
from typing import TYPE_CHECKING, Any, Iterator, overload

from ._codec import _AF4 as _AF4  # (re-exported: netx._prefixmap reads the codec's C parser from here)
from ._codec import _AF6 as _AF6
from ._codec import _BITS, _MAX, _V4_MAX, MAX_TEXT, V4_BITS, V6_BITS
from ._codec import _from_bytes as _from_bytes
from ._codec import _pton as _pton
from ._codec import address as _parse_text
from ._codec import address_slow as _parse_slow
from ._codec import fmt4 as _fmt4  # (re-exported: netx.ipam.store._sql formats from here)
from ._codec import fmt6 as _fmt6
from ._codec import std_parts, std_version
from ._codec import V6_BASE as _V6_KEY  # added to an IPv6 value in the sort key: every IPv6 sorts after IPv4
from ._desc import TypeDesc
from ._errors import AddressError, invalid, shorten
from ._promote import ADDRESS, Flags, promote
from ._value import _json_text, _Ordered, _stdlib, constrained_form

if TYPE_CHECKING:
    import netaddr

    from ._net import IPNet

__all__ = ["IP", "IPv4", "IPv6", "parse_ip", "MAX_TEXT", "V4_BITS", "V6_BITS", "_fmt4", "_fmt6"]

_IPv4Address = ipaddress.IPv4Address
_IPv6Address = ipaddress.IPv6Address
_ADDRESS_TYPES = (_IPv4Address, _IPv6Address)
_INTERFACE_TYPES = (ipaddress.IPv4Interface, ipaddress.IPv6Interface)
_new = object.__new__


def _make(i: int, version: int, zone: str | None = None, text: str | None = None) -> IP:
    """Trusted constructor: ``i`` in range for ``version``, ``text`` canonical or None."""
    ip = _new(IP)
    ip._int = i
    ip._ver = version
    ip._key4 = i if version == 4 else i + _V6_KEY
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


class IP(_Ordered, Flags):
    """An IPv4 or IPv6 address (with an optional IPv6 zone), immutable and hashable.

    Attributes the class does not define are read from the stdlib address
    (``IP("10.0.0.1").is_private``); every IPv4 address sorts before every IPv6 one.
    """

    # _key4: the sort key (the value, IPv6 above every IPv4), so that sorted() does one compare
    __slots__ = ("_int", "_ver", "_key4", "_zone", "_str", "_obj")

    _int: int
    _ver: int
    _key4: int
    _zone: str | None
    _str: str | None
    _obj: ipaddress.IPv4Address | ipaddress.IPv6Address | None

    def __init__(self, value: Any, *, version: int | None = None) -> None:
        # Hot path first and inline: one C call to parse, no helper call, no tuple.
        # (Blocks are kept short so that CPython 3.11 can specialise the jumps.)
        if type(value) is not str or len(value) > MAX_TEXT:
            self._int, self._ver, self._zone, self._str = _other_parts(value, version)
            self._key4 = self._int if self._ver == 4 else self._int + _V6_KEY
            self._obj = None
            return
        if ":" in value:
            try:
                self._int = i = _from_bytes(_pton(_AF6, value))
            except (OSError, ValueError):
                self._int, self._ver, self._zone, self._str = _parse_slow(value)
                self._key4 = self._int if self._ver == 4 else self._int + _V6_KEY
            else:
                self._key4 = i + _V6_KEY
                self._ver = 6
                self._zone = None
                self._str = None
        else:
            try:
                self._int = self._key4 = _from_bytes(_pton(_AF4, value))
            except (OSError, ValueError):
                self._int, self._ver, self._zone, self._str = _parse_slow(value)
                self._key4 = self._int if self._ver == 4 else self._int + _V6_KEY
            else:
                self._ver = 4
                self._zone = None
                self._str = value  # inet_pton only takes the canonical dotted quad
        self._obj = None
        if version is not None and version != self._ver:
            raise _version_error(value, version, self._ver)

    def _parts(self) -> tuple[int, int, str | None, str | None]:
        return self._int, self._ver, self._zone, self._str

    # -- the stdlib object and its promoted attributes --------------------------
    @property
    def address(self) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
        """The stdlib ``IPv4Address`` / ``IPv6Address`` (built on first use)."""
        obj = self._obj
        if obj is None:
            obj = self._obj = _stdlib(self, self._ver, self._zone, self._int, _IPv4Address, _IPv6Address)
        return obj

    # -- promoted from the stdlib address (the table: netx/_promote.py; flags typed in Flags) --
    # is_private / is_global: the stdlib's own network tables, read on integers (see _Special);
    # the stdlib recomputes them through a 128-entry lru_cache keyed on a Python-level hash.
    @property
    def is_private(self) -> bool:
        """True inside the IANA special-purpose "private" blocks, exactly as the running ``ipaddress``."""
        special = _SPECIAL[0] or _special()
        if special is _DELEGATE:
            return bool(self.address.is_private)
        return bool(special.private(self._int, self._ver))

    @property
    def is_global(self) -> bool:
        """True for globally reachable addresses, exactly as the running ``ipaddress``."""
        special = _SPECIAL[0] or _special()
        if special is _DELEGATE:
            return bool(self.address.is_global)
        return bool(special.is_global(self._int, self._ver))

    @property
    def compressed(self) -> str:
        """The short form: ``str(ip)``."""
        return self.__str__()

    # The stdlib raises on these for scoped IPv6 addresses (``fe80::1%eth0``); netx doesn't.
    @property
    def exploded(self) -> str:
        """The long form: ``0000:...:0001`` for IPv6 (zone appended), the dotted quad for IPv4."""
        if self._zone is None:
            return self.address.exploded
        return f"{_IPv6Address(self._int).exploded}%{self._zone}"

    @property
    def reverse_pointer(self) -> str:
        """The DNS PTR name: ``1.0.0.10.in-addr.arpa`` (a zone plays no part in it), as the stdlib's."""
        if self._ver == 4:
            return ".".join(reversed(self.__str__().split("."))) + ".in-addr.arpa"
        return ".".join("%032x" % self._int)[::-1] + ".ip6.arpa"

    # The stdlib has these on IPv6Address only; netx answers them for both families.
    @property
    def is_site_local(self) -> bool:
        """True for IPv6 site-local addresses (``fec0::/10``, deprecated by RFC 3879); False for IPv4."""
        return self._ver == 6 and self._int >> 118 == 0x3FB

    @property
    def scope_id(self) -> str | None:
        """The IPv6 zone (the stdlib's name for it), or None; same as ``.zone``."""
        return self._zone

    @property
    def ipv4_mapped(self) -> IP | None:
        """The IPv4 address of an IPv4-mapped IPv6 address (``::ffff:a.b.c.d``), else None."""
        if self._ver == 6 and self._int >> 32 == 0xFFFF:
            return _make(self._int & _V4_MAX, 4)
        return None

    @property
    def ipv6_mapped(self) -> IP:
        """The IPv4-mapped IPv6 address (``::ffff:a.b.c.d``) of an IPv4 address (Python 3.13's name)."""
        if self._ver != 4:
            raise AttributeError("'IP' object has no attribute 'ipv6_mapped' (IPv6 addresses are not mapped)")
        return _make(0xFFFF << 32 | self._int, 6)

    @property
    def sixtofour(self) -> IP | None:
        """The IPv4 address embedded in a 6to4 address (``2002::/16``, RFC 3056), else None."""
        if self._ver == 6 and self._int >> 112 == 0x2002:
            return _make((self._int >> 80) & _V4_MAX, 4)
        return None

    @property
    def teredo(self) -> tuple[IP, IP] | None:
        """``(server, client)`` IPv4 addresses of a Teredo address (``2001::/32``, RFC 4380), else None."""
        if self._ver == 6 and self._int >> 96 == 0x20010000:
            return _make((self._int >> 64) & _V4_MAX, 4), _make(~self._int & _V4_MAX, 4)
        return None

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

    def prefix(self, prefixlen: int) -> IPNet:
        """The ``IPNet`` of ``prefixlen`` bits that holds this address (Go's ``Addr.Prefix``; drops the zone)."""
        from ._net import _make_net, _mask_for

        bits = _BITS[self._ver]
        if type(prefixlen) is not int:
            if not isinstance(prefixlen, int) or isinstance(prefixlen, bool):
                raise TypeError(f"prefix length must be an int, not {type(prefixlen).__name__}")
            prefixlen = int(prefixlen)
        if not 0 <= prefixlen <= bits:
            raise AddressError(f"prefix length {shorten(prefixlen)} is out of range for IPv{self._ver} (0 to {bits})")
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

    def to_netaddr(self) -> netaddr.IPAddress:
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
            raise AddressError(f"{str(self)!r} {'+' if n >= 0 else '-'} {shorten(abs(n))} leaves the IPv{self._ver} address space")
        return _make(i, self._ver, self._zone)

    __radd__ = __add__

    @overload
    def __sub__(self, other: IP) -> int: ...
    @overload
    def __sub__(self, other: int) -> IP: ...

    def __sub__(self, other: IP | int) -> int | IP:
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
        # sorted() calls only this: one key compare in the common case (the zone breaks ties).
        # Only IP (and subclasses) have _key4; anything else takes the except branch.
        try:
            b = other._key4
        except AttributeError:
            return NotImplemented
        a = self._key4
        return a < b or (a == b and (self._zone or "") < (other._zone or ""))

    def __gt__(self, other: IP) -> bool:
        try:
            b = other._key4
        except AttributeError:
            return NotImplemented
        a = self._key4
        return a > b or (a == b and (self._zone or "") > (other._zone or ""))

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


promote(IP, IP.address.fget, ADDRESS)  # type: ignore[attr-defined]


class _Special:
    """``is_private`` / ``is_global`` on integers, from the stdlib's own tables
    (``_private_networks``, its exceptions where the running Python has them, the shared
    address space). Used only after checking that it answers exactly like the stdlib on
    every table edge (``_special``); otherwise netx asks the stdlib objects."""

    def __init__(self) -> None:
        from bisect import bisect_right

        self._find = bisect_right
        c4, c6 = ipaddress._IPv4Constants, ipaddress._IPv6Constants  # type: ignore[attr-defined]
        self.tables = {
            4: (self._runs(c4._private_networks), self._runs(getattr(c4, "_private_networks_exceptions", []))),
            6: (self._runs(c6._private_networks), self._runs(getattr(c6, "_private_networks_exceptions", []))),
        }
        public = c4._public_network
        self.public4 = (int(public.network_address), int(public.broadcast_address))

    @staticmethod
    def _runs(nets: list[Any]) -> tuple[list[int], list[int]]:
        """The networks as merged, sorted, disjoint ``(starts, ends)`` integer runs."""
        starts: list[int] = []
        ends: list[int] = []
        for a, b in sorted((int(n.network_address), int(n.broadcast_address)) for n in nets):
            if ends and a <= ends[-1] + 1:
                ends[-1] = max(ends[-1], b)
            else:
                starts.append(a)
                ends.append(b)
        return starts, ends

    def _inside(self, runs: tuple[list[int], list[int]], i: int) -> bool:
        k = self._find(runs[0], i) - 1
        return k >= 0 and runs[1][k] >= i

    def private(self, i: int, version: int) -> bool:
        if version == 6 and i >> 32 == 0xFFFF:
            version, i = 4, i & _V4_MAX  # an IPv4-mapped address is as private as its IPv4 address
        inside, exceptions = self.tables[version]
        return self._inside(inside, i) and not self._inside(exceptions, i)

    def is_global(self, i: int, version: int) -> bool:
        if version == 4:
            lo, hi = self.public4
            return not lo <= i <= hi and not self.private(i, 4)
        return not self.private(i, 6)


_DELEGATE: Any = object()
_SPECIAL: list[Any] = [None]


def _special() -> Any:
    """The checked ``_Special`` (built on first use), or ``_DELEGATE`` if it ever disagrees."""
    special = _Special()
    probes: set[tuple[int, int]] = set()
    for version in (4, 6):
        for runs in special.tables[version]:
            for a, b in zip(*runs):
                probes.update((version, x) for x in (a - 1, a, b, b + 1))
    probes.update((4, x) for x in (special.public4[0] - 1, special.public4[0], special.public4[1], special.public4[1] + 1))
    probes.update((6, 0xFFFF << 32 | x) for v, x in list(probes) if v == 4)
    for version, i in sorted(probes):
        if not 0 <= i <= _MAX[version]:
            continue
        std = _IPv4Address(i) if version == 4 else _IPv6Address(i)
        if special.private(i, version) != std.is_private or special.is_global(i, version) != std.is_global:
            special = _DELEGATE
            break
    _SPECIAL[0] = special
    return special


def _restore(i: Any, version: Any, zone: Any) -> IP:
    """Unpickle an ``IP``, validating every field: crafted data never builds an invalid value."""
    return _make(*checked_parts(i, version, zone, "IP"))


def checked_parts(i: Any, version: Any, zone: Any, what: str) -> tuple[int, int, str | None]:
    """``(int, version, zone)`` of pickled fields, or ``AddressError`` saying what is wrong."""
    if type(version) is not int or version not in (4, 6):
        raise AddressError(f"invalid pickled {what}: version {shorten(version)} is not 4 or 6")
    if type(i) is not int or not 0 <= i <= _MAX[version]:
        raise AddressError(f"invalid pickled {what}: {shorten(i)} is not an IPv{version} address value")
    if zone is not None:
        if version != 6:
            raise AddressError(f"invalid pickled {what}: zone {shorten(zone)} on an IPv4 address")
        if type(zone) is not str or not zone or "%" in zone or "/" in zone:
            raise AddressError(f"invalid pickled {what}: {shorten(zone)} is not a zone")
    return i, version, zone


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
            raise invalid(AddressError, f"{what} address", value, f"not between 0 and 2**{_BITS[ver]}-1")
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
        return (*std_parts(value), None)
    if isinstance(value, (bytes, bytearray, memoryview)):
        raw = bytes(value)
        if len(raw) == 4:
            return _from_bytes(raw), 4, None, None
        if len(raw) == 16:
            return _from_bytes(raw), 6, None, None
        raise invalid(AddressError, "packed IP address", raw, f"{len(raw)} bytes, not 4 or 16")
    if isinstance(value, int) and not isinstance(value, bool):
        ip = IP(int(value), version=version)
        return ip._int, ip._ver, None, None
    kind = _netaddr_type("IPAddress")
    if kind is not None and isinstance(value, kind):
        return IP(int(value), version=value.version)._parts()
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
            ip._int = i = _from_bytes(_pton(_AF6, text))
        except (OSError, ValueError):
            ip._int, ip._ver, ip._zone, ip._str = _parse_slow(text)
            ip._key4 = ip._int if ip._ver == 4 else ip._int + _V6_KEY
        else:
            ip._key4 = i + _V6_KEY
            ip._ver = 6
            ip._zone = None
            ip._str = None
    else:
        try:
            ip._int = ip._key4 = _from_bytes(_pton(_AF4, text))
        except (OSError, ValueError):
            ip._int, ip._ver, ip._zone, ip._str = _parse_slow(text)
            ip._key4 = ip._int if ip._ver == 4 else ip._int + _V6_KEY
        else:
            ip._ver = 4
            ip._zone = None
            ip._str = text
    ip._obj = None
    return ip


def iter_ips(first: int, last: int, version: int) -> Iterator[IP]:
    """Addresses ``first..last`` (ints, inclusive) of one family, lazily."""
    base = 0 if version == 4 else _V6_KEY
    for i in range(first, last + 1):
        ip = _new(IP)
        ip._int = i
        ip._ver = version
        ip._key4 = i + base if base else i
        ip._zone = None
        ip._str = None
        ip._obj = None
        yield ip


# -- the type description (netx._desc) and the version-constrained forms ----------------
def _ip_of_version(version: int, value: Any) -> IP:
    """``IP(value)``, which must be of ``version`` (an int is read as that version)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return IP(value, version=version)
    ip = IP(value)
    if ip._ver != version:
        raise AddressError(f"{shorten(value)} is an IPv{ip._ver} address, not IPv{version}")
    return ip


def _parse_of_version(version: int, text: Any) -> IP:
    ip = parse_ip(text)
    if ip._ver != version:
        raise AddressError(f"{shorten(text)} is an IPv{ip._ver} address, not IPv{version}")
    return ip


def _v6_pattern() -> str:
    """A regular expression for exactly the IPv6 texts ``ipaddress`` reads (zone aside):
    eight hextets, or fewer around one ``::``, the last two optionally a dotted quad."""
    h = "[0-9A-Fa-f]{1,4}"
    octet = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
    v4 = rf"{octet}(\.{octet}){{3}}"

    def run(n: int, tail: bool) -> str:  # n units, the last two a dotted quad if tail
        if tail:
            return f"({h}:){{{n - 2}}}{v4}" if n > 2 else v4
        return f"({h}:){{{n - 1}}}{h}" if n > 1 else h

    forms = [run(8, False), run(8, True)]
    for left in range(8):  # '::' with `left` units before it and up to 7 - left after it
        before = f"({h}:){{{left}}}:" if left else "::"
        afters = [run(n, t) for n in range(1, 8 - left) for t in (False, True) if not t or n >= 2]
        forms.append(before + (f"({'|'.join(afters)})?" if afters else ""))
    return "(" + "|".join(forms) + ")"


_V6_TEXT = _v6_pattern()
_ZONE = "%[^%/]+"
_V4_SCHEMA = {"type": "string", "format": "ipv4"}
# "format": "ipv6" rejects zones (RFC 4291 text), so zoned addresses get a pattern beside it.
_V6_SCHEMA = {
    "anyOf": [
        {"type": "string", "format": "ipv6"},
        {"type": "string", "pattern": f"^{_V6_TEXT}{_ZONE}$", "description": "IPv6 address with a zone"},
    ]
}
_ADDRESSES = "a str, int, bytes or address object"

IP.__netx__ = TypeDesc(
    cls=IP, name="IP address", code="ip_address", error=AddressError, accepts=_ADDRESSES,
    from_python=IP, to_json_value=IP.__str__, from_json_value=parse_ip,
    json_schema={"anyOf": [_V4_SCHEMA, *_V6_SCHEMA["anyOf"]]},
)

if TYPE_CHECKING:  # to a type checker the constrained forms are the netx type they return
    IPv4 = IP
    IPv6 = IP
else:

    IPv4 = constrained_form(
        "IPv4", IP, 4, partial(_ip_of_version, 4), partial(_parse_of_version, 4), _V4_SCHEMA,
        """An IPv4 ``IP``: a pydantic field type; ``IPv4("10.0.0.1")`` returns an ``IP``;
        ``isinstance(ip, IPv4)`` is true for IPv4 addresses.""",
    )
    IPv6 = constrained_form(
        "IPv6", IP, 6, partial(_ip_of_version, 6), partial(_parse_of_version, 6), _V6_SCHEMA,
        """An IPv6 ``IP``: a pydantic field type; ``IPv6("::1")`` returns an ``IP``;
        ``isinstance(ip, IPv6)`` is true for IPv6 addresses.""",
    )
