"""Pool definitions: ``PoolSpec`` (address pools) and ``SubnetSpec`` (subnet pools).

A spec is what a pool *is* — its ranges (or parent CIDRs), reserve, gateway and
strategy — validated once, immutable, and persisted by stores as ``to_json()`` text.
Both kinds share ``Spec``: the reserve, the key intervals free at creation, JSON,
equality and pickling.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING, Any, ClassVar, Iterable, Sequence

import json  # stdlib, not orjson: a short-lived process (the CNI plugin) pays for importing orjson

from .._errors import NetxError, shorten
from .._ip import IP
from .._keys import HI, LO, family_of, key_of
from .._net import IPNet
from .._range import IPRange
from .._set import IPSet
from ._coerce import Interval, as_ip, as_item, as_net, as_range, check_strategy, items_of, key_bounds
from .errors import IPAMError, NotInPool

if TYPE_CHECKING:
    import random

__all__ = ["Spec", "PoolSpec", "SubnetSpec", "spec_from_json"]

_SPEC_FORMAT = 1


def _disjoint_bounds(parsed: Sequence[Any], what: str) -> list[tuple[int, int, int]]:
    """``(first_key, last_key, index)`` of each item, sorted; overlapping items -> ``IPAMError``."""
    bounds = sorted((*key_bounds(r), i) for i, r in enumerate(parsed))
    for (_, prev_end, i), (start, _, j) in zip(bounds, bounds[1:]):
        if start <= prev_end:
            a, b = sorted((i, j))
            raise IPAMError(f"{what} {str(parsed[a])!r} and {str(parsed[b])!r} overlap")
    return bounds


def _parse_ranges(values: Any, convert: Any, what: str, empty: str) -> tuple[list[Any], list[tuple[int, int, int]]]:
    """The ranges (each through ``convert``) and their sorted disjoint bounds; none at all -> ``IPAMError(empty)``."""
    parsed = [convert(v) for v in items_of(values, what)]
    if not parsed:
        raise IPAMError(empty)
    return parsed, _disjoint_bounds(parsed, what if what != "ranges" else "pool ranges")


def _has_edges(r: IPNet | IPRange) -> bool:
    """True for an IPv4 CIDR whose network and broadcast addresses are never handed out (/0 to /30)."""
    return type(r) is IPNet and r._ver == 4 and r._plen < 31


class Spec:
    """What both pool kinds' definitions share: ranges as sorted key bounds, the reserve, the free intervals
    at creation and their size; immutable, compared and hashed by ``_fields()``, persisted as JSON."""

    __slots__ = ("reserve", "size", "families", "_free", "_starts", "_ends")

    kind: ClassVar[str]
    """What stores record to tell the kinds apart: ``"address"`` or ``"subnet"``."""
    _json_lists: ClassVar[tuple[str, ...]]  # JSON fields holding lists of strings
    _json_strings: ClassVar[tuple[str, ...]] = ()  # ... strings
    _json_optional: ClassVar[tuple[str, ...]] = ()  # ... strings or null

    reserve: tuple[IP | IPNet | IPRange, ...]
    size: int
    """Addresses that can be handed out: the ranges minus what is never handed out."""
    families: tuple[int, ...]
    _free: tuple[Interval, ...]  # key intervals free at creation
    _starts: list[int]  # range first keys, sorted
    _ends: list[int]  # ... and last keys

    def _init_bounds(self, bounds: list[tuple[int, int, int]]) -> None:
        """Set the ranges' sorted key bounds and families."""
        set_ = object.__setattr__
        set_(self, "_starts", [b[0] for b in bounds])
        set_(self, "_ends", [b[1] for b in bounds])
        set_(self, "families", tuple(sorted({family_of(b[0]) for b in bounds})))

    def _init_reserve(self, reserve: Iterable[Any], where: str) -> None:
        """Set the checked reserve (an entry outside every range -> ``NotInPool``)."""
        items = [as_item(v) for v in items_of(reserve, "reserve")]
        for item in items:
            lo, hi = key_bounds(item)
            i = bisect_right(self._starts, hi) - 1
            if i < 0 or self._ends[i] < lo:
                raise NotInPool(f"reserve entry {str(item)!r} is outside {where}", address=item)
        object.__setattr__(self, "reserve", tuple(items))

    def _init_free(self, ranges: Sequence[Any], blocked: Sequence[Any]) -> None:
        free = (IPSet(ranges) - IPSet(blocked))._keys()
        object.__setattr__(self, "_free", tuple(free))
        object.__setattr__(self, "size", sum(e - s + 1 for s, e in free))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable (cannot set {name!r})")

    def initial_free(self) -> list[Interval]:
        """Key intervals free at creation: the ranges minus what is never handed out."""
        return list(self._free)

    def _holds(self, key: int) -> bool:
        """True if ``key`` lies inside one of the ranges."""
        i = bisect_right(self._starts, key) - 1
        return i >= 0 and key <= self._ends[i]

    # -- persistence and value behaviour ---------------------------------------------
    def _fields(self) -> dict[str, Any]:  # pragma: no cover - abstract
        """The definition as JSON-ready fields (strings, lists of strings, None)."""
        raise NotImplementedError

    def to_json(self) -> str:
        """JSON text that ``from_json`` turns back into an equal spec."""
        return json.dumps({"format": _SPEC_FORMAT, **self._fields()}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def _build(cls, fields: dict[str, Any]) -> Spec:  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def from_json(cls, text: str | bytes) -> Any:
        """The spec saved by ``to_json`` (bad text -> ``IPAMError``)."""
        what = "pool" if cls.kind == "address" else "subnet pool"
        try:
            data = json.loads(text)
        except (ValueError, TypeError, RecursionError):
            raise IPAMError(f"invalid {what} spec JSON {shorten(text)}") from None
        lists, strings, optional = cls._json_lists, cls._json_strings, cls._json_optional
        ok = (
            type(data) is dict
            and data.get("format") == _SPEC_FORMAT
            and set(data) == {"format", *lists, *strings, *optional}
            and all(type(data[k]) is list and all(type(v) is str for v in data[k]) for k in lists)
            and all(type(data[k]) is str for k in strings)
            and all(data[k] is None or type(data[k]) is str for k in optional)
        )
        if not ok:
            raise IPAMError(f"invalid {what} spec JSON {shorten(text)}: not a {what} spec (format {_SPEC_FORMAT})")
        try:
            return cls._build(data)
        except IPAMError:
            raise
        except NetxError as exc:
            raise IPAMError(f"invalid {what} spec JSON {shorten(text)}: {exc}") from None

    def describe(self) -> str:
        """The definition in one line, as the CLI's arguments would give it (for messages)."""
        parts = []
        for key, value in self._fields().items():
            if isinstance(value, list):
                if value:
                    parts.append(" ".join(value) if key in ("ranges", "parents") else f"{key}={','.join(value)}")
            elif value is not None:
                parts.append(f"{key}={value}")
        return " ".join(parts)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Spec) or type(other) is not type(self):
            return NotImplemented
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self.to_json())

    def __repr__(self) -> str:
        return f"{type(self).__name__}.from_json({self.to_json()!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self).from_json, (self.to_json(),))


class PoolSpec(Spec):
    """The immutable definition of an address pool: ranges, reserve, gateway, strategy."""

    __slots__ = ("ranges", "gateway", "strategy", "_pick", "_walk")

    kind = "address"
    _json_lists = ("ranges", "reserve")
    _json_strings = ("strategy",)
    _json_optional = ("gateway",)

    ranges: tuple[IPNet | IPRange, ...]
    gateway: IP | None
    strategy: str
    _pick: dict[int, tuple[list[int], list[int]]]  # family -> (range starts, cumulative sizes)
    _walk: dict[int, tuple[Interval, ...]]  # family -> its ranges' key bounds in the order given, if not ascending

    def __init__(
        self, ranges: Iterable[Any], reserve: Iterable[Any] = (), gateway: Any = None, strategy: str = "lowest"
    ) -> None:
        parsed, bounds = _parse_ranges(
            ranges, as_range, "ranges", "a pool needs at least one range (a CIDR like '10.0.0.0/24' or 'first-last')"
        )
        set_ = object.__setattr__
        set_(self, "strategy", check_strategy(strategy))
        set_(self, "ranges", tuple(parsed))
        self._init_bounds(bounds)
        gw = None if gateway is None else as_ip(gateway)
        if gw is not None and not self._holds(key_of(gw)):
            raise NotInPool(f"gateway {str(gw)!r} is outside the pool's ranges", address=gw)
        self._init_reserve(reserve, "the pool's ranges")
        set_(self, "gateway", gw)
        # Never handed out: IPv4 network and broadcast addresses, gateway, reserve.
        edges = [ip for r in parsed if _has_edges(r) for ip in (r.first, r.last)]
        self._init_free(parsed, [*edges, *self.reserve] + ([gw] if gw is not None else []))
        # Random picks: per family, range starts and cumulative sizes (weights by range size).
        pick: dict[int, tuple[list[int], list[int]]] = {}
        for start, end, _ in bounds:
            starts, cum = pick.setdefault(family_of(start), ([], []))
            starts.append(start)
            cum.append((cum[-1] if cum else 0) + end - start + 1)
        set_(self, "_pick", pick)
        walk: dict[int, tuple[Interval, ...]] = {}
        for family in self.families:
            given = [(lo, hi, i) for lo, hi, i in bounds if family_of(lo) == family]
            if any(a[2] > b[2] for a, b in zip(given, given[1:])):  # not listed in address order
                walk[family] = tuple((lo, hi) for lo, hi, _ in sorted(given, key=lambda b: b[2]))
        set_(self, "_walk", walk)

    @classmethod
    def _build(cls, fields: dict[str, Any]) -> PoolSpec:
        return cls(fields["ranges"], fields["reserve"], fields["gateway"], fields["strategy"])

    def _fields(self) -> dict[str, Any]:
        return {
            "ranges": [str(r) for r in self.ranges],
            "reserve": [str(r) for r in self.reserve],
            "gateway": None if self.gateway is None else str(self.gateway),
            "strategy": self.strategy,
        }

    def _windows(self, family: int, last: int | None) -> list[Interval]:
        """The key windows ``round_robin`` searches, in turn, for the next free key of ``family`` after the
        cursor ``last`` (None: nothing handed out yet): from the cursor on, then wrapping to what lies before
        it. Ranges given out of address order are walked in the order given, as host-local walks a range set."""
        lo, hi = LO[family], HI[family]
        walk = self._walk.get(family)
        if walk is None:
            start = lo if last is None else last + 1
            if start > hi:
                return [(lo, hi)]
            return [(start, hi)] + ([(lo, start - 1)] if start > lo else [])
        at = None if last is None else next((i for i, (a, b) in enumerate(walk) if a <= last <= b), None)
        if at is None or last is None:  # the first range given first
            return list(walk)
        a, b = walk[at]
        return ([(last + 1, b)] if last < b else []) + [*walk[at + 1:], *walk[:at], (a, last)]

    def _random_key(self, family: int, rng: random.Random) -> int:
        """A key drawn uniformly from the ranges of ``family`` (free or not)."""
        starts, cum = self._pick[family]
        r = rng.randrange(cum[-1])
        i = bisect_right(cum, r)
        return starts[i] + r - (cum[i - 1] if i else 0)

    def _why_blocked(self, key: int) -> str:
        """Why a key inside the ranges is never handed out (for ``Reserved``)."""
        if self.gateway is not None and key == key_of(self.gateway):
            return "is the gateway"
        for r in self.ranges:
            if _has_edges(r):
                lo, hi = key_bounds(r)
                if key == lo:
                    return f"is the network address of {r}"
                if key == hi:
                    return f"is the broadcast address of {r}"
        for item in self.reserve:
            lo, hi = key_bounds(item)
            if lo <= key <= hi:
                return "is reserved" if lo == hi else f"is reserved (by {str(item)!r})"
        return "is reserved"


class SubnetSpec(Spec):
    """The immutable definition of a subnet pool: parent CIDRs and reserve."""

    __slots__ = ("parents", "_parent_plens", "_min_plen")

    kind = "subnet"
    _json_lists = ("parents", "reserve")

    parents: tuple[IPNet, ...]
    _parent_plens: list[int]  # prefix lengths of the parents, in key order
    _min_plen: dict[int, int]  # family -> shortest parent prefix

    def __init__(self, cidrs: Iterable[Any], reserve: Iterable[Any] = ()) -> None:
        parents, bounds = _parse_ranges(
            cidrs, as_net, "parent CIDRs", "a subnet pool needs at least one parent CIDR (like '10.0.0.0/16')"
        )
        set_ = object.__setattr__
        set_(self, "parents", tuple(parents))
        set_(self, "_parent_plens", [parents[b[2]]._plen for b in bounds])
        min_plen: dict[int, int] = {}
        for net in parents:
            min_plen[net._ver] = min(net._plen, min_plen.get(net._ver, 128))
        set_(self, "_min_plen", min_plen)
        self._init_bounds(bounds)
        self._init_reserve(reserve, "the parent CIDRs")
        self._init_free(parents, self.reserve)

    @classmethod
    def _build(cls, fields: dict[str, Any]) -> SubnetSpec:
        return cls(fields["parents"], fields["reserve"])

    def _fields(self) -> dict[str, Any]:
        return {"parents": [str(p) for p in self.parents], "reserve": [str(r) for r in self.reserve]}

    def _parent_of(self, lo: int, hi: int) -> int | None:
        """Index (in key order) of the parent holding keys ``lo..hi``, or None."""
        i = bisect_right(self._starts, lo) - 1
        return i if i >= 0 and hi <= self._ends[i] else None


def spec_from_json(kind: str, text: str | bytes) -> PoolSpec | SubnetSpec:
    """The spec a store recorded with its ``kind``."""
    spec: PoolSpec | SubnetSpec = SubnetSpec.from_json(text) if kind == "subnet" else PoolSpec.from_json(text)
    return spec
