"""The ``memory://`` store: named pools in this process only, on the same ``MemoryState`` as ``Pool``.

Useful for tests and scratch work: the same ``Store`` API as the durable stores, no
file, nothing survives the process. Each ``open("memory://")`` is a new, empty store.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Iterable

from .._memory import MemoryState
from .base import Store

if TYPE_CHECKING:
    from .base import Spec

__all__ = ["MemoryStore"]


class _Guarded:
    """``MemoryState``'s transaction, refusing to start once the pool is deleted or its store closed."""

    __slots__ = ("_state", "_inner")

    def __init__(self, state: _StoredState, inner: AbstractContextManager[None]) -> None:
        self._state = state
        self._inner = inner

    def __enter__(self) -> None:
        self._inner.__enter__()
        gone = self._state._gone
        if gone is not None:
            self._inner.__exit__(None, None, None)
            raise gone

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        self._inner.__exit__(exc_type, exc, tb)


class _StoredState(MemoryState):
    """A ``MemoryState`` owned by a memory store; ``_gone`` holds the error to raise once it is dropped."""

    __slots__ = ("_gone", "_guarded")

    def __init__(self, initial_free: Iterable[tuple[int, int]]) -> None:
        super().__init__(initial_free)
        self._gone: Exception | None = None
        self._guarded = _Guarded(self, super().transaction())

    def transaction(self, readonly: bool = False) -> AbstractContextManager[None]:
        return self._guarded

    def _drop(self, error: Exception) -> None:
        with self._lock:  # wait for a call in flight to finish
            self._gone = error


class MemoryStore(Store):
    """Pools kept in this process (``memory://``); thread-safe, not durable."""

    __slots__ = ("_pools",)

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self._pools: dict[str, tuple[Spec, _StoredState]] = {}

    def _create(self, name: str, spec: Spec) -> _StoredState:
        state = _StoredState(spec.initial_free())
        with self._guard:
            self._check_open()
            if name in self._pools:
                raise self._exists(name)
            self._pools[name] = (spec, state)
        return state

    def _open_pool(self, name: str) -> tuple[Spec, _StoredState]:
        with self._guard:
            found = self._pools.get(name)
        if found is None:
            raise self._not_found(name)
        return found

    def _kinds(self) -> dict[str, str]:
        with self._guard:
            return {name: spec.kind for name, (spec, _) in self._pools.items()}

    def _delete(self, name: str, force: bool) -> None:
        with self._guard:
            found = self._pools.get(name)
            if found is None:
                raise self._not_found(name)
            state = found[1]
            with state.transaction():
                count = state.alloc_totals().allocations
                if count and not force:  # expired leases are free again: they do not count
                    count -= len(state.alloc_expired(state.now(), count))
                    if count:
                        raise self._in_use(name, count)
                state._drop(self._gone(name))
            del self._pools[name]

    def _close(self) -> None:
        closed = self._closed_error()
        for _, state in self._pools.values():
            state._drop(closed)
        self._pools.clear()
