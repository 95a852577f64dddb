"""The storage interface behind every pool: the one allocation algorithm (``pool.py``)
runs on top of it, and each store (memory, SQLite, PostgreSQL) only persists it.

All addresses are *keys*: ints in netx's single ordered key space, where an IPv4
address is its integer value and an IPv6 address is ``V6_BASE + value`` (see
``netx._keys``). Keys of the two families never touch, so one sorted structure
holds a dual-stack pool and intervals never merge across families.
"""

from __future__ import annotations

import enum
from contextlib import AbstractContextManager
from typing import Final, Iterator, Protocol, Sequence

__all__ = ["PoolState", "NOT_ALLOCATED", "Owner"]


class _NotAllocated(enum.Enum):
    """The type of ``NOT_ALLOCATED``: a one-member enum, so type checkers narrow ``x is NOT_ALLOCATED``."""

    NOT_ALLOCATED = "NOT_ALLOCATED"

    def __repr__(self) -> str:
        return "NOT_ALLOCATED"


NOT_ALLOCATED: Final = _NotAllocated.NOT_ALLOCATED
"""Returned by ``PoolState.alloc_get`` for a key that is not allocated (owners may be ``None``)."""

Owner = str | None
"""The owner recorded with an allocation (``None``: no owner)."""


class PoolState(Protocol):
    """Mutable state of one pool: its free intervals, its allocations and a cursor.

    Free intervals are inclusive ``(start, end)`` key pairs, sorted, disjoint, and
    merged where adjacent. An allocation is a run of keys ``start..last`` named by its
    first key: one key (address pools) or an aligned block (subnet pools). Every method
    but ``transaction`` must be called inside ``with state.transaction():``, which makes
    the calls in its body one atomic, exclusive (per pool) and durable unit: all of it
    commits, or none of it.
    """

    def transaction(self, readonly: bool = False) -> AbstractContextManager[None]:
        """Open one atomic, exclusive unit of work (re-entrant in the same thread).

        ``readonly=True`` promises the body only reads: a store then takes no lock and reads
        one consistent snapshot, so reads never wait behind writers."""
        ...

    # -- free intervals ---------------------------------------------------------
    def free_floor(self, key: int) -> tuple[int, int] | None:
        """The free interval with the greatest start <= key, or None."""
        ...

    def free_ceil(self, key: int) -> tuple[int, int] | None:
        """The free interval with the least start >= key, or None."""
        ...

    def free_iter(self, key: int = 0) -> Iterator[tuple[int, int]]:
        """Free intervals whose end >= key, ascending (lazy: callers may stop early)."""
        ...

    def free_replace(self, old_start: int | None, new: Sequence[tuple[int, int]]) -> None:
        """Remove the interval starting at ``old_start`` (if given) and insert ``new``."""
        ...

    # -- allocations ------------------------------------------------------------
    def alloc_get(self, key: int) -> Owner | _NotAllocated:
        """The owner of the allocation starting at ``key`` (may be None), or ``NOT_ALLOCATED``."""
        ...

    def alloc_put(self, items: Sequence[tuple[int, str | None] | tuple[int, str | None, int]]) -> None:
        """Record allocations ``(key, owner)``, or ``(key, owner, last)`` for keys ``key..last``; known to be free."""
        ...

    def alloc_del(self, keys: Sequence[int | tuple[int, int]]) -> None:
        """Forget allocations, each named by its key or given as ``(key, last)``; known to be allocated."""
        ...

    def alloc_floor(self, key: int) -> tuple[int, int, str | None] | None:
        """The allocation with the greatest start <= key, as ``(start, last, owner)``, or None."""
        ...

    def alloc_spans_of(self, owner: str | None) -> list[tuple[int, int]]:
        """Sorted ``(start, last)`` of the allocations of ``owner``."""
        ...

    def alloc_span_iter(self) -> Iterator[tuple[int, int, str | None]]:
        """All ``(start, last, owner)`` allocations in key order."""
        ...

    def alloc_keys(self) -> int:
        """How many keys all allocations cover together (``alloc_count()`` when each is one key)."""
        ...

    def alloc_of(self, owner: str | None) -> list[int]:
        """Sorted keys allocated to ``owner``."""
        ...

    def alloc_iter(self) -> Iterator[tuple[int, str | None]]:
        """All ``(key, owner)`` allocations in key order."""
        ...

    def alloc_count(self) -> int:
        """How many allocations there are."""
        ...

    # -- extension state ---------------------------------------------------------
    def ext_get(self, name: str) -> str | None:
        """The pool's extension value ``name`` (strategy state such as the round-robin cursor), or None."""
        ...

    def ext_set(self, name: str, value: str | None) -> None:
        """Set (None: remove) the extension value ``name``; it commits with the transaction."""
        ...
