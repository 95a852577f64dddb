"""``IPSet``: an immutable set of IPv4 and IPv6 addresses, stored as merged key intervals.

The set is two parallel sorted lists of inclusive keys (``netx._keys``): interval ``i``
is ``_lo[i].._hi[i]``; intervals are disjoint and never adjacent. Membership is one
``bisect``. Merging and the set algebra never loop over intervals in Python: they
sort (Timsort merges already-sorted runs in linear time) and sweep with ``map`` /
``compress``, using the fact that the union of intervals does not depend on how
their starts and ends are paired, so starts and ends can be sorted independently.
"""

from __future__ import annotations

import ipaddress
import sys
from bisect import bisect_left, bisect_right
from itertools import compress, islice, repeat
from operator import add, and_, gt, le, ne, sub
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, cast

from ._errors import AddressError, NetworkError, shorten
from ._ip import IP
from ._keys import HI, V6_BASE
from ._net import IPInterface, IPNet
from ._desc import TypeDesc
from ._value import _Value
from ._range import RANGE_PATTERN, IPRange, _addr_key, _bounds, _cover, _ips, _net_bounds, _str_bounds
from ._range import _from_keys as _range_from_keys

if TYPE_CHECKING:
    import netaddr

__all__ = ["IPSet", "collapse_addresses", "summarize_address_range"]

_new = object.__new__
_TOP = HI[6]  # the highest key; complements are taken over 0.._TOP
_V4_TOP = (1 << 32) - 1
_V6_TOP = (1 << 128) - 1
_SINGLE = (
    str, IP, IPNet, IPRange, IPInterface,
    ipaddress.IPv4Address, ipaddress.IPv6Address, ipaddress.IPv4Network, ipaddress.IPv6Network,
)

Intervals = tuple[list[int], list[int]]


# -- interval algebra on (starts, ends) lists ------------------------------------------
def _cut(starts: list[int], ends: list[int]) -> Intervals:
    """Merge intervals given as sorted starts and sorted ends (paired by rank)."""
    if len(starts) < 2:
        return list(starts), list(ends)
    rest = starts[1:]
    gaps = list(map(gt, rest, map(add, ends, repeat(1))))  # a gap follows interval i
    lo = [starts[0]]
    lo += compress(rest, gaps)
    hi = list(compress(ends, gaps))
    hi.append(ends[-1])
    return lo, hi


def _merge(starts: list[int], ends: list[int], points: list[int]) -> Intervals:
    """Normalise arbitrary intervals plus single points (lists are consumed)."""
    if points:
        if not starts:
            points.sort()
            return _cut(points, points)
        starts += points
        ends += points
    starts.sort()
    ends.sort()
    return _cut(starts, ends)


def _union(a: Intervals, b: Intervals) -> Intervals:
    if not a[0]:
        return b
    if not b[0]:
        return a
    starts = a[0] + b[0]
    starts.sort()  # two sorted runs: a linear merge
    ends = a[1] + b[1]
    ends.sort()
    return _cut(starts, ends)


def _intersection(a: Intervals, b: Intervals) -> Intervals:
    """Where two normalised sets overlap, ranked intervals i and i+1 overlap on
    ``starts[i+1]..ends[i]``; no point is covered three times, so that is all of it."""
    if not a[0] or not b[0]:
        return [], []
    starts = a[0] + b[0]
    starts.sort()
    ends = a[1] + b[1]
    ends.sort()
    rest = starts[1:]
    overlap = list(map(le, rest, ends))
    return list(compress(rest, overlap)), list(compress(ends, overlap))


def _complement(a: Intervals) -> Intervals:
    """Every key of ``0.._TOP`` not in ``a`` (includes the unused keys between families)."""
    lo, hi = a
    if not lo:
        return [0], [_TOP]
    starts = [0]
    starts += map(add, hi, repeat(1))
    ends = list(map(sub, lo, repeat(1)))
    ends.append(_TOP)
    if lo[0] == 0:
        del starts[0], ends[0]
    if hi[-1] == _TOP:
        del starts[-1], ends[-1]
    return starts, ends


def _difference(a: Intervals, b: Intervals) -> Intervals:
    if not a[0] or not b[0]:
        return a
    return _intersection(a, _complement(b))


def _symmetric_difference(a: Intervals, b: Intervals) -> Intervals:
    """Half-open boundaries flip membership; where both sets flip at one key, the flips
    cancel. Each set's boundaries are strictly increasing, so a key shows up at most twice."""
    if not a[0]:
        return b
    if not b[0]:
        return a
    flips = _boundaries(a) + _boundaries(b)
    flips.sort()
    after: list[int | None] = [*flips[1:], None]
    before: list[int | None] = [None, *flips]
    keep = list(map(and_, map(ne, flips, after), map(ne, flips, before)))
    flips = list(compress(flips, keep))
    return flips[::2], list(map(sub, flips[1::2], repeat(1)))


def _boundaries(a: Intervals) -> list[int]:
    lo, hi = a
    out = [0] * (2 * len(lo))
    out[::2] = lo
    out[1::2] = map(add, hi, repeat(1))
    return out


# -- conversion of items ---------------------------------------------------------------
def _is_single(items: Any) -> bool:
    """True for one value that must not be iterated (strings, networks, ranges...)."""
    if isinstance(items, _SINGLE):
        return True
    netaddr = sys.modules.get("netaddr")
    return netaddr is not None and isinstance(items, (netaddr.IPAddress, netaddr.IPNetwork, netaddr.IPRange))


def _netaddr_set_keys(value: Any) -> Intervals | None:
    netaddr = sys.modules.get("netaddr")
    if netaddr is None or not isinstance(value, netaddr.IPSet):
        return None
    lo: list[int] = []
    hi: list[int] = []
    for r in value.iter_ipranges():
        base = V6_BASE if r.version == 6 else 0
        lo.append(base + r.first)
        hi.append(base + r.last)
    return lo, hi  # netaddr keeps IPv4 before IPv6 and merges ranges


def _intervals(items: Any) -> Intervals:
    """Normalised intervals of one item or an iterable of items: O(N log N)."""
    if isinstance(items, IPSet):
        return items._lo, items._hi
    keys = _netaddr_set_keys(items)
    if keys is not None:
        return keys
    if _is_single(items):
        items = (items,)
    elif not hasattr(items, "__iter__"):
        raise TypeError(f"IPSet takes an iterable of addresses, networks, ranges or strings, not {shorten(items)}")
    starts: list[int] = []
    ends: list[int] = []
    points: list[int] = []
    start, end, point = starts.append, ends.append, points.append
    for item in items:
        t = type(item)
        if t is str:
            if "/" in item:
                a, b = _net_bounds(item)
            elif "-" in item:
                a, b = _str_bounds(item)
            else:
                point(_addr_key(item))
                continue
        elif t is IP:
            point(item._int + V6_BASE if item._ver == 6 else item._int)
            continue
        elif t is IPNet:
            if item._ver == 4:
                a = item._int
                b = a | (_V4_TOP >> item._plen)
            else:
                a = V6_BASE + item._int
                b = a | (_V6_TOP >> item._plen)
        elif isinstance(item, IPSet):
            starts += item._lo
            ends += item._hi
            continue
        else:
            keys = _netaddr_set_keys(item)
            if keys is not None:
                starts += keys[0]
                ends += keys[1]
                continue
            a, b = _bounds(item)
        start(a)
        end(b)
    return _merge(starts, ends, points)


def _make_set(lo: list[int], hi: list[int]) -> IPSet:
    s = _new(IPSet)
    s._lo = lo
    s._hi = hi
    s._hash = None
    return s


def _coerce(value: Any) -> Intervals:
    return (value._lo, value._hi) if isinstance(value, IPSet) else _intervals(value)


def _operator(algebra: Callable[[Intervals, Intervals], Intervals]) -> Callable[[IPSet, Any], IPSet]:
    """``set <op> set`` for one function of the interval algebra (other types: NotImplemented)."""

    def op(self: IPSet, other: Any) -> IPSet:
        if not isinstance(other, IPSet):
            return cast(IPSet, NotImplemented)
        return _make_set(*algebra((self._lo, self._hi), (other._lo, other._hi)))

    return op


class IPSet(_Value):
    """An immutable set of IPv4 and IPv6 addresses: ``IPSet(["10.0.0.0/24", "10.0.1.7"])``.

    Items may be ``IP``, ``IPNet``, ``IPRange``, ``IPInterface`` (its address), other
    ``IPSet``s, stdlib or netaddr objects, and strings (address, CIDR, ``first-last``).
    """

    __slots__ = ("_lo", "_hi", "_hash")

    _lo: list[int]
    _hi: list[int]
    _hash: int | None

    def __init__(self, items: Iterable[Any] | Any = ()) -> None:
        self._lo, self._hi = _intervals(items)
        self._hash = None

    # -- shared interface (keys of netx._keys) ------------------------------------------
    @classmethod
    def _from_keys(cls, intervals: Iterable[tuple[int, int]]) -> IPSet:
        """Trusted constructor: sorted, disjoint, merged inclusive ``(start, end)`` keys."""
        lo: list[int] = []
        hi: list[int] = []
        for a, b in intervals:
            lo.append(a)
            hi.append(b)
        return _make_set(lo, hi)

    def _keys(self) -> list[tuple[int, int]]:
        """The set's inclusive ``(start, end)`` key intervals, sorted and merged."""
        return list(zip(self._lo, self._hi))

    # -- size -----------------------------------------------------------------------------
    @property
    def size(self) -> int:
        """How many addresses the set holds (exact, even for IPv6)."""
        return sum(self._hi) - sum(self._lo) + len(self._lo)

    def __len__(self) -> int:
        size = self.size
        if size > sys.maxsize:
            raise OverflowError(f"the set holds {size} addresses, more than len() can return; use .size")
        return size

    def __bool__(self) -> bool:
        return bool(self._lo)

    # -- membership ---------------------------------------------------------------------
    def __contains__(self, item: Any) -> bool:
        """True for an address, network, range, set or string (address, CIDR, ``a-b``) inside.

        As with ``IPNet``, a string that is no address is an error (a typo is not a
        silent False), and so is a value of another type (``TypeError``).
        """
        if type(item) is IP:
            key = item._int + V6_BASE if item._ver == 6 else item._int
            i = bisect_right(self._lo, key)
            return i > 0 and self._hi[i - 1] >= key
        if isinstance(item, IPSet):
            return item.issubset(self)
        a, b = _bounds(item)
        i = bisect_right(self._lo, a)
        return i > 0 and self._hi[i - 1] >= b

    def isdisjoint(self, other: Any) -> bool:
        """True if the sets share no address (``other``: anything ``IPSet()`` takes)."""
        lo, hi = _coerce(other)
        if not lo or not self._lo:
            return True
        starts = self._lo + lo
        starts.sort()
        ends = self._hi + hi
        ends.sort()
        return not any(map(le, islice(starts, 1, None), ends))

    def issubset(self, other: Any) -> bool:
        """True if every address of this set is in ``other``."""
        b = _coerce(other)
        return _union((self._lo, self._hi), b) == b

    def issuperset(self, other: Any) -> bool:
        """True if every address of ``other`` is in this set."""
        a = _coerce(other)
        return _union((self._lo, self._hi), a) == (self._lo, self._hi)

    # -- algebra --------------------------------------------------------------------------
    def union(self, *others: Any) -> IPSet:
        """Addresses in this set or any of ``others`` (each anything ``IPSet()`` takes)."""
        starts, ends = list(self._lo), list(self._hi)
        for other in others:
            lo, hi = _coerce(other)
            starts += lo
            ends += hi
        return _make_set(*_merge(starts, ends, []))

    def intersection(self, *others: Any) -> IPSet:
        """Addresses in this set and in every one of ``others``."""
        a: Intervals = (self._lo, self._hi)
        for other in others:
            a = _intersection(a, _coerce(other))
        return _make_set(*a)

    def difference(self, *others: Any) -> IPSet:
        """Addresses in this set and in none of ``others``."""
        a: Intervals = (self._lo, self._hi)
        for other in others:
            a = _difference(a, _coerce(other))
        return _make_set(*a)

    def symmetric_difference(self, other: Any) -> IPSet:
        """Addresses in exactly one of the two sets."""
        return _make_set(*_symmetric_difference((self._lo, self._hi), _coerce(other)))

    __or__ = _operator(_union)
    __and__ = _operator(_intersection)
    __sub__ = _operator(_difference)
    __xor__ = _operator(_symmetric_difference)

    # -- views ----------------------------------------------------------------------------
    def __iter__(self) -> Iterator[IP]:
        """Every address, lazily, in order (IPv4 first)."""
        for a, b in zip(self._lo, self._hi):
            yield from _ips(a, b)

    def cidrs(self) -> list[IPNet]:
        """The fewest CIDR networks that together hold exactly this set, sorted."""
        out: list[IPNet] = []
        for a, b in zip(self._lo, self._hi):
            _cover(out, a, b)
        return out

    def ranges(self) -> list[IPRange]:
        """The set as sorted, disjoint, non-adjacent ``IPRange``s."""
        return list(map(_range_from_keys, self._lo, self._hi))

    def v4(self) -> IPSet:
        """The IPv4 addresses of this set."""
        i = bisect_left(self._lo, V6_BASE)
        return self if i == len(self._lo) else _make_set(self._lo[:i], self._hi[:i])

    def v6(self) -> IPSet:
        """The IPv6 addresses of this set."""
        i = bisect_left(self._lo, V6_BASE)
        return self if i == 0 else _make_set(self._lo[i:], self._hi[i:])

    def to_netaddr(self) -> netaddr.IPSet:
        """This set as a ``netaddr.IPSet``."""
        import netaddr

        return netaddr.IPSet(c.to_netaddr() for c in self.cidrs())

    # -- text -----------------------------------------------------------------------------
    def __repr__(self) -> str:
        return f"IPSet({[str(c) for c in self.cidrs()]!r})"

    def to_json(self) -> str:
        """This set as JSON text: a list of CIDR strings, ``'["10.0.0.0/24"]'``."""
        return "[" + ",".join([f'"{c}"' for c in self.cidrs()]) + "]"

    # -- comparison -----------------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, IPSet):
            return NotImplemented
        return self._lo == other._lo and self._hi == other._hi

    def __hash__(self) -> int:
        h = self._hash
        if h is None:
            h = self._hash = hash((IPSet, tuple(self._lo), tuple(self._hi)))
        return h

    # Order is inclusion, as for built-in sets.
    def __le__(self, other: IPSet) -> bool:
        return self.issubset(other) if isinstance(other, IPSet) else NotImplemented

    def __lt__(self, other: IPSet) -> bool:
        return self != other and self.issubset(other) if isinstance(other, IPSet) else NotImplemented

    def __ge__(self, other: IPSet) -> bool:
        return self.issuperset(other) if isinstance(other, IPSet) else NotImplemented

    def __gt__(self, other: IPSet) -> bool:
        return self != other and self.issuperset(other) if isinstance(other, IPSet) else NotImplemented

    def __reduce__(self) -> tuple[Any, ...]:
        return (_make_set, (self._lo, self._hi))


def _cidr_texts(s: IPSet) -> list[str]:
    """The JSON value of a set: its minimal CIDRs as strings."""
    return [str(n) for n in s.cidrs()]


IPSet.__netx__ = TypeDesc(
    cls=IPSet, name="IP set", code="ip_set", error=NetworkError,
    accepts="an iterable of addresses, networks, ranges or strings",
    from_python=IPSet, to_json_value=_cidr_texts, from_json_value=IPSet, json_input="array",
    json_schema={
        "type": "array",
        "items": {"type": "string", "pattern": RANGE_PATTERN},
        "description": "Set of IP addresses: a list of addresses, CIDRs and first-last ranges, e.g. 10.0.0.0/24",
    },
)


# -- the stdlib's module functions, on netx values ----------------------------------------------
def collapse_addresses(items: Iterable[IP | IPNet | str | Any]) -> Iterator[IPNet]:
    """``ipaddress.collapse_addresses`` for netx values: the fewest networks covering exactly the
    given addresses and networks (netx, stdlib or strings), sorted; ``TypeError`` for a mix of
    IPv4 and IPv6, as the stdlib (use ``IPSet(items).cidrs()`` for both families at once)."""
    items = list(items)
    s = IPSet(items)
    if s._lo and s._lo[0] < V6_BASE <= s._hi[-1]:
        v4 = next(x for x in s.cidrs() if x._ver == 4)
        v6 = next(x for x in s.cidrs() if x._ver == 6)
        raise TypeError(f"{v4} and {v6} are not of the same version")
    return iter(s.cidrs())


def summarize_address_range(first: IP | str | Any, last: IP | str | Any) -> Iterator[IPNet]:
    """``ipaddress.summarize_address_range`` for netx values: the fewest networks covering
    ``first..last`` (inclusive), in order. ``TypeError`` for networks or mixed families,
    ``AddressError`` (a ``ValueError``) when ``last`` is before ``first``, as the stdlib."""
    a, b = (x if type(x) is IP else _summary_endpoint(x) for x in (first, last))
    if a._ver != b._ver:
        raise TypeError(f"{a} and {b} are not of the same version")
    if b._int < a._int:
        raise AddressError(f"last IP address must be greater than first ({b} < {a})")
    return iter(IPRange(a, b).cidrs())


def _summary_endpoint(value: Any) -> IP:
    if isinstance(value, (IPNet, IPInterface, ipaddress.IPv4Network, ipaddress.IPv6Network)):
        raise TypeError(f"summarize_address_range takes addresses, not {type(value).__name__} {value}")
    return IP(value)
