"""Address pools: ``PoolSpec`` (what a pool is), ``Pool`` (the one allocation algorithm)
and ``PoolStats``.

``Pool`` is written only against the ``PoolState`` protocol (``_state.py``): free
intervals of keys, allocations and per-family round-robin cursors, every call inside
one ``with state.transaction():``. ``MemoryState`` keeps them in lists and dicts; the
SQLite and PostgreSQL stores keep them as indexed rows. Each allocation or release is
a handful of O(log n) primitives, so a /8 or an IPv6 /64 costs what a /24 costs, and
memory grows with allocations, never with the size of the pool.
"""

from __future__ import annotations

import ipaddress
import json
import random
from bisect import bisect_right
from typing import Any, Callable, Iterable, Iterator, Sequence, TypeVar

from .._errors import NetxError, shorten
from .._ip import IP, parse_ip
from .._keys import HI, LO, family_of, ip_of, key_of
from .._net import IPNet
from .._range import IPRange
from .._range import _bounds as _keys  # key bounds of an IP, IPNet or IPRange
from .._set import IPSet
from ._memory import MemoryState
from ._state import NOT_ALLOCATED, PoolState
from .errors import AlreadyAllocated, IPAMError, NotInPool, PoolExhausted, Reserved

__all__ = ["Pool", "PoolSpec", "PoolStats", "STRATEGIES"]

STRATEGIES = ("lowest", "round_robin", "random")
"""``lowest``: first free (NetBox). ``round_robin``: next free after the last handed out,
wrapping (CNI host-local). ``random``: first free at or after a random key (k8s)."""

_SPEC_FORMAT = 1
_ADDRESS_TYPES = (ipaddress.IPv4Address, ipaddress.IPv6Address)
_NETWORK_TYPES = (ipaddress.IPv4Network, ipaddress.IPv6Network)
Interval = tuple[int, int]
T = TypeVar("T")


class PoolStats:
    """Counts of a pool in addresses (exact ints, even for an IPv6 /64).

    A frozen, slotted value written out by hand rather than a dataclass: ``dataclasses``
    imports ``inspect``, which costs a short-lived process (the CNI plugin) more than its work.
    """

    __slots__ = ("size", "allocated", "free")
    __match_args__ = ("size", "allocated", "free")

    size: int
    """Addresses that can be handed out: the ranges minus network/broadcast, gateway, reserve."""
    allocated: int
    free: int

    def __init__(self, size: int, allocated: int, free: int) -> None:
        object.__setattr__(self, "size", size)
        object.__setattr__(self, "allocated", allocated)
        object.__setattr__(self, "free", free)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"PoolStats is immutable (cannot set {name!r})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"PoolStats is immutable (cannot delete {name!r})")

    def _key(self) -> tuple[int, int, int]:
        return (self.size, self.allocated, self.free)

    def __eq__(self, other: object) -> bool:
        return self._key() == other._key() if type(other) is PoolStats else NotImplemented

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"PoolStats(size={self.size}, allocated={self.allocated}, free={self.free})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (PoolStats, self._key())


# -- value parsing -------------------------------------------------------------------
def _as_ip(value: Any) -> IP:
    """An ``IP`` (zone dropped) from an ``IP``, a string or a stdlib address."""
    if type(value) is IP:
        ip = value
    elif isinstance(value, str):
        ip = parse_ip(str(value))
    else:
        ip = IP(value)  # stdlib and netaddr addresses; anything else -> TypeError
    return ip if ip._zone is None else ip.with_zone(None)


def _as_range(value: Any) -> IPNet | IPRange:
    """One pool range: a CIDR (``IPNet``) or an ``IPRange``; strings ``"a/n"``, ``"a-b"``, ``"a"``."""
    if type(value) is IPNet:
        return value.masked()
    if type(value) is IPRange:
        return value
    if isinstance(value, str):
        text = str(value)
        return IPRange(text) if "-" in text else IPNet(text)
    try:
        return IPNet(value).masked()  # stdlib and netaddr networks, one address
    except TypeError:
        return IPRange(value)  # netaddr.IPRange; anything else -> TypeError


def _as_item(value: Any) -> IP | IPNet | IPRange:
    """One ``reserve`` entry: an address, a CIDR or a range, kept as its own type."""
    if type(value) is IP:
        return _as_ip(value)
    if type(value) in (IPNet, IPRange):
        return _as_range(value)
    if isinstance(value, str):
        text = str(value)
        if "-" in text or "/" in text:
            return _as_range(text)
        return _as_ip(text)
    try:
        return _as_ip(value)
    except TypeError:
        return _as_range(value)


def _items(values: Any, what: str) -> list[Any]:
    """A list from an iterable argument; one string/address/network counts as one item."""
    if isinstance(values, (str, IP, IPNet, IPRange)) or isinstance(values, _ADDRESS_TYPES + _NETWORK_TYPES):
        return [values]
    try:
        return list(values)
    except TypeError:
        raise TypeError(f"{what} must be an iterable of addresses, networks or ranges, not {shorten(values)}") from None


def _disjoint_bounds(parsed: Sequence[Any], what: str) -> list[tuple[int, int, int]]:
    """``(first_key, last_key, index)`` of each item, sorted; overlapping items -> ``IPAMError``."""
    bounds = sorted((*_keys(r), i) for i, r in enumerate(parsed))
    for (_, prev_end, i), (start, _, j) in zip(bounds, bounds[1:]):
        if start <= prev_end:
            a, b = sorted((i, j))
            raise IPAMError(f"{what} {str(parsed[a])!r} and {str(parsed[b])!r} overlap")
    return bounds


def _reserve_items(reserve: Any, starts: list[int], ends: list[int], where: str) -> list[IP | IPNet | IPRange]:
    """Parsed ``reserve=`` entries; one that misses every interval ``starts[i]..ends[i]`` -> ``NotInPool``."""
    items = [_as_item(v) for v in _items(reserve, "reserve")]
    for item in items:
        lo, hi = _keys(item)
        i = bisect_right(starts, hi) - 1
        if i < 0 or ends[i] < lo:
            raise NotInPool(f"reserve entry {str(item)!r} is outside {where}")
    return items


def _has_edges(r: IPNet | IPRange) -> bool:
    """True for an IPv4 CIDR whose network and broadcast addresses are never handed out (/0 to /30)."""
    return type(r) is IPNet and r._ver == 4 and r._plen < 31


def _family_text(families: Sequence[int], spec: PoolSpec) -> str:
    """``"IPv4 "`` when a request was narrowed to one family of a dual-stack pool, else ``""``."""
    return f"IPv{families[0]} " if len(families) < len(spec.families) else ""


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}es"


def _spec_from_json(
    text: str | bytes, what: str, lists: tuple[str, ...], strings: tuple[str, ...], optional: tuple[str, ...],
    build: Callable[[dict[str, Any]], T],
) -> T:
    """A spec from its ``to_json`` text: format ``_SPEC_FORMAT`` with exactly these fields (lists of
    strings, strings, strings or null), built by ``build(fields)``; anything else -> ``IPAMError``."""
    try:
        data = json.loads(text)  # stdlib json: importing orjson costs a short-lived process more than this parse
    except (ValueError, TypeError):
        raise IPAMError(f"invalid {what} spec JSON {shorten(text)}") from None
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
        return build(data)
    except IPAMError:
        raise
    except NetxError as exc:
        raise IPAMError(f"invalid {what} spec JSON {shorten(text)}: {exc}") from None


# -- PoolSpec ------------------------------------------------------------------------
class PoolSpec:
    """The immutable definition of a pool: ranges, reserve, gateway, strategy.

    Validated once; stores persist it as ``to_json()`` text.
    """

    __slots__ = ("ranges", "reserve", "gateway", "strategy", "size", "families", "_free", "_starts", "_ends", "_pick")

    kind = "address"
    """What stores record to tell address pools from subnet pools (``SubnetSpec.kind`` is ``"subnet"``)."""

    ranges: tuple[IPNet | IPRange, ...]
    reserve: tuple[IP | IPNet | IPRange, ...]
    gateway: IP | None
    strategy: str
    size: int
    families: tuple[int, ...]
    _free: tuple[Interval, ...]  # key intervals free at creation
    _starts: list[int]  # range first keys, sorted
    _ends: list[int]  # ... and last keys
    _pick: dict[int, tuple[list[int], list[int]]]  # family -> (range starts, cumulative sizes)

    def __init__(
        self,
        ranges: Iterable[Any],
        reserve: Iterable[Any] = (),
        gateway: Any = None,
        strategy: str = "lowest",
    ) -> None:
        parsed = [_as_range(r) for r in _items(ranges, "ranges")]
        if not parsed:
            raise IPAMError("a pool needs at least one range (a CIDR like '10.0.0.0/24' or 'first-last')")
        bounds = _disjoint_bounds(parsed, "pool ranges")
        if not isinstance(strategy, str):
            raise TypeError(f"strategy must be a str, not {type(strategy).__name__} {shorten(strategy)}")
        if strategy not in STRATEGIES:
            raise IPAMError(f"unknown strategy {shorten(strategy)}: expected one of {', '.join(STRATEGIES)}")

        set_ = object.__setattr__
        set_(self, "ranges", tuple(parsed))
        set_(self, "strategy", str(strategy))
        set_(self, "_starts", [b[0] for b in bounds])
        set_(self, "_ends", [b[1] for b in bounds])

        gw = None if gateway is None else _as_ip(gateway)
        if gw is not None and not self._holds(key_of(gw)):
            raise NotInPool(f"gateway {str(gw)!r} is outside the pool's ranges")
        items = _reserve_items(reserve, self._starts, self._ends, "the pool's ranges")
        set_(self, "gateway", gw)
        set_(self, "reserve", tuple(items))

        # Never handed out: IPv4 network and broadcast addresses, gateway, reserve.
        edges = [ip for r in parsed if _has_edges(r) for ip in (r.first, r.last)]
        blocked = [*edges, *items] + ([gw] if gw is not None else [])
        free = (IPSet(parsed) - IPSet(blocked))._keys()
        set_(self, "_free", tuple(free))
        set_(self, "size", sum(e - s + 1 for s, e in free))
        set_(self, "families", tuple(sorted({family_of(b[0]) for b in bounds})))

        # Random picks: per family, range starts and cumulative sizes (weights by range size).
        pick: dict[int, tuple[list[int], list[int]]] = {}
        for start, end, _ in bounds:
            starts, cum = pick.setdefault(family_of(start), ([], []))
            starts.append(start)
            cum.append((cum[-1] if cum else 0) + end - start + 1)
        set_(self, "_pick", pick)

    @classmethod
    def build(
        cls, ranges: Iterable[Any], reserve: Iterable[Any] = (), gateway: Any = None, strategy: str = "lowest"
    ) -> PoolSpec:
        """Validate and build a spec (bad input -> ``IPAMError`` / ``NetxError``, wrong types -> ``TypeError``)."""
        return cls(ranges, reserve, gateway, strategy)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"PoolSpec is immutable (cannot set {name!r})")

    def initial_free(self) -> list[Interval]:
        """Key intervals free at creation: ranges minus network/broadcast, gateway, reserve."""
        return list(self._free)

    # -- queries on the spec alone (no state, no transaction) -------------------------
    def _holds(self, key: int) -> bool:
        """True if ``key`` lies inside one of the ranges."""
        i = bisect_right(self._starts, key) - 1
        return i >= 0 and key <= self._ends[i]

    def _random_key(self, family: int, rng: random.Random) -> int:
        """A key drawn uniformly from the ranges of ``family``."""
        starts, cum = self._pick[family]
        r = rng.randrange(cum[-1])
        i = bisect_right(cum, r)
        return starts[i] + r - (cum[i - 1] if i else 0)

    def _why_blocked(self, key: int) -> str:
        """Why a key inside the ranges is never handed out (for ``Reserved`` messages)."""
        if self.gateway is not None and key == key_of(self.gateway):
            return "is the gateway"
        for r in self.ranges:
            if _has_edges(r):
                lo, hi = _keys(r)
                if key == lo:
                    return f"is the network address of {r}"
                if key == hi:
                    return f"is the broadcast address of {r}"
        for item in self.reserve:
            lo, hi = _keys(item)
            if lo <= key <= hi:
                return "is reserved" if lo == hi else f"is reserved (by {str(item)!r})"
        return "is reserved"

    # -- persistence --------------------------------------------------------------
    def to_json(self) -> str:
        """JSON text that ``PoolSpec.from_json`` turns back into an equal spec."""
        return json.dumps(
            {
                "format": _SPEC_FORMAT,
                "ranges": [str(r) for r in self.ranges],
                "reserve": [str(r) for r in self.reserve],
                "gateway": None if self.gateway is None else str(self.gateway),
                "strategy": self.strategy,
            },
            sort_keys=True, separators=(",", ":"), ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> PoolSpec:
        """The spec saved by ``to_json`` (bad text -> ``IPAMError``)."""
        return _spec_from_json(
            text, "pool", ("ranges", "reserve"), ("strategy",), ("gateway",),
            lambda d: cls(d["ranges"], d["reserve"], d["gateway"], d["strategy"]),
        )

    # -- value behaviour ------------------------------------------------------------
    def _key(self) -> tuple[Any, ...]:
        return (self.ranges, self.reserve, self.gateway, self.strategy)

    def __eq__(self, other: object) -> bool:
        if type(other) is not PoolSpec:
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"PoolSpec.from_json({self.to_json()!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (PoolSpec.from_json, (self.to_json(),))


# -- free-interval steps shared by Pool and SubnetPool --------------------------------
def _carve(state: PoolState, iv: Interval, lo: int, hi: int) -> None:
    """Take keys ``lo..hi`` out of the free interval ``iv`` that holds them."""
    start, end = iv
    pieces = []
    if start < lo:
        pieces.append((start, lo - 1))
    if hi < end:
        pieces.append((hi + 1, end))
    state.free_replace(start, pieces)


def _give_back(state: PoolState, runs: Iterable[Interval]) -> None:
    """Return runs of keys to the free intervals, merging each with free neighbours."""
    for lo, hi in runs:
        left = state.free_floor(lo - 1) if lo else None  # key 0 has no left neighbour (nor a storable key -1)
        right = state.free_ceil(hi + 1)
        if right is not None and right[0] == hi + 1:
            hi = right[1]
            state.free_replace(right[0], [])
        if left is not None and left[1] == lo - 1:
            state.free_replace(left[0], [(left[0], hi)])
        else:
            state.free_replace(None, [(lo, hi)])


def _runs(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted disjoint intervals with touching neighbours joined into runs."""
    out: list[Interval] = []
    for lo, hi in intervals:
        if out and out[-1][1] == lo - 1:
            out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


def _free_at_or_after(state: PoolState, key: int, hi: int) -> tuple[int, Interval] | None:
    """The first free key ``>= key`` and ``<= hi``, with its free interval (two point queries)."""
    iv = state.free_floor(key)
    if iv is not None and iv[1] >= key:
        return key, iv
    iv = state.free_ceil(key)
    if iv is not None and iv[0] <= hi:
        return iv[0], iv
    return None


def _free_set(state: PoolState) -> IPSet:
    """The free intervals of a state as an ``IPSet`` (one consistent read)."""
    with state.transaction():
        intervals = list(state.free_iter(0))
    return IPSet._from_keys(intervals)


def _label(kind: str, items: Sequence[Any]) -> str:
    """How error messages name an unnamed pool: ``"pool 10.0.0.0/24, fd00::/64"``."""
    text = ", ".join(str(r) for r in items)
    return f"{kind} {text if len(text) <= 80 else text[:77] + '...'}"


def _check_version(version: Any) -> int:
    """``version=`` must be 4 or 6 (``IPAMError``), an int (``TypeError``)."""
    if type(version) is not int:
        raise TypeError(f"version must be 4, 6 or None, not {shorten(version)}")
    if version not in (4, 6):
        raise IPAMError(f"version must be 4 or 6, not {version!r}")
    return version


def _check_count(n: Any) -> None:
    """``n`` of ``allocate_many`` must be an int (``TypeError``) of at least 1 (``IPAMError``)."""
    if type(n) is not int:
        raise TypeError(f"n must be an int, not {shorten(n)}")
    if n < 1:
        raise IPAMError(f"n must be at least 1, not {n}")


def _check_owner(owner: Any) -> str | None:
    if owner is None or type(owner) is str:
        return owner
    if isinstance(owner, str):
        return str(owner)
    raise TypeError(f"owner must be a str or None, not {type(owner).__name__} {shorten(owner)}")


# -- Pool ----------------------------------------------------------------------------
class Pool:
    """A pool of IP addresses handed out one by one (``lowest``, ``round_robin`` or ``random``).

    Every method is one atomic transaction on the pool's state, so a pool may be shared
    between threads (and, through a store, between processes).
    """

    __slots__ = ("_spec", "_state", "_name", "_rng", "_label")

    def __init__(
        self, *ranges: Any, reserve: Iterable[Any] = (), gateway: Any = None, strategy: str = "lowest"
    ) -> None:
        spec = PoolSpec(ranges, reserve, gateway, strategy)
        self._bind(spec, MemoryState(spec.initial_free()), None)

    @classmethod
    def _attach(cls, spec: PoolSpec, state: PoolState, name: str | None = None) -> Pool:
        """The pool algorithm bound to any ``PoolState`` (how stores build their pools)."""
        pool = object.__new__(cls)
        pool._bind(spec, state, name)
        return pool

    def _bind(self, spec: PoolSpec, state: PoolState, name: str | None) -> None:
        self._spec = spec
        self._state = state
        self._name = name
        self._rng = random.Random()
        self._label = f"pool {name!r}" if name is not None else _label("pool", spec.ranges)

    # -- description ----------------------------------------------------------------
    @property
    def name(self) -> str | None:
        """The store's name for the pool; None for an in-memory ``Pool(...)``."""
        return self._name

    @property
    def spec(self) -> PoolSpec:
        return self._spec

    @property
    def ranges(self) -> tuple[IPNet | IPRange, ...]:
        return self._spec.ranges

    @property
    def reserve(self) -> tuple[IP | IPNet | IPRange, ...]:
        return self._spec.reserve

    @property
    def gateway(self) -> IP | None:
        return self._spec.gateway

    @property
    def strategy(self) -> str:
        return self._spec.strategy

    def __repr__(self) -> str:
        spec = self._spec
        parts = [repr(str(r)) for r in spec.ranges]
        if spec.reserve:
            parts.append(f"reserve={tuple(str(r) for r in spec.reserve)!r}")
        if spec.gateway is not None:
            parts.append(f"gateway={str(spec.gateway)!r}")
        if spec.strategy != "lowest":
            parts.append(f"strategy={spec.strategy!r}")
        if self._name is not None:
            parts.insert(0, f"name={self._name!r}")
        return f"Pool({', '.join(parts)})"

    def __contains__(self, item: Any) -> bool:
        """True for an address inside the pool's ranges (reserved ones included).

        A string that is no address is an error (as with ``IPNet``), not a silent False.
        """
        return self._spec._holds(key_of(_as_ip(item)))

    # -- allocation -------------------------------------------------------------------
    def _families(self, version: Any) -> tuple[int, ...]:
        if version is None:
            return self._spec.families
        if _check_version(version) not in self._spec.families:
            raise NotInPool(f"{self._label} has no IPv{version} range")
        return (version,)

    def _exhausted(self, families: Sequence[int]) -> PoolExhausted:
        return PoolExhausted(f"{self._label} has no free {_family_text(families, self._spec)}address")

    def _take_one(self, families: Sequence[int]) -> int | None:
        """Pick one free key by the pool's strategy, take it out of the free intervals."""
        state = self._state
        strategy = self._spec.strategy
        if strategy == "lowest":
            iv = state.free_ceil(LO[families[0]])
            if iv is None or iv[0] > HI[families[-1]]:
                return None
            _carve(state, iv, iv[0], iv[0])
            return iv[0]
        for family in families:  # IPv4 while any is free, then IPv6
            lo, hi = LO[family], HI[family]
            if strategy == "round_robin":
                last = state.cursor(family)
                start = lo if last is None else last + 1
            else:
                start = self._spec._random_key(family, self._rng)
            found = _free_at_or_after(state, start, hi) if start <= hi else None
            if found is None and start > lo:  # wrap around
                found = _free_at_or_after(state, lo, hi)
            if found is not None:
                key, iv = found
                _carve(state, iv, key, key)
                if strategy == "round_robin":
                    state.set_cursor(key)
                return key
        return None

    def allocate(self, owner: str | None = None, *, ip: Any = None, version: int | None = None) -> IP:
        """Hand out one free address (or exactly ``ip``) to ``owner``.

        ``version=4``/``6`` picks the family of a dual-stack pool; without it IPv4 is
        handed out while any is free, then IPv6.
        """
        owner = _check_owner(owner)
        if ip is not None:
            return self._allocate_ip(_as_ip(ip), owner, version)
        families = self._families(version)
        state = self._state
        with state.transaction():
            key = self._take_one(families)
            if key is None:
                raise self._exhausted(families)
            state.alloc_put([(key, owner)])
        return ip_of(key)

    def _allocate_ip(self, ip: IP, owner: str | None, version: Any) -> IP:
        if version is not None:
            self._families(version)
            if ip._ver != version:
                raise IPAMError(f"{str(ip)!r} is not an IPv{version} address")
        key = key_of(ip)
        if not self._spec._holds(key):
            raise NotInPool(f"{str(ip)!r} is not in {self._label}")
        state = self._state
        with state.transaction():
            iv = state.free_floor(key)
            if iv is not None and iv[1] >= key:
                _carve(state, iv, key, key)
                state.alloc_put([(key, owner)])
                if self._spec.strategy == "round_robin":
                    state.set_cursor(key)
                return ip
            holder = state.alloc_get(key)
        if holder is not NOT_ALLOCATED:
            raise AlreadyAllocated(f"{str(ip)!r} is already allocated in {self._label} (owner {holder!r})")
        raise Reserved(f"{str(ip)!r} {self._spec._why_blocked(key)} in {self._label}")

    def allocate_many(self, n: int, owner: str | None = None, *, version: int | None = None) -> list[IP]:
        """Hand out ``n`` addresses to ``owner`` at once: all of them, or none (``PoolExhausted``)."""
        _check_count(n)
        owner = _check_owner(owner)
        families = self._families(version)
        state = self._state
        with state.transaction():
            keys = self._take_random(families, n) if self._spec.strategy == "random" else self._take_runs(families, n)
            state.alloc_put([(key, owner) for key in keys])
        return [ip_of(key) for key in keys]

    def _too_few(self, families: Sequence[int], free: int, n: int) -> PoolExhausted:
        what = f"free {_family_text(families, self._spec)}address"
        return PoolExhausted(f"{self._label} has {_plural(free, what)}, {n} requested")

    def _count_free(self, families: Sequence[int], n: int) -> int:
        """Free keys in ``families``, counting stops at ``n`` (so it is O(n) at worst)."""
        total = 0
        for family in families:
            hi = HI[family]
            for start, end in self._state.free_iter(LO[family]):
                if start > hi:
                    break
                total += end - start + 1
                if total >= n:
                    return total
        return total

    def _take_random(self, families: Sequence[int], n: int) -> list[int]:
        """``n`` keys picked one by one by the ``random`` strategy; fewer free -> ``PoolExhausted``, nothing taken."""
        free = self._count_free(families, n)
        if free < n:
            raise self._too_few(families, free, n)
        keys = []
        for _ in range(n):
            key = self._take_one(families)
            if key is None:  # counted free above: only an inconsistent state gets here
                raise self._exhausted(families)
            keys.append(key)
        return keys

    def _take_runs(self, families: Sequence[int], n: int) -> list[int]:
        """``n`` keys in ``lowest`` / ``round_robin`` order, taken run by run; fewer free -> ``PoolExhausted``.

        The plan reads each free interval once: when it falls short it has seen every free key
        of ``families``, so it counts them too, and nothing was changed yet."""
        state = self._state
        round_robin = self._spec.strategy == "round_robin"
        plan: list[Interval] = []
        cursors: list[int] = []
        need = n
        for family in families:
            lo, hi = LO[family], HI[family]
            last = state.cursor(family) if round_robin else None
            start = lo if last is None else last + 1
            before = len(plan)
            if start <= hi:
                for a, b in state.free_iter(start):
                    if a > hi:
                        break
                    a = max(a, start)
                    b = min(b, a + need - 1)
                    plan.append((a, b))
                    need -= b - a + 1
                    if not need:
                        break
            if start > lo and need:  # wrap around to the keys before the cursor
                for a, b in state.free_iter(lo):
                    if a >= start:
                        break
                    b = min(b, start - 1, a + need - 1)
                    plan.append((a, b))
                    need -= b - a + 1
                    if not need:
                        break
            if round_robin and len(plan) > before:
                cursors.append(plan[-1][1])
            if not need:
                break
        if need:
            raise self._too_few(families, n - need, n)
        for key in cursors:
            state.set_cursor(key)
        for a, b in plan:
            iv = state.free_floor(a)  # earlier pieces may have split the interval: look it up again
            if iv is None:  # planned from the free intervals: only an inconsistent state gets here
                raise IPAMError(f"{self._label}: no free interval holds key {a} (pool state inconsistent)")
            _carve(state, iv, a, b)
        return [key for a, b in plan for key in range(a, b + 1)]

    # -- release ----------------------------------------------------------------------
    def release(self, ip: Any) -> bool:
        """Give an address back; False when it was not allocated (or is not in the pool)."""
        key = key_of(_as_ip(ip))
        if not self._spec._holds(key):
            return False
        state = self._state
        with state.transaction():
            if state.alloc_get(key) is NOT_ALLOCATED:
                return False
            state.alloc_del([key])
            _give_back(state, [(key, key)])
        return True

    def release_owner(self, owner: str | None) -> list[IP]:
        """Give back every address of ``owner``; returns them, sorted."""
        owner = _check_owner(owner)
        state = self._state
        with state.transaction():
            keys = state.alloc_of(owner)
            if keys:
                state.alloc_del(keys)
                _give_back(state, _runs((key, key) for key in keys))
        return [ip_of(key) for key in keys]

    # -- queries ------------------------------------------------------------------------
    def owner_of(self, ip: Any) -> str | None:
        """The owner of an allocated address; None if it is not allocated (see ``is_allocated``)."""
        key = key_of(_as_ip(ip))
        if not self._spec._holds(key):
            return None
        with self._state.transaction():
            owner = self._state.alloc_get(key)
        return None if owner is NOT_ALLOCATED else owner

    def is_allocated(self, ip: Any) -> bool:
        """True if the address is handed out."""
        key = key_of(_as_ip(ip))
        if not self._spec._holds(key):
            return False
        with self._state.transaction():
            return self._state.alloc_get(key) is not NOT_ALLOCATED

    def addresses_of(self, owner: str | None) -> list[IP]:
        """The addresses allocated to ``owner``, sorted."""
        owner = _check_owner(owner)
        with self._state.transaction():
            keys = self._state.alloc_of(owner)
        return [ip_of(key) for key in keys]

    def allocations(self) -> Iterator[tuple[IP, str | None]]:
        """``(address, owner)`` for every allocation, in address order (a consistent snapshot)."""
        with self._state.transaction():
            items = list(self._state.alloc_iter())
        return ((ip_of(key), owner) for key, owner in items)

    def free_set(self) -> IPSet:
        """The addresses that can still be handed out, as an ``IPSet``."""
        return _free_set(self._state)

    def stats(self) -> PoolStats:
        """``PoolStats(size, allocated, free)`` — exact, without touching the free intervals."""
        with self._state.transaction():
            allocated = self._state.alloc_count()
        size = self._spec.size
        return PoolStats(size, allocated, size - allocated)

