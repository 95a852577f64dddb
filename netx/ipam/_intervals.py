"""The free-interval steps both allocation algorithms are built from, on any ``PoolState``
(call them inside the state's transaction)."""

from __future__ import annotations

from typing import Iterable

from ._state import Interval, PoolState

__all__ = ["carve", "give_back", "runs", "free_at_or_after", "holding"]


def carve(state: PoolState, iv: Interval, lo: int, hi: int) -> None:
    """Take keys ``lo..hi`` out of the free interval ``iv`` that holds them."""
    start, end = iv
    pieces = []
    if start < lo:
        pieces.append((start, lo - 1))
    if hi < end:
        pieces.append((hi + 1, end))
    state.free_replace(start, pieces)


def give_back(state: PoolState, spans: Iterable[Interval]) -> None:
    """Return runs of keys to the free intervals, merging each with free neighbours."""
    for lo, hi in spans:
        left = state.free_floor(lo - 1) if lo else None  # key 0 has no left neighbour (nor a storable key -1)
        right = state.free_ceil(hi + 1)
        if right is not None and right[0] == hi + 1:
            hi = right[1]
            state.free_replace(right[0], [])
        if left is not None and left[1] == lo - 1:
            state.free_replace(left[0], [(left[0], hi)])
        else:
            state.free_replace(None, [(lo, hi)])


def runs(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted disjoint intervals with touching neighbours joined into runs."""
    out: list[Interval] = []
    for lo, hi in intervals:
        if out and out[-1][1] == lo - 1:
            out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


def holding(state: PoolState, lo: int, hi: int | None = None) -> Interval | None:
    """The free interval holding all of ``lo..hi`` (``hi`` defaults to ``lo``), or None (one point query)."""
    iv = state.free_floor(lo)
    return iv if iv is not None and iv[1] >= (lo if hi is None else hi) else None


def free_at_or_after(state: PoolState, key: int, hi: int) -> tuple[int, Interval] | None:
    """The first free key ``>= key`` and ``<= hi``, with its free interval (two point queries)."""
    iv = holding(state, key)
    if iv is not None:
        return key, iv
    iv = state.free_ceil(key)
    if iv is not None and iv[0] <= hi:
        return iv[0], iv
    return None
