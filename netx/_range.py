"""``IPRange``: an inclusive run of addresses of one family, ``10.0.0.10-10.0.0.20``.

A range is two keys of netx's single key space (``netx._keys``), so ranges of both
families sort together and feed ``IPSet`` without conversion. This module also holds
the value -> key-bounds conversion that ``IPSet`` reuses for its items (text goes
through ``netx._codec``).
"""

from __future__ import annotations

import ipaddress
import sys
from typing import TYPE_CHECKING, Any, Iterator

from ._codec import V6_BASE, std_parts
from ._codec import addr_key as _addr_key  # (re-exported: IPSet reads the text paths from here)
from ._codec import checked_keys as _checked
from ._codec import host_bits_error
from ._codec import key_text as _text
from ._codec import net_keys as _net_bounds
from ._codec import range_keys as _range_bounds
from ._codec import text_keys as _str_bounds
from ._errors import RangeError, shorten
from ._ip import IP, _make, iter_ips
from ._net import IPInterface, IPNet, _make_net
from ._desc import TypeDesc
from ._value import _Ordered

if TYPE_CHECKING:
    import netaddr

__all__ = ["IPRange", "_addr_key", "_net_bounds", "_range_bounds", "_str_bounds"]

_new = object.__new__
_V4_TOP = (1 << 32) - 1
_ADDRESS_TYPES = (ipaddress.IPv4Address, ipaddress.IPv6Address)
_NETWORK_TYPES = (ipaddress.IPv4Network, ipaddress.IPv6Network)
_INTERFACE_TYPES = (ipaddress.IPv4Interface, ipaddress.IPv6Interface)


def _ips(lo: int, hi: int) -> Iterator[IP]:
    """The addresses of keys ``lo..hi`` (one family), lazily, in order."""
    if lo >= V6_BASE:
        return iter_ips(lo - V6_BASE, hi - V6_BASE, 6)
    return iter_ips(lo, hi, 4)


# -- value -> key conversion (shared with IPSet; text: netx._codec) ---------------------
def _net_keys(net: IPNet) -> tuple[int, int]:
    if net._ver == 4:
        return net._int, net._int | (_V4_TOP >> net._plen)
    lo = V6_BASE + net._int
    return lo, lo | ((1 << (128 - net._plen)) - 1)


def _endpoint_key(value: Any) -> int:
    """Key of one range endpoint: anything ``IP()`` accepts (zones dropped)."""
    if type(value) is IP:
        ip = value
    elif type(value) is str:
        return _addr_key(value)
    else:
        ip = IP(value)
    return ip._int + V6_BASE if ip._ver == 6 else ip._int


def _bounds(value: Any) -> tuple[int, int]:
    """Key bounds of one address, network, range or interface (an interface is its address).

    Strings may be an address, a CIDR or ``first-last``; bytes are one packed address.
    Other types -> ``TypeError``.
    """
    t = type(value)
    if t is str:
        return _str_bounds(value)
    if t is IP or t is IPInterface:  # (an interface keeps its address as IP's fields)
        key = value._int + V6_BASE if value._ver == 6 else value._int
        return key, key
    if t is IPNet:
        return _net_keys(value)
    if t is IPRange:
        return value._lo, value._hi
    if isinstance(value, _ADDRESS_TYPES):  # an interface is its address
        i, ver, _ = std_parts(value)
        key = i + V6_BASE if ver == 6 else i
        return key, key
    if isinstance(value, _NETWORK_TYPES):
        return _net_keys(IPNet(value))
    if isinstance(value, str):
        return _str_bounds(str(value))
    if isinstance(value, (bytes, bytearray, memoryview)):  # one packed address (4 or 16 bytes), never a list
        ip = IP(value)
        key = ip._int + V6_BASE if ip._ver == 6 else ip._int
        return key, key
    netaddr = sys.modules.get("netaddr")
    if netaddr is not None:
        base = V6_BASE if getattr(value, "version", 4) == 6 else 0
        if isinstance(value, netaddr.IPAddress):
            return base + int(value), base + int(value)
        if isinstance(value, netaddr.IPNetwork):
            if value.ip != value.network:
                raise host_bits_error(str(value), int(value.ip), value.prefixlen, value.version)
            return base + value.first, base + value.last
        if isinstance(value, netaddr.IPRange):
            return base + value.first, base + value.last
    raise TypeError(
        f"expected an address, network, range or string, not {type(value).__name__} {shorten(value)}"
    )


def _cover(out: list[IPNet], lo: int, hi: int) -> None:
    """Append the minimal CIDR cover of keys ``lo..hi`` (one family) to ``out``, in order."""
    if lo >= V6_BASE:
        a, end, bits, ver = lo - V6_BASE, hi - V6_BASE + 1, 128, 6
    else:
        a, end, bits, ver = lo, hi + 1, 32, 4
    span = end - a
    if not span & (span - 1) and not a & (span - 1):  # exactly one aligned block
        out.append(_make_net(a, bits + 1 - span.bit_length(), ver))
        return
    append = out.append
    while a < end:
        align = (a & -a).bit_length() - 1 if a else bits
        fit = (end - a).bit_length() - 1
        k = align if align < fit else fit
        append(_make_net(a, bits - k, ver))
        a += 1 << k


def _from_keys(lo: int, hi: int) -> IPRange:
    r = _new(IPRange)
    r._lo = lo
    r._hi = hi
    return r


class IPRange(_Ordered):
    """An inclusive range of addresses of one family (``10.0.0.10-10.0.0.20``), immutable.

    ``IPRange(first, last)`` takes two addresses; ``IPRange(value)`` takes a
    ``"first-last"`` string, a CIDR (its whole network), or one address.
    """

    __slots__ = ("_lo", "_hi")

    _lo: int
    _hi: int

    def __init__(self, first: Any, last: Any = None) -> None:
        if last is None:
            if type(first) is IPRange:
                lo, hi = first._lo, first._hi
            else:
                lo, hi = _bounds(first)
        else:
            lo, hi = _checked(_endpoint_key(first), _endpoint_key(last), f"{first}-{last}")
        self._lo = lo
        self._hi = hi

    # -- shared interface (keys of netx._keys) ------------------------------------------
    @classmethod
    def _from_keys(cls, first_key: int, last_key: int) -> IPRange:
        """Trusted constructor from two keys of one family, ``first_key <= last_key``."""
        return _from_keys(first_key, last_key)

    def _key_bounds(self) -> tuple[int, int]:
        """``(first_key, last_key)`` in netx's key space."""
        return self._lo, self._hi

    # -- properties ---------------------------------------------------------------------
    @property
    def first(self) -> IP:
        """The first address."""
        lo = self._lo
        return _make(lo - V6_BASE, 6) if lo >= V6_BASE else _make(lo, 4)

    @property
    def last(self) -> IP:
        """The last address (inclusive)."""
        hi = self._hi
        return _make(hi - V6_BASE, 6) if hi >= V6_BASE else _make(hi, 4)

    @property
    def size(self) -> int:
        """How many addresses the range holds (exact, even for IPv6)."""
        return self._hi - self._lo + 1

    @property
    def version(self) -> int:
        """4 or 6."""
        return 6 if self._lo >= V6_BASE else 4

    def __len__(self) -> int:
        size = self._hi - self._lo + 1
        if size > sys.maxsize:
            raise OverflowError(f"{self} holds {size} addresses, more than len() can return; use .size")
        return size

    def __bool__(self) -> bool:
        return True

    # -- membership and conversion --------------------------------------------------------
    def __contains__(self, item: Any) -> bool:
        """True for an address, network, range or string (address, CIDR, ``a-b``) inside.

        A string that is no address is an error, as with ``IPNet``; so is another type.
        """
        if type(item) is IP:
            key = item._int + V6_BASE if item._ver == 6 else item._int
            return self._lo <= key <= self._hi
        lo, hi = _bounds(item)
        return self._lo <= lo and hi <= self._hi

    def __iter__(self) -> Iterator[IP]:
        """The addresses, lazily, in order."""
        return _ips(self._lo, self._hi)

    def cidrs(self) -> list[IPNet]:
        """The fewest CIDR networks that together hold exactly this range, in order."""
        out: list[IPNet] = []
        _cover(out, self._lo, self._hi)
        return out

    def to_netaddr(self) -> netaddr.IPRange:
        """This range as a ``netaddr.IPRange``."""
        import netaddr

        return netaddr.IPRange(str(self.first), str(self.last))

    # -- text ---------------------------------------------------------------------------
    def __str__(self) -> str:
        return f"{_text(self._lo)}-{_text(self._hi)}"

    # -- comparison (order on _key(): see _Ordered) --------------------------------------
    def _key(self) -> tuple[int, int]:
        return self._lo, self._hi

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, IPRange):
            return NotImplemented
        return self._lo == other._lo and self._hi == other._hi

    def __hash__(self) -> int:
        return hash((IPRange, self._lo, self._hi))

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore_range, (self._lo, self._hi))


def _restore_range(lo: Any, hi: Any) -> IPRange:
    """Unpickle an ``IPRange``, validating it: two keys of one family, ``lo <= hi``."""
    if not (type(lo) is int and type(hi) is int and _valid_key(lo) and _valid_key(hi)):
        raise RangeError(f"invalid pickled IPRange: bounds {shorten(lo)}, {shorten(hi)} are not addresses")
    if (lo >= V6_BASE) != (hi >= V6_BASE):
        raise RangeError("invalid pickled IPRange: first and last are of different families")
    if lo > hi:
        raise RangeError(f"invalid pickled IPRange: first {_text(lo)} is after last {_text(hi)}")
    return _from_keys(lo, hi)


def valid_key(key: int) -> bool:
    """True if ``key`` is the key of an address (netx._keys: IPv4 values, or V6_BASE + an IPv6 value)."""
    return 0 <= key <= _V4_TOP or V6_BASE <= key < 2 * V6_BASE


_valid_key = valid_key


def _range_of(value: Any) -> IPRange:
    """``IPRange(value)``, or ``IPRange(first, last)`` for a ``(first, last)`` tuple."""
    if type(value) is tuple and len(value) == 2:
        return IPRange(*value)
    return IPRange(value)


_V6_ADDR = r"[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*(%[^%/]+)?"
# an address, a CIDR or "first-last" of one family: what IPRange() takes, and each IPSet item
RANGE_PATTERN = rf"^([0-9.]+(/[0-9.]+|-[0-9.]+)?|{_V6_ADDR}(/[0-9]+|-{_V6_ADDR})?)$"

IPRange.__netx__ = TypeDesc(
    cls=IPRange, name="IP range", code="ip_range", error=RangeError,
    accepts="a str, (first, last) tuple, address, network or range",
    from_python=_range_of, to_json_value=IPRange.__str__, from_json_value=IPRange,
    json_schema={
        "type": "string",
        "pattern": RANGE_PATTERN,
        "description": "Inclusive IP address range first-last, e.g. 10.0.0.10-10.0.0.20 (or a CIDR, or one address)",
    },
)
