"""``MemoryState``: the in-memory ``PoolState`` — free intervals in two sorted parallel
lists (bisect), allocations in a dict with an owner index, and an undo journal so a
transaction that raises leaves the state exactly as it was.

Lookups are O(log n) binary searches over the free intervals; inserting or removing
an interval (or, for subnet pools, an allocation start) is a list insert or delete,
O(n) in the worst case but a memmove over machine words. Nothing grows with the size
of the pool: memory and cost follow the number of intervals and allocations.
"""

from __future__ import annotations

import heapq
import _thread
import time
from bisect import bisect_left, bisect_right, insort
from contextlib import AbstractContextManager
from typing import Any, Iterable, Iterator, Sequence

from ._state import Interval, Owner, Span, Totals

__all__ = ["MemoryState"]


class _Transaction:
    """Re-entrant, exclusive, all-or-nothing unit of work on one ``MemoryState``."""

    __slots__ = ("_state",)

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    def __enter__(self) -> None:
        state = self._state
        state._lock.acquire()
        state._marks.append(len(state._journal))

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        state = self._state
        try:
            mark = state._marks.pop()
            if exc_type is not None:
                state._undo(mark)
            if not state._marks:
                state._journal.clear()
        finally:
            state._lock.release()


class MemoryState:
    """In-memory ``PoolState``: bisect over sorted interval starts/ends, a key->owner dict,
    an owner->keys index and the extension state in a dict; an RLock serialises calls.

    Allocations of more than one key keep their last key in ``_lasts``; the sorted list of
    allocation starts that ``alloc_floor`` needs is built on its first use only (address
    pools never pay for it)."""

    __slots__ = (
        "_starts", "_ends", "_owners", "_by_owner", "_lasts", "_keys", "_sorted", "_ext", "_lock", "_marks",
        "_journal", "_tx", "_expires", "_by_expiry",
    )

    def __init__(self, initial_free: Iterable[Interval] = ()) -> None:
        starts: list[int] = []
        ends: list[int] = []
        for start, end in initial_free:
            if start > end:
                raise ValueError(f"free interval ({start}, {end}) is empty")
            if ends and start <= ends[-1] + 1:
                raise ValueError(
                    f"free intervals must be sorted, disjoint and merged: "
                    f"({start}, {end}) follows ({starts[-1]}, {ends[-1]})"
                )
            starts.append(start)
            ends.append(end)
        self._starts = starts
        self._ends = ends
        self._owners: dict[int, str | None] = {}
        self._by_owner: dict[str | None, set[int]] = {}
        self._lasts: dict[int, int] = {}  # start -> last key, for allocations of more than one key
        self._keys = 0  # keys covered by all allocations
        self._sorted: list[int] | None = None  # allocation starts, sorted (built by alloc_floor)
        self._ext: dict[str, str] = {}
        self._expires: dict[int, float] = {}  # start -> expiry, for leases
        self._by_expiry: list[tuple[float, int]] = []  # heap of (expiry, start); entries no longer in _expires are stale
        self._lock = _thread.RLock()
        self._marks: list[int] = []
        self._journal: list[tuple[Any, ...]] = []
        self._tx = _Transaction(self)

    def transaction(self, readonly: bool = False) -> AbstractContextManager[None]:
        """Lock the state; if the body raises, undo everything it changed (savepoint per level)."""
        return self._tx

    # -- free intervals ---------------------------------------------------------
    def free_floor(self, key: int) -> Interval | None:
        i = bisect_right(self._starts, key) - 1
        return (self._starts[i], self._ends[i]) if i >= 0 else None

    def free_ceil(self, key: int) -> Interval | None:
        starts = self._starts
        i = bisect_left(starts, key)
        return (starts[i], self._ends[i]) if i < len(starts) else None

    def free_iter(self, key: int = 0) -> Iterator[Interval]:
        starts, ends = self._starts, self._ends
        i = bisect_right(starts, key) - 1
        if i < 0 or ends[i] < key:
            i += 1
        while i < len(starts):
            yield starts[i], ends[i]
            i += 1

    def free_replace(self, old_start: int | None, new: Sequence[Interval]) -> None:
        starts, ends = self._starts, self._ends
        if old_start is not None:
            i = bisect_left(starts, old_start)
            if i == len(starts) or starts[i] != old_start:
                raise KeyError(f"no free interval starts at key {old_start}")
            old = (starts[i], ends[i])
            new_starts = [s for s, _ in new]
            starts[i : i + 1] = new_starts
            ends[i : i + 1] = [e for _, e in new]
            if self._marks:
                self._journal.append(("replace", new_starts, old))
            return
        for s, e in new:
            i = bisect_left(starts, s)
            starts.insert(i, s)
            ends.insert(i, e)
        if self._marks:
            self._journal.append(("replace", [s for s, _ in new], None))

    # -- allocations ------------------------------------------------------------
    def _span(self, start: int) -> Span:
        return Span(start, self._lasts.get(start, start), self._owners[start], self._expires.get(start))

    def alloc_at(self, key: int) -> Span | None:
        return self._span(key) if key in self._owners else None

    def alloc_floor(self, key: int) -> Span | None:
        sorted_ = self._sorted
        if sorted_ is None:
            sorted_ = self._sorted = sorted(self._owners)
        i = bisect_right(sorted_, key) - 1
        return self._span(sorted_[i]) if i >= 0 else None

    def alloc_put(self, spans: Sequence[Span]) -> None:
        owners, by_owner, lasts, sorted_ = self._owners, self._by_owner, self._lasts, self._sorted
        for start, last, owner, expires in spans:
            owners[start] = owner
            if expires is not None:
                self._expires[start] = expires
                heapq.heappush(self._by_expiry, (expires, start))
            keys = by_owner.get(owner)
            if keys is None:
                by_owner[owner] = {start}
            else:
                keys.add(start)
            if last != start:
                lasts[start] = last
            self._keys += last - start + 1
            if sorted_ is not None:
                insort(sorted_, start)
        if self._marks:
            self._journal.append(("put", list(spans)))

    def alloc_del(self, spans: Sequence[Span]) -> None:
        owners, by_owner, lasts, sorted_ = self._owners, self._by_owner, self._lasts, self._sorted
        gone = []
        for span in spans:
            start = span.start
            owner = owners.pop(start)
            held = by_owner[owner]
            held.discard(start)
            if not held:
                del by_owner[owner]
            last = lasts.pop(start, start)
            self._keys -= last - start + 1
            if sorted_ is not None:
                del sorted_[bisect_left(sorted_, start)]
            expires = self._expires.pop(start, None)  # its heap entry goes stale (dropped when it surfaces)
            gone.append(Span(start, last, owner, expires))
        if self._marks:
            self._journal.append(("del", gone))

    def alloc_of(self, owner: Owner) -> list[Span]:
        return [self._span(key) for key in sorted(self._by_owner.get(owner, ()))]

    def alloc_iter(self, key: int = 0) -> Iterator[Span]:
        sorted_ = self._sorted
        if sorted_ is not None:
            starts = sorted_[bisect_left(sorted_, key) :]
        else:
            starts = sorted(k for k in self._owners if k >= key)
        return iter([self._span(start) for start in starts])

    def alloc_totals(self) -> Totals:
        return Totals(len(self._owners), self._keys)

    # -- leases -------------------------------------------------------------------------
    def now(self) -> float:
        return time.time()

    def alloc_expired(self, now: float, limit: int) -> list[Span]:
        """The oldest expired leases off the heap (stale entries dropped on the way): O(limit log n)."""
        heap, live = self._by_expiry, self._expires
        out: list[Span] = []
        taken: list[tuple[float, int]] = []
        while heap and len(out) < limit:
            expires, start = heap[0]
            if live.get(start) != expires or any(s == start for _, s in taken):  # stale or a duplicate
                heapq.heappop(heap)
                continue
            if expires > now:
                break
            taken.append(heapq.heappop(heap))
            out.append(self._span(start))
        for entry in taken:  # looking changes nothing: the caller deletes what it reclaims
            heapq.heappush(heap, entry)
        return out

    def alloc_expire(self, span: Span, expires: float | None) -> None:
        start = span.start
        old = self._expires.pop(start, None)  # the old heap entry goes stale
        if expires is not None:
            self._expires[start] = expires
            heapq.heappush(self._by_expiry, (expires, start))
        if self._marks:
            self._journal.append(("expire", span, old))

    # -- extension state ---------------------------------------------------------------
    def ext_get(self, name: str) -> str | None:
        return self._ext.get(name)

    def ext_items(self) -> dict[str, str]:
        return dict(self._ext)

    def ext_set(self, name: str, value: str | None) -> None:
        if self._marks:
            self._journal.append(("ext", name, self._ext.get(name)))
        if value is None:
            self._ext.pop(name, None)
        else:
            self._ext[name] = value

    # -- rollback -----------------------------------------------------------------
    def _undo(self, mark: int) -> None:
        """Revert the journal back to ``mark``, newest change first (reverting writes no journal entries)."""
        journal = self._journal
        marks, self._marks = self._marks, []
        try:
            while len(journal) > mark:
                self._revert(journal.pop())
        finally:
            self._marks = marks

    def _revert(self, entry: tuple[Any, ...]) -> None:
        """Undo one journal entry (``_marks`` is empty, so the calls here journal nothing)."""
        kind = entry[0]
        if kind == "replace":
            _, new_starts, old = entry
            starts, ends = self._starts, self._ends
            for s in new_starts:
                i = bisect_left(starts, s)
                del starts[i], ends[i]
            if old is not None:
                i = bisect_left(starts, old[0])
                starts.insert(i, old[0])
                ends.insert(i, old[1])
        elif kind == "put":
            self.alloc_del(entry[1])
        elif kind == "del":
            self.alloc_put(entry[1])
        elif kind == "expire":
            self.alloc_expire(entry[1], entry[2])
        else:  # ext
            _, name, previous = entry
            if previous is None:
                self._ext.pop(name, None)
            else:
                self._ext[name] = previous

    def __repr__(self) -> str:
        return f"<MemoryState {len(self._starts)} free intervals, {len(self._owners)} allocations>"
