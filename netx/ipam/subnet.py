"""``SubnetPool``: carve aligned subnets out of parent CIDRs — k8s node CIDRs, Calico
/26 blocks, NetBox available-prefixes.

It runs on the same free-interval state as ``Pool`` (``MemoryState``) and the same
carve/merge steps; a request scans the free intervals of the parents from the lowest
key, aligns each start up to the block size and takes the first block that fits. No
step iterates over subnets, so carving /64s out of a /32 is as quick as /26s out of a /16.
"""

from __future__ import annotations

from bisect import bisect_right, insort
from typing import Any, Iterable, Iterator

from .._errors import shorten
from .._ip import IP
from .._keys import family_of, ip_of
from .._net import IPNet, _make_net
from .._range import IPRange
from .._set import IPSet
from ._memory import MemoryState
from .errors import AlreadyAllocated, IPAMError, NotInPool, PoolExhausted, Reserved
from .pool import (
    _ADDRESS_TYPES, Interval, PoolStats, _as_ip, _carve, _check_owner, _check_version, _disjoint_bounds, _free_set,
    _give_back, _keys, _label, _reserve_items, _runs,
)

__all__ = ["SubnetPool"]

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


class SubnetPool:
    """Aligned subnets carved from parent CIDRs, lowest aligned free block first.

    ``allocate(24)`` hands out the lowest free /24 of a parent at least that big;
    ``stats()`` counts addresses. Thread-safe: each method is one transaction.
    """

    __slots__ = (
        "_parents", "_reserve", "_state", "_starts", "_ends", "_parent_plens", "_min_plen",
        "_plens", "_blocks", "_size", "_allocated", "_label",
    )

    def __init__(self, *cidrs: Any, reserve: Iterable[Any] = ()) -> None:
        parents = [_as_net(c) for c in cidrs]
        if not parents:
            raise IPAMError("a subnet pool needs at least one parent CIDR (like '10.0.0.0/16')")
        bounds = _disjoint_bounds(parents, "parent CIDRs")
        self._parents = tuple(parents)
        self._starts = [b[0] for b in bounds]
        self._ends = [b[1] for b in bounds]
        self._parent_plens = [parents[b[2]]._plen for b in bounds]
        self._min_plen: dict[int, int] = {}  # family -> shortest parent prefix
        for b in bounds:
            net = parents[b[2]]
            self._min_plen[net._ver] = min(net._plen, self._min_plen.get(net._ver, 128))
        items = _reserve_items(reserve, self._starts, self._ends, "the parent CIDRs")
        self._reserve = tuple(items)
        free = (IPSet(parents) - IPSet(items))._keys()
        self._state = MemoryState(free)
        self._size = sum(e - s + 1 for s, e in free)
        self._plens: dict[int, int] = {}  # allocated block start key -> prefix length
        self._blocks: list[int] = []  # allocated block start keys, sorted
        self._allocated = 0
        self._label = _label("subnet pool", parents)

    # -- description ----------------------------------------------------------------
    @property
    def parents(self) -> tuple[IPNet, ...]:
        """The parent CIDRs, as given."""
        return self._parents

    @property
    def reserve(self) -> tuple[IP | IPNet | IPRange, ...]:
        return self._reserve

    def __repr__(self) -> str:
        parts = [repr(str(p)) for p in self._parents]
        if self._reserve:
            parts.append(f"reserve={tuple(str(r) for r in self._reserve)!r}")
        return f"SubnetPool({', '.join(parts)})"

    def __contains__(self, item: Any) -> bool:
        """True for an address or a network inside one parent CIDR."""
        try:
            lo, hi = _span(item)
        except (ValueError, TypeError):
            return False
        return self._parent_of(lo, hi) is not None

    def _parent_of(self, lo: int, hi: int) -> int | None:
        """Index (in key order) of the parent holding keys ``lo..hi``, or None."""
        i = bisect_right(self._starts, lo) - 1
        return i if i >= 0 and hi <= self._ends[i] else None

    def _net(self, start: int) -> IPNet:
        return _net_at(start, self._plens[start])

    def _block_end(self, start: int) -> int:
        return start + (1 << (_BITS[family_of(start)] - self._plens[start])) - 1

    # -- allocation -------------------------------------------------------------------
    def _families(self, prefixlen: int, version: Any) -> list[int]:
        """Families whose parents can hold a /prefixlen (IPv4 first)."""
        if version is not None:
            if _check_version(version) not in self._min_plen:
                raise NotInPool(f"{self._label} has no IPv{version} parent")
        fits = [
            family for family, shortest in sorted(self._min_plen.items())
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
        state = self._state
        size = 1 << (_BITS[family] - prefixlen)
        for i, parent_lo in enumerate(self._starts):
            if family_of(parent_lo) != family or self._parent_plens[i] > prefixlen:
                continue
            parent_hi = self._ends[i]
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
            if prefixlen is not None and prefixlen != net._plen:
                raise IPAMError(f"subnet {str(net)!r} is not a /{prefixlen}")
            if version is not None and version != net._ver:
                raise IPAMError(f"subnet {str(net)!r} is not IPv{version}")
            return self._allocate_subnet(net, owner)
        if prefixlen is None:
            raise TypeError("allocate() needs a prefix length or subnet=")
        if type(prefixlen) is not int:
            raise TypeError(f"prefixlen must be an int, not {shorten(prefixlen)}")
        families = self._families(prefixlen, version)
        state = self._state
        with state.transaction():
            for family in families:
                found = self._lowest_block(family, prefixlen)
                if found is not None:
                    start, iv = found
                    self._record(start, prefixlen, owner, iv)
                    return _net_at(start, prefixlen)
        raise PoolExhausted(f"{self._label} has no free /{prefixlen}")

    def _allocate_subnet(self, net: IPNet, owner: str | None) -> IPNet:
        lo, hi = _keys(net)
        if self._parent_of(lo, hi) is None:
            raise NotInPool(f"{str(net)!r} is not inside {self._label}")
        state = self._state
        with state.transaction():
            iv = state.free_floor(lo)
            if iv is not None and iv[1] >= hi:
                self._record(lo, net._plen, owner, iv)
                return net
            i = bisect_right(self._blocks, hi) - 1  # the only block that can overlap lo..hi
            if i >= 0 and self._block_end(self._blocks[i]) >= lo:
                start = self._blocks[i]
                holder = self._net(start)
                raise AlreadyAllocated(
                    f"{str(net)!r} overlaps {str(holder)!r}, already allocated in {self._label} "
                    f"(owner {state.alloc_get(start)!r})"
                )
        raise Reserved(f"{str(net)!r} overlaps a reserved address of {self._label}")

    def _record(self, start: int, prefixlen: int, owner: str | None, iv: Interval) -> None:
        size = 1 << (_BITS[family_of(start)] - prefixlen)
        _carve(self._state, iv, start, start + size - 1)
        self._state.alloc_put([(start, owner)])
        self._plens[start] = prefixlen
        insort(self._blocks, start)
        self._allocated += size

    # -- release ----------------------------------------------------------------------
    def release(self, subnet: Any) -> bool:
        """Give back an allocated subnet (exactly as handed out); False if it was not allocated."""
        net = _as_net(subnet)
        start = _keys(net)[0]
        with self._state.transaction():
            if self._plens.get(start) != net._plen:
                return False
            self._forget([start])
        return True

    def release_owner(self, owner: str | None) -> list[IPNet]:
        """Give back every subnet of ``owner``; returns them, sorted."""
        owner = _check_owner(owner)
        with self._state.transaction():
            starts = self._state.alloc_of(owner)
            nets = [self._net(s) for s in starts]
            if starts:
                self._forget(starts)
        return nets

    def _forget(self, starts: list[int]) -> None:
        """Release the blocks starting at ``starts`` (sorted): allocations, then free intervals."""
        state = self._state
        blocks = [(s, self._block_end(s)) for s in starts]
        state.alloc_del(starts)
        for s, e in blocks:
            del self._plens[s]
            del self._blocks[bisect_right(self._blocks, s) - 1]
            self._allocated -= e - s + 1
        _give_back(state, _runs(blocks))

    # -- queries ------------------------------------------------------------------------
    def _block_holding(self, lo: int, hi: int) -> int | None:
        i = bisect_right(self._blocks, lo) - 1
        if i >= 0 and hi <= self._block_end(self._blocks[i]):
            return self._blocks[i]
        return None

    def owner_of(self, item: Any) -> str | None:
        """The owner of the allocated subnet holding ``item`` (an address or a network); else None."""
        lo, hi = _span(item)
        with self._state.transaction():
            start = self._block_holding(lo, hi)
            return None if start is None else self._state.alloc_get(start)  # type: ignore[return-value]

    def subnet_of(self, item: Any) -> IPNet | None:
        """The allocated subnet holding an address or network, or None."""
        lo, hi = _span(item)
        with self._state.transaction():
            start = self._block_holding(lo, hi)
            return None if start is None else self._net(start)

    def subnets_of(self, owner: str | None) -> list[IPNet]:
        """The subnets allocated to ``owner``, sorted."""
        owner = _check_owner(owner)
        with self._state.transaction():
            return [self._net(s) for s in self._state.alloc_of(owner)]

    def allocations(self) -> Iterator[tuple[IPNet, str | None]]:
        """``(subnet, owner)`` for every allocation, in address order (a consistent snapshot)."""
        with self._state.transaction():
            items = [(self._net(s), self._state.alloc_get(s)) for s in self._blocks]
        return iter(items)  # type: ignore[arg-type]

    def free_set(self) -> IPSet:
        """The addresses not handed out (nor reserved), as an ``IPSet``."""
        return _free_set(self._state)

    def stats(self) -> PoolStats:
        """``PoolStats(size, allocated, free)`` counted in addresses."""
        with self._state.transaction():
            allocated = self._allocated
        return PoolStats(self._size, allocated, self._size - allocated)
