"""``SubnetPool``: carve aligned subnets out of parent CIDRs — k8s node CIDRs, Calico
/26 blocks, NetBox available-prefixes.

It is written, like ``Pool``, only against the ``PoolState`` protocol (``_state.py``), so
the same algorithm runs in memory and on every store: a subnet is one allocated span
of the block's keys ``start..last``. A request scans the free intervals of the parents
from the lowest key, aligns each start up to the block size and takes the first block
that fits. No step iterates over subnets, so carving /64s out of a /32 is as quick as
/26s out of a /16.
"""

from __future__ import annotations

from typing import Any, Iterable

from .._errors import shorten
from .._keys import family_of, ip_of
from .._net import IPNet, _make_net
from ._base import PoolBase
from ._coerce import as_net, check_count, check_ensure_owner, check_owner, check_prefixlen, check_version, key_bounds, span_of
from ._intervals import carve, give_back, holding
from ._memory import MemoryState
from ._state import Interval, Span
from .errors import AlreadyAllocated, IPAMError, NotInPool, PoolExhausted, Reserved
from .spec import SubnetSpec

__all__ = ["SubnetPool", "SubnetSpec"]

_BITS = {4: 32, 6: 128}


def _net_at(start: int, prefixlen: int) -> IPNet:
    """The network of ``prefixlen`` bits whose first key is ``start``."""
    ip = ip_of(start)
    return _make_net(ip._int, prefixlen, ip._ver)


def _net_of(start: int, last: int) -> IPNet:
    """The network whose keys are ``start..last`` (an aligned block)."""
    return _net_at(start, _BITS[family_of(start)] + 1 - (last - start + 1).bit_length())


class SubnetPool(PoolBase[SubnetSpec, IPNet]):
    """Aligned subnets carved from parent CIDRs, lowest aligned free block first.

    ``allocate(24)`` hands out the lowest free /24 of a parent at least that big;
    ``stats()`` counts addresses. Every method is one transaction on the pool's state,
    so a pool may be shared between threads (and, through a store, between processes).
    """

    __slots__ = ()

    _what = "subnet pool"

    def __init__(self, *cidrs: Any, reserve: Iterable[Any] = ()) -> None:
        spec = SubnetSpec(cidrs, reserve)
        self._bind(spec, MemoryState(spec.initial_free()), None)

    def _ranges(self) -> tuple[IPNet, ...]:
        return self._spec.parents

    def _item(self, span: Span) -> IPNet:
        return _net_of(span.start, span.last)

    # -- description ----------------------------------------------------------------
    @property
    def parents(self) -> tuple[IPNet, ...]:
        """The parent CIDRs, as given."""
        return self._spec.parents

    def __contains__(self, item: Any) -> bool:
        """True for an address or a network inside one parent CIDR (bad input is an error, as with ``IPNet``)."""
        lo, hi = span_of(item)
        return self._spec._parent_of(lo, hi) is not None

    # -- allocation -------------------------------------------------------------------
    def _families(self, prefixlen: int, version: Any) -> list[int]:
        """Families whose parents can hold a /prefixlen (IPv4 first)."""
        min_plen = self._spec._min_plen
        if version is not None:
            if check_version(version) not in min_plen:
                raise NotInPool(f"{self._label} has no IPv{version} parent", pool=self._name)
        fits = [
            family for family, shortest in sorted(min_plen.items())
            if version in (None, family) and shortest <= prefixlen <= _BITS[family]
        ]
        if not fits:
            raise IPAMError(
                f"no parent of {self._label} can hold a /{shorten(prefixlen)}: a prefix length must be at least "
                f"the parent's and at most 32 (IPv4) or 128 (IPv6)", pool=self._name,
            )
        return fits

    def _parents(self, family: int, prefixlen: int) -> list[tuple[int, int]]:
        """First and last keys of the parents of ``family`` that can hold a /prefixlen, in key order."""
        spec = self._spec
        return [
            (lo, spec._ends[i]) for i, lo in enumerate(spec._starts)
            if family_of(lo) == family and spec._parent_plens[i] <= prefixlen
        ]

    def _lowest_block(self, family: int, prefixlen: int) -> tuple[int, Interval] | None:
        """The lowest aligned free block of /prefixlen in a parent of ``family``, with its free interval."""
        state = self._state
        size = 1 << (_BITS[family] - prefixlen)
        for parent_lo, parent_hi in self._parents(family, prefixlen):
            for a, b in state.free_iter(parent_lo):
                if a > parent_hi:
                    break
                start = -(-max(a, parent_lo) // size) * size  # keys of both families align like addresses
                if start + size - 1 <= min(b, parent_hi):
                    return start, (a, b)
        return None

    def _exhausted(self, prefixlen: int, free: int, n: int | None, version: int | None) -> PoolExhausted:
        if n is None:
            message, n = f"{self._label} has no free /{prefixlen}", 1
        else:
            message = f"{self._label} has {free} free /{prefixlen}, {n} requested"
        return PoolExhausted(message, pool=self._name, requested=n, free=free, version=version, prefixlen=prefixlen)

    def allocate(
        self, prefixlen: int | None = None, owner: str | None = None, *, subnet: Any = None, version: int | None = None
    ) -> IPNet:
        """Hand out the lowest free aligned /prefixlen (or exactly ``subnet``) to ``owner``."""
        owner = check_owner(owner)
        if subnet is not None:
            net = as_net(subnet)
            if prefixlen is not None and check_prefixlen(prefixlen) != net._plen:
                raise IPAMError(f"subnet {str(net)!r} is not a /{shorten(prefixlen)}", pool=self._name)
            if version is not None and check_version(version) != net._ver:
                raise IPAMError(f"subnet {str(net)!r} is not IPv{version}", pool=self._name)
            return self._allocate_subnet(net, owner)
        if prefixlen is None:
            raise TypeError("allocate() needs a prefix length or subnet=")
        families = self._families(check_prefixlen(prefixlen), version)
        carve = getattr(self._state, "carve", None)  # a store's one-statement path (PostgreSQL)
        if carve is not None:
            for family in families:  # IPv4 first, as _take_lowest
                start = carve(owner, 1 << (_BITS[family] - prefixlen), prefixlen, self._parents(family, prefixlen))
                if start == -1:  # the store declined (an open transaction): the general path below
                    break
                if start is not None:
                    return _net_at(start, prefixlen)
            else:
                raise self._exhausted(prefixlen, 0, None, version)
        with self._state.transaction():
            taken = self._take_lowest(families, prefixlen, owner)
        if taken is None:
            raise self._exhausted(prefixlen, 0, None, version)
        return taken

    def allocate_many(
        self, n: int, prefixlen: int, owner: str | None = None, *, version: int | None = None
    ) -> list[IPNet]:
        """Hand out ``n`` subnets of /prefixlen to ``owner`` at once: all of them, or none (``PoolExhausted``)."""
        check_count(n)
        owner = check_owner(owner)
        families = self._families(check_prefixlen(prefixlen), version)
        nets: list[IPNet] = []
        with self._state.transaction():  # one transaction: an exhausted pool undoes the ones taken
            for _ in range(n):
                net = self._take_lowest(families, prefixlen, owner)
                if net is None:
                    raise self._exhausted(prefixlen, len(nets), n, version)
                nets.append(net)
        return nets

    def ensure(self, owner: str, prefixlen: int, n: int = 1, *, version: int | None = None) -> list[IPNet]:
        """The ``n`` lowest /prefixlen subnets ``owner`` holds (in that family, if given), allocating only
        what is missing, lowest aligned free block first.

        Idempotent: calling it again changes nothing and returns the same subnets (held subnets of
        other sizes are neither counted nor touched). One transaction, all or nothing
        (``PoolExhausted`` when the missing ones are not free).
        """
        owner = check_ensure_owner(owner)
        check_count(n)
        families = self._families(check_prefixlen(prefixlen), version)
        size = {family: 1 << (_BITS[family] - prefixlen) for family in families}
        state = self._state
        with state.transaction():
            spans = self._live(state.alloc_of(owner), self._clock())
            held = [s.start for s in spans if size.get(family_of(s.start)) == s.last - s.start + 1]
            new: list[IPNet] = []
            for _ in range(n - len(held)):
                net = self._take_lowest(families, prefixlen, owner)
                if net is None:
                    raise self._exhausted(prefixlen, len(new), n - len(held), version)
                new.append(net)
        return sorted([_net_at(start, prefixlen) for start in held] + new, key=key_bounds)[:n]

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
        lo, hi = key_bounds(net)
        if self._spec._parent_of(lo, hi) is None:
            raise NotInPool(f"{str(net)!r} is not inside {self._label}", pool=self._name, address=net)
        state = self._state
        with state.transaction():
            iv = holding(state, lo, hi)
            if iv is not None:
                self._record(lo, net._plen, owner, iv)
                return net
            hit = state.alloc_floor(hi)  # allocations are disjoint: only this one can overlap lo..hi
            if hit is not None and hit.last >= lo:
                taken = _net_of(hit.start, hit.last)
                raise AlreadyAllocated(
                    f"{str(net)!r} overlaps {str(taken)!r}, already allocated in {self._label} (owner {hit.owner!r})",
                    pool=self._name, address=taken, owner=hit.owner,
                )
        raise Reserved(
            f"{str(net)!r} overlaps a reserved address of {self._label}", pool=self._name, address=net,
            reason="overlaps a reserved address",
        )

    def _record(self, start: int, prefixlen: int, owner: str | None, iv: Interval) -> None:
        last = start + (1 << (_BITS[family_of(start)] - prefixlen)) - 1
        carve(self._state, iv, start, last)
        self._state.alloc_put([Span(start, last, owner)])

    # -- release ----------------------------------------------------------------------
    def release(self, subnet: Any) -> bool:
        """Give back an allocated subnet (exactly as handed out); False if it was not allocated."""
        lo, hi = key_bounds(as_net(subnet))
        state = self._state
        with state.transaction():
            span = state.alloc_at(lo)
            if span is None or span.last != hi:
                return False
            state.alloc_del([span])
            give_back(state, [(lo, hi)])
        return True

    # -- queries ------------------------------------------------------------------------
    def _holding(self, item: Any) -> Span | None:
        """The allocation holding an address or network, or None."""
        lo, hi = span_of(item)
        with self._state.transaction(readonly=True):
            hit = self._state.alloc_floor(lo)
        return hit if hit is not None and hi <= hit.last else None

    def owner_of(self, item: Any) -> str | None:
        """The owner of the allocated subnet holding ``item`` (an address or a network); else None."""
        hit = self._holding(item)
        return None if hit is None else hit.owner

    def subnet_of(self, item: Any) -> IPNet | None:
        """The allocated subnet holding an address or network, or None."""
        hit = self._holding(item)
        return None if hit is None else self._item(hit)

    def subnets_of(self, owner: str | None) -> list[IPNet]:
        """The subnets allocated to ``owner``, sorted."""
        return self._held_by(owner)
