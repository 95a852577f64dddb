"""The storage interface behind every pool: the one allocation algorithm (``pool.py``)
runs on top of it, and each store (memory, SQLite, PostgreSQL) only persists it.

All addresses are *keys*: ints in netx's single ordered key space, where an IPv4
address is its integer value and an IPv6 address is ``V6_BASE + value`` (see
``netx._keys``). Keys of the two families never touch, so one sorted structure
holds a dual-stack pool and intervals never merge across families.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Iterator, Protocol, Sequence

__all__ = ["PoolState", "NOT_ALLOCATED"]


class _NotAllocated:
    __slots__ = ()

    def __repr__(self) -> str:
        return "NOT_ALLOCATED"


NOT_ALLOCATED = _NotAllocated()
"""Returned by ``PoolState.alloc_get`` for a key that is not allocated (owners may be ``None``)."""


class PoolState(Protocol):
    """Mutable state of one pool: its free intervals, its allocations and a cursor.

    Free intervals are inclusive ``(start, end)`` key pairs, sorted, disjoint, and
    merged where adjacent. Every method but ``transaction`` must be called inside
    ``with state.transaction():``, which makes the calls in its body one atomic,
    exclusive (per pool) and durable unit: all of it commits, or none of it.
    """

    def transaction(self) -> AbstractContextManager[None]:
        """Open one atomic, exclusive unit of work (re-entrant in the same thread)."""
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
    def alloc_get(self, key: int) -> object:
        """The owner of an allocated key (may be None), or ``NOT_ALLOCATED``."""
        ...

    def alloc_put(self, items: Sequence[tuple[int, str | None]]) -> None:
        """Record allocations ``(key, owner)``; keys are known to be free."""
        ...

    def alloc_del(self, keys: Sequence[int]) -> None:
        """Forget allocations; keys are known to be allocated."""
        ...

    def alloc_of(self, owner: str | None) -> list[int]:
        """Sorted keys allocated to ``owner``."""
        ...

    def alloc_iter(self) -> Iterator[tuple[int, str | None]]:
        """All ``(key, owner)`` allocations in key order."""
        ...

    def alloc_count(self) -> int:
        """How many keys are allocated."""
        ...

    # -- round-robin cursor -----------------------------------------------------
    def cursor(self, family: int) -> int | None:
        """Key handed out last by round_robin in ``family`` (4 or 6), or None."""
        ...

    def set_cursor(self, key: int) -> None:
        """Record ``key`` as the last handed out in its family."""
        ...
