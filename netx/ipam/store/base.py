"""What every store shares: the ``Store`` API, pool-name rules and the store errors.

A backend (memory, SQLite, PostgreSQL) only says how to create, find, list and drop
pools and hands out a ``PoolState`` per pool; the one allocation algorithm in
``netx/ipam/pool.py`` runs on that state, so store pools behave exactly like
in-memory ones.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Iterable

from ..._errors import shorten
from .._state import PoolState
from ..errors import IPAMError, PoolExists, PoolNotFound, StoreError
from .url import mask_url

if TYPE_CHECKING:
    from types import TracebackType

    from ..pool import Pool, PoolSpec

__all__ = ["Store", "PoolNotFound", "PoolExists", "StoreError", "check_name", "MAX_NAME"]

MAX_NAME = 255  # characters in a pool name


def check_name(name: object) -> str:
    """A valid pool name (non-empty ``str`` of at most ``MAX_NAME`` characters, storable in any backend)."""
    if not isinstance(name, str):
        raise TypeError(f"pool name must be a str, not {type(name).__name__}")
    if not name:
        raise IPAMError("pool name must not be empty")
    if len(name) > MAX_NAME:
        raise IPAMError(f"pool name {shorten(name)} is longer than {MAX_NAME} characters")
    if "\x00" in name:
        raise IPAMError(f"pool name {shorten(name)} contains a NUL character")
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raise IPAMError(f"pool name {shorten(name)} is not valid Unicode text (lone surrogate)") from None
    return name


class Store:
    """Named, durable address pools behind one URL; get one with ``netx.ipam.open(url)``.

    Each pool it returns has every method of ``netx.ipam.Pool``; each call is one atomic
    transaction. Close the store (or use it as a context manager) when done.
    """

    __slots__ = ("url", "_closed", "_guard", "__weakref__")

    url: str

    def __init__(self, url: str) -> None:
        self.url = url
        self._closed = False
        self._guard = threading.RLock()

    # -- public API ---------------------------------------------------------------
    def create_pool(
        self,
        name: str,
        *ranges: Any,
        reserve: Iterable[Any] = (),
        gateway: Any = None,
        strategy: str = "lowest",
    ) -> Pool:
        """Create the pool ``name`` over ``ranges`` (same arguments as ``Pool``); ``PoolExists`` if taken."""
        from ..pool import Pool, PoolSpec

        check_name(name)
        spec = PoolSpec.build(ranges, reserve=reserve, gateway=gateway, strategy=strategy)
        self._check_open()
        state = self._create(name, spec)
        return Pool._attach(spec, state, name)

    def pool(self, name: str) -> Pool:
        """The existing pool ``name``; ``PoolNotFound`` (an ``IPAMError``) if there is none."""
        from ..pool import Pool

        check_name(name)
        self._check_open()
        spec, state = self._open_pool(name)
        return Pool._attach(spec, state, name)

    def pools(self) -> list[str]:
        """Names of all pools, sorted."""
        self._check_open()
        return sorted(self._names())

    def delete_pool(self, name: str, *, force: bool = False) -> None:
        """Delete the pool ``name`` and its allocations; one with allocations only when ``force=True``."""
        check_name(name)
        self._check_open()
        self._delete(name, force)

    def close(self) -> None:
        """Release the store's connections; further use (also of its pools) raises ``StoreError``."""
        with self._guard:
            if not self._closed:
                self._closed = True
                self._close()

    @property
    def closed(self) -> bool:
        """Whether ``close()`` was called."""
        return self._closed

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = " closed" if self._closed else ""
        return f"<Store {mask_url(self.url)!r}{state}>"

    # -- helpers ------------------------------------------------------------------
    def _check_open(self) -> None:
        if self._closed:
            raise StoreError(f"IPAM store {mask_url(self.url)!r} is closed")

    @staticmethod
    def _not_found(name: str) -> PoolNotFound:
        return PoolNotFound(f"no pool named {shorten(name)} in this store")

    @staticmethod
    def _exists(name: str) -> PoolExists:
        return PoolExists(f"a pool named {shorten(name)} already exists in this store")

    @staticmethod
    def _in_use(name: str, count: int) -> IPAMError:
        what = "allocation" if count == 1 else "allocations"
        return IPAMError(
            f"pool {shorten(name)} still has {count} {what}; release them or pass force=True to delete it anyway"
        )

    # -- backend hooks --------------------------------------------------------------
    def _create(self, name: str, spec: PoolSpec) -> PoolState:  # pragma: no cover - abstract
        raise NotImplementedError

    def _open_pool(self, name: str) -> tuple[PoolSpec, PoolState]:  # pragma: no cover - abstract
        raise NotImplementedError

    def _names(self) -> list[str]:  # pragma: no cover - abstract
        raise NotImplementedError

    def _delete(self, name: str, force: bool) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _close(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError
