"""The storage seam behind every pool: the allocation algorithms (``pool.py``, ``subnet.py``)
run on a ``PoolState``, and each store (memory, SQLite, PostgreSQL) only persists one.

All addresses are *keys*: ints in netx's single ordered key space, where an IPv4
address is its integer value and an IPv6 address is ``V6_BASE + value`` (see
``netx._keys``). Keys of the two families never touch, so one sorted structure
holds a dual-stack pool and intervals never merge across families.

The state speaks one vocabulary: free *intervals* ``(lo, hi)`` and allocated *spans*
(``Span(start, last, owner)``: one key for an address, an aligned block for a subnet),
plus a small string map of per-pool *extension state* that the algorithm owns (the
round-robin cursors) and the store only carries. docs/design.md says how leases and a
PostgreSQL fast path extend it.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Iterator, NamedTuple, Protocol, Sequence

__all__ = ["PoolState", "Span", "Totals", "Interval", "Owner"]

Owner = str | None
"""The owner recorded with an allocation (``None``: no owner)."""

Interval = tuple[int, int]
"""Inclusive ``(lo, hi)`` keys of a free interval."""


class Span(NamedTuple):
    """One allocation: the keys ``start..last`` (``last == start`` for an address), its owner and,
    for a lease, when it expires (seconds since the epoch; None: never)."""

    start: int
    last: int
    owner: Owner
    expires: float | None = None

    def expired(self, now: float) -> bool:
        """True for a lease whose time is up (it is free again, waiting to be reclaimed)."""
        return self.expires is not None and self.expires <= now


class Totals(NamedTuple):
    """What a pool's allocations add up to: how many, and how many keys they cover."""

    allocations: int
    keys: int


class PoolState(Protocol):
    """Mutable state of one pool: its free intervals, its allocations and its extension state.

    Free intervals are sorted, disjoint, and merged where adjacent; allocations are
    disjoint spans named by their first key. Every method but ``transaction`` must be
    called inside ``with state.transaction():``, which makes the calls in its body one
    atomic, exclusive (per pool) and durable unit: all of it commits, or none of it.
    """

    def transaction(self, readonly: bool = False) -> AbstractContextManager[None]:
        """Open one atomic, exclusive unit of work (re-entrant in the same thread).

        ``readonly=True`` promises the body only reads: a store then takes no lock and reads
        one consistent snapshot, so reads never wait behind writers."""
        ...

    # -- free intervals ---------------------------------------------------------
    def free_floor(self, key: int) -> Interval | None:
        """The free interval with the greatest start <= key, or None."""
        ...

    def free_ceil(self, key: int) -> Interval | None:
        """The free interval with the least start >= key, or None."""
        ...

    def free_iter(self, key: int = 0) -> Iterator[Interval]:
        """Free intervals whose end >= key, ascending (lazy: callers may stop early)."""
        ...

    def free_replace(self, old_start: int | None, new: Sequence[Interval]) -> None:
        """Remove the interval starting at ``old_start`` (if given) and insert ``new``."""
        ...

    # -- allocations ------------------------------------------------------------
    def alloc_at(self, key: int) -> Span | None:
        """The allocation starting exactly at ``key``, or None."""
        ...

    def alloc_floor(self, key: int) -> Span | None:
        """The allocation with the greatest start <= key, or None."""
        ...

    def alloc_put(self, spans: Sequence[Span]) -> None:
        """Record allocations whose keys are known to be free (and already taken out of the free intervals)."""
        ...

    def alloc_del(self, spans: Sequence[Span]) -> None:
        """Forget allocations, as returned by ``alloc_at`` / ``alloc_of`` / ``alloc_iter``."""
        ...

    def alloc_of(self, owner: Owner) -> list[Span]:
        """The allocations of ``owner``, in key order."""
        ...

    def alloc_iter(self, key: int = 0) -> Iterator[Span]:
        """Allocations starting at or after ``key``, in key order (lazy: callers may stop early)."""
        ...

    def alloc_totals(self) -> Totals:
        """How many allocations there are and how many keys they cover (O(1))."""
        ...

    # -- leases ------------------------------------------------------------------
    def now(self) -> float:
        """The clock leases are judged by, in seconds since the epoch: the database's on PostgreSQL
        (hosts' clocks differ), ``time.time()`` elsewhere."""
        ...

    def alloc_expired(self, now: float, limit: int) -> list[Span]:
        """Up to ``limit`` allocations whose lease expired at or before ``now``, the oldest first
        (one index range scan: the cost follows ``limit``, not how many have expired)."""
        ...

    def alloc_expire(self, span: Span, expires: float | None) -> None:
        """Set (None: clear) the expiry of the allocation ``span``."""
        ...

    # -- extension state ---------------------------------------------------------
    def ext_get(self, name: str) -> str | None:
        """The pool's extension value ``name`` (strategy state such as the round-robin cursor), or None."""
        ...

    def ext_set(self, name: str, value: str | None) -> None:
        """Set (None: remove) the extension value ``name``; it commits with the transaction."""
        ...

    def ext_items(self) -> dict[str, str]:
        """Every extension value, by name (a copy), as the open transaction sees them."""
        ...
