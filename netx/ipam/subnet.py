"""``SubnetPool``: carve aligned subnets out of parent CIDRs — k8s node CIDRs, Calico
/26 blocks, NetBox available-prefixes.

It is written, like ``Pool``, only against the ``PoolState`` protocol (``_state.py``), so
the same algorithm runs in memory and on every store: a subnet is one allocation of
the block's keys ``start..last``. A request scans the free intervals of the parents
from the lowest key, aligns each start up to the block size and takes the first block
that fits. No step iterates over subnets, so carving /64s out of a /32 is as quick as
/26s out of a /16.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any, Iterable, Iterator

import json

from .._errors import shorten
from .._ip import IP
from .._keys import family_of, ip_of
from .._net import IPNet, _make_net
from .._range import IPRange
from .._range import _bounds as _keys  # key bounds of an IP, IPNet or IPRange
from .._set import IPSet
from ._memory import MemoryState
from ._state import PoolState
from .errors import AlreadyAllocated, IPAMError, NotInPool, PoolExhausted, Reserved
from .pool import (
    _ADDRESS_TYPES, _SPEC_FORMAT, Interval, PoolStats, _as_ip, _carve, _check_count, _check_owner, _check_version,
    _disjoint_bounds, _free_set, _give_back, _items, _label, _reserve_items, _runs, _spec_from_json,
)

__all__ = ["SubnetPool", "SubnetSpec"]

_BITS = {4: 32, 6: 128}


def _as_net(value: Any) -> IPNet:
    """A CIDR (strict: host bits are an error), zone dropped."""
    return (value if type(value) is IPNet else IPNet(value)).masked()


def _span(item: Any) -> Interval:
    """Key bounds of an address or a network (strings: with a ``/`` a network)."""
    if type(item) is IP or isinstance(item, _ADDRESS_TYPES) or (isinstance(item, str) and "/" not in item):
        return _keys(_as_ip(item))
    return _keys(_as_net(item))


def _net_at(start: int, prefixlen: int) -> IPNet:
    """The network of ``prefixlen`` bits whose first key is ``start``."""
    ip = ip_of(start)
    return _make_net(ip._int, prefixlen, ip._ver)


def _net_of(start: int, last: int) -> IPNet:
    """The network whose keys are ``start..last`` (an aligned block)."""
    return _net_at(start, _BITS[family_of(start)] + 1 - (last - start + 1).bit_length())


def _check_prefixlen(prefixlen: Any) -> int:
    """``prefixlen`` must be an int (``TypeError``); whether a parent can hold it is checked by the pool."""
    if type(prefixlen) is not int:
        raise TypeError(f"prefixlen must be an int, not {shorten(prefixlen)}")
    return prefixlen


class SubnetSpec:
    """The immutable definition of a subnet pool: parent CIDRs and reserve; stores persist ``to_json()``."""

    __slots__ = ("parents", "reserve", "size", "_free", "_starts", "_ends", "_parent_plens", "_min_plen")

    kind = "subnet"
    """What stores record to tell subnet pools from address pools (``PoolSpec.kind`` is ``"address"``)."""

    parents: tuple[IPNet, ...]
    reserve: tuple[IP | IPNet | IPRange, ...]
    size: int
    _free: tuple[Interval, ...]
    _starts: list[int]  # parent first keys, sorted
    _ends: list[int]  # ... and last keys
    _parent_plens: list[int]  # ... and prefix lengths
    _min_plen: dict[int, int]  # family -> shortest parent prefix

    def __init__(self, cidrs: Iterable[Any], reserve: Iterable[Any] = ()) -> None:
        parents = [_as_net(c) for c in _items(cidrs, "parent CIDRs")]
        if not parents:
            raise IPAMError("a subnet pool needs at least one parent CIDR (like '10.0.0.0/16')")
        bounds = _disjoint_bounds(parents, "parent CIDRs")
        set_ = object.__setattr__
        set_(self, "parents", tuple(parents))
        set_(self, "_starts", [b[0] for b in bounds])
        set_(self, "_ends", [b[1] for b in bounds])
        set_(self, "_parent_plens", [parents[b[2]]._plen for b in bounds])
        min_plen: dict[int, int] = {}  # family -> shortest parent prefix
        for net in parents:
            min_plen[net._ver] = min(net._plen, min_plen.get(net._ver, 128))
        set_(self, "_min_plen", min_plen)
        items = _reserve_items(reserve, self._starts, self._ends, "the parent CIDRs")
        set_(self, "reserve", tuple(items))
        free = (IPSet(parents) - IPSet(items))._keys()
        set_(self, "_free", tuple(free))
        set_(self, "size", sum(e - s + 1 for s, e in free))

    @classmethod
    def build(cls, cidrs: Iterable[Any], reserve: Iterable[Any] = ()) -> SubnetSpec:
        """Validate and build a spec (bad input -> ``IPAMError`` / ``NetxError``, wrong types -> ``TypeError``)."""
        return cls(cidrs, reserve)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"SubnetSpec is immutable (cannot set {name!r})")

    def initial_free(self) -> list[Interval]:
        """Key intervals free at creation: the parents minus the reserve."""
        return list(self._free)

    def to_json(self) -> str:
        """JSON text that ``SubnetSpec.from_json`` turns back into an equal spec."""
        return json.dumps(  # stdlib json, as PoolSpec: no orjson import on the store's path
            {
                "format": _SPEC_FORMAT,
                "parents": [str(p) for p in self.parents],
                "reserve": [str(r) for r in self.reserve],
            },
            sort_keys=True, separators=(",", ":"), ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> SubnetSpec:
        """The spec saved by ``to_json`` (bad text -> ``IPAMError``)."""
        return _spec_from_json(
            text, "subnet pool", ("parents", "reserve"), (), (), lambda d: cls(d["parents"], d["reserve"])
        )

    def _parent_of(self, lo: int, hi: int) -> int | None:
        """Index (in key order) of the parent holding keys ``lo..hi``, or None."""
        i = bisect_right(self._starts, lo) - 1
        return i if i >= 0 and hi <= self._ends[i] else None

    def __eq__(self, other: object) -> bool:
        if type(other) is not SubnetSpec:
            return NotImplemented
        return (self.parents, self.reserve) == (other.parents, other.reserve)

    def __hash__(self) -> int:
        return hash((self.parents, self.reserve))

    def __repr__(self) -> str:
        return f"SubnetSpec.from_json({self.to_json()!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (SubnetSpec.from_json, (self.to_json(),))


class SubnetPool:
    """Aligned subnets carved from parent CIDRs, lowest aligned free block first.

    ``allocate(24)`` hands out the lowest free /24 of a parent at least that big;
    ``stats()`` counts addresses. Every method is one transaction on the pool's state,
    so a pool may be shared between threads (and, through a store, between processes).
    """

    __slots__ = ("_spec", "_state", "_name", "_label")

    def __init__(self, *cidrs: Any, reserve: Iterable[Any] = ()) -> None:
        spec = SubnetSpec(cidrs, reserve)
        self._bind(spec, MemoryState(spec.initial_free()), None)

    @classmethod
    def _attach(cls, spec: SubnetSpec, state: PoolState, name: str | None = None) -> SubnetPool:
        """The subnet algorithm bound to any ``PoolState`` (how stores build their subnet pools)."""
        pool = object.__new__(cls)
        pool._bind(spec, state, name)
        return pool

    def _bind(self, spec: SubnetSpec, state: PoolState, name: str | None) -> None:
        self._spec = spec
        self._state = state
        self._name = name
        self._label = f"subnet pool {name!r}" if name is not None else _label("subnet pool", spec.parents)

    # -- description ----------------------------------------------------------------
    @property
    def name(self) -> str | None:
        """The store's name for the pool; None for an in-memory ``SubnetPool(...)``."""
        return self._name

    @property
    def spec(self) -> SubnetSpec:
        return self._spec

    @property
    def parents(self) -> tuple[IPNet, ...]:
        """The parent CIDRs, as given."""
        return self._spec.parents

    @property
    def reserve(self) -> tuple[IP | IPNet | IPRange, ...]:
        return self._spec.reserve

    def __repr__(self) -> str:
        parts = [repr(str(p)) for p in self._spec.parents]
        if self._spec.reserve:
            parts.append(f"reserve={tuple(str(r) for r in self._spec.reserve)!r}")
        if self._name is not None:
            parts.insert(0, f"name={self._name!r}")
        return f"SubnetPool({', '.join(parts)})"

    def __contains__(self, item: Any) -> bool:
        """True for an address or a network inside one parent CIDR (bad input is an error, as with ``IPNet``)."""
        lo, hi = _span(item)
        return self._spec._parent_of(lo, hi) is not None

    # -- allocation -------------------------------------------------------------------
    def _families(self, prefixlen: int, version: Any) -> list[int]:
        """Families whose parents can hold a /prefixlen (IPv4 first)."""
        min_plen = self._spec._min_plen
        if version is not None:
            if _check_version(version) not in min_plen:
                raise NotInPool(f"{self._label} has no IPv{version} parent")
        fits = [
            family for family, shortest in sorted(min_plen.items())
            if version in (None, family) and shortest <= prefixlen <= _BITS[family]
        ]
        if not fits:
            raise IPAMError(
                f"no parent of {self._label} can hold a /{prefixlen}: a prefix length must be at least "
                f"the parent's and at most 32 (IPv4) or 128 (IPv6)"
            )
        return fits

    def _lowest_block(self, family: int, prefixlen: int) -> tuple[int, Interval] | None:
        """The lowest aligned free block of /prefixlen in a parent of ``family``, with its free interval."""
        state, spec = self._state, self._spec
        size = 1 << (_BITS[family] - prefixlen)
        for i, parent_lo in enumerate(spec._starts):
            if family_of(parent_lo) != family or spec._parent_plens[i] > prefixlen:
                continue
            parent_hi = spec._ends[i]
            for a, b in state.free_iter(parent_lo):
                if a > parent_hi:
                    break
                start = -(-max(a, parent_lo) // size) * size  # keys of both families align like addresses
                if start + size - 1 <= min(b, parent_hi):
                    return start, (a, b)
        return None

    def allocate(
        self, prefixlen: int | None = None, owner: str | None = None, *, subnet: Any = None, version: int | None = None
    ) -> IPNet:
        """Hand out the lowest free aligned /prefixlen (or exactly ``subnet``) to ``owner``."""
        owner = _check_owner(owner)
        if subnet is not None:
            net = _as_net(subnet)
            if prefixlen is not None and _check_prefixlen(prefixlen) != net._plen:
                raise IPAMError(f"subnet {str(net)!r} is not a /{prefixlen}")
            if version is not None and _check_version(version) != net._ver:
                raise IPAMError(f"subnet {str(net)!r} is not IPv{version}")
            return self._allocate_subnet(net, owner)
        if prefixlen is None:
            raise TypeError("allocate() needs a prefix length or subnet=")
        families = self._families(_check_prefixlen(prefixlen), version)
        with self._state.transaction():
            taken = self._take_lowest(families, prefixlen, owner)
        if taken is None:
            raise PoolExhausted(f"{self._label} has no free /{prefixlen}")
        return taken

    def allocate_many(
        self, n: int, prefixlen: int, owner: str | None = None, *, version: int | None = None
    ) -> list[IPNet]:
        """Hand out ``n`` subnets of /prefixlen to ``owner`` at once: all of them, or none (``PoolExhausted``)."""
        _check_count(n)
        owner = _check_owner(owner)
        families = self._families(_check_prefixlen(prefixlen), version)
        nets: list[IPNet] = []
        with self._state.transaction():  # one transaction: an exhausted pool undoes the ones taken
            for _ in range(n):
                net = self._take_lowest(families, prefixlen, owner)
                if net is None:
                    raise PoolExhausted(f"{self._label} has {len(nets)} free /{prefixlen}, {n} requested")
                nets.append(net)
        return nets

    def _take_lowest(self, families: list[int], prefixlen: int, owner: str | None) -> IPNet | None:
        """Hand out the lowest free aligned /prefixlen of ``families`` (IPv4 first), or None (in a transaction)."""
        for family in families:
            found = self._lowest_block(family, prefixlen)
            if found is not None:
                start, iv = found
                self._record(start, prefixlen, owner, iv)
                return _net_at(start, prefixlen)
        return None

    def _allocate_subnet(self, net: IPNet, owner: str | None) -> IPNet:
        lo, hi = _keys(net)
        if self._spec._parent_of(lo, hi) is None:
            raise NotInPool(f"{str(net)!r} is not inside {self._label}")
        state = self._state
        with state.transaction():
            iv = state.free_floor(lo)
            if iv is not None and iv[1] >= hi:
                self._record(lo, net._plen, owner, iv)
                return net
            hit = state.alloc_floor(hi)  # allocations are disjoint: only this one can overlap lo..hi
            if hit is not None and hit[1] >= lo:
                raise AlreadyAllocated(
                    f"{str(net)!r} overlaps {str(_net_of(hit[0], hit[1]))!r}, already allocated in {self._label} "
                    f"(owner {hit[2]!r})"
                )
        raise Reserved(f"{str(net)!r} overlaps a reserved address of {self._label}")

    def _record(self, start: int, prefixlen: int, owner: str | None, iv: Interval) -> None:
        last = start + (1 << (_BITS[family_of(start)] - prefixlen)) - 1
        _carve(self._state, iv, start, last)
        self._state.alloc_put([(start, owner, last)])

    # -- release ----------------------------------------------------------------------
    def release(self, subnet: Any) -> bool:
        """Give back an allocated subnet (exactly as handed out); False if it was not allocated."""
        lo, hi = _keys(_as_net(subnet))
        state = self._state
        with state.transaction():
            hit = state.alloc_floor(lo)
            if hit is None or hit[0] != lo or hit[1] != hi:
                return False
            state.alloc_del([(lo, hi)])
            _give_back(state, [(lo, hi)])
        return True

    def release_owner(self, owner: str | None) -> list[IPNet]:
        """Give back every subnet of ``owner``; returns them, sorted."""
        owner = _check_owner(owner)
        state = self._state
        with state.transaction():
            spans = state.alloc_spans_of(owner)
            if spans:
                state.alloc_del(spans)
                _give_back(state, _runs(spans))
        return [_net_of(s, e) for s, e in spans]

    # -- queries ------------------------------------------------------------------------
    def _holding(self, item: Any) -> tuple[int, int, str | None] | None:
        """The allocation ``(start, last, owner)`` holding an address or network, or None (in a transaction)."""
        lo, hi = _span(item)
        hit = self._state.alloc_floor(lo)
        return hit if hit is not None and hi <= hit[1] else None

    def owner_of(self, item: Any) -> str | None:
        """The owner of the allocated subnet holding ``item`` (an address or a network); else None."""
        with self._state.transaction():
            hit = self._holding(item)
        return None if hit is None else hit[2]

    def subnet_of(self, item: Any) -> IPNet | None:
        """The allocated subnet holding an address or network, or None."""
        with self._state.transaction():
            hit = self._holding(item)
        return None if hit is None else _net_of(hit[0], hit[1])

    def subnets_of(self, owner: str | None) -> list[IPNet]:
        """The subnets allocated to ``owner``, sorted."""
        owner = _check_owner(owner)
        with self._state.transaction():
            spans = self._state.alloc_spans_of(owner)
        return [_net_of(s, e) for s, e in spans]

    def allocations(self) -> Iterator[tuple[IPNet, str | None]]:
        """``(subnet, owner)`` for every allocation, in address order (a consistent snapshot)."""
        with self._state.transaction():
            items = list(self._state.alloc_span_iter())
        return ((_net_of(s, e), owner) for s, e, owner in items)

    def free_set(self) -> IPSet:
        """The addresses not handed out (nor reserved), as an ``IPSet``."""
        return _free_set(self._state)

    def stats(self) -> PoolStats:
        """``PoolStats(size, allocated, free)`` counted in addresses."""
        with self._state.transaction():
            allocated = self._state.alloc_keys()
        size = self._spec.size
        return PoolStats(size, allocated, size - allocated)
