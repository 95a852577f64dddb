"""What every store shares: the ``Store`` API, pool-name rules and the store errors.

A backend (memory, SQLite, PostgreSQL) only says how to create, find, list and drop
pools (recording each one's ``spec.kind`` and ``spec.to_json()``) and hands out a
``PoolState`` per pool; the one algorithm of each kind (``netx/ipam/pool.py``,
``netx/ipam/subnet.py``) runs on that state, so store pools behave exactly like
in-memory ones.
"""

from __future__ import annotations

import _thread
from typing import TYPE_CHECKING, Any, Iterable, Literal, overload

from ..._errors import shorten
from .._state import PoolState
from ..errors import IPAMError, PoolExists, PoolInUse, PoolNotFound, StoreError, WrongPoolKind
from .url import mask_url

if TYPE_CHECKING:
    from types import TracebackType

    from ..pool import Pool
    from ..spec import PoolSpec, SubnetSpec
    from ..subnet import SubnetPool

    Spec = PoolSpec | SubnetSpec

__all__ = ["Store", "PoolNotFound", "PoolExists", "StoreError", "check_name", "MAX_NAME"]

MAX_NAME = 255  # characters in a pool name


def check_name(name: object) -> str:
    """A valid pool name (non-empty ``str`` of at most ``MAX_NAME`` characters, storable in any backend)."""
    if not isinstance(name, str):
        raise TypeError(f"pool name must be a str, not {type(name).__name__} {shorten(name)}")
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
    """Named address and subnet pools behind one URL (durable unless ``memory://``); get one with
    ``netx.ipam.open(url)``.

    Each pool it returns has every method of ``netx.ipam.Pool`` (or ``SubnetPool``); each
    call is one atomic transaction. Close the store (or use it as a context manager) when done.
    """

    __slots__ = ("url", "_closed", "_guard", "__weakref__")

    url: str

    def __init__(self, url: str) -> None:
        self.url = url
        self._closed = False
        self._guard = _thread.RLock()

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
        spec = PoolSpec(ranges, reserve, gateway, strategy)
        self._check_open()
        state = self._create(name, spec)
        return Pool._attach(spec, state, name)

    def create_subnet_pool(self, name: str, *cidrs: Any, reserve: Iterable[Any] = ()) -> SubnetPool:
        """Create the subnet pool ``name`` over parent ``cidrs`` (same arguments as ``SubnetPool``)."""
        from ..subnet import SubnetPool, SubnetSpec

        check_name(name)
        spec = SubnetSpec(cidrs, reserve)
        self._check_open()
        state = self._create(name, spec)
        return SubnetPool._attach(spec, state, name)

    def pool(self, name: str) -> Pool:
        """The existing address pool ``name``; ``PoolNotFound`` (an ``IPAMError``) if there is none."""
        return self._open_kind(name, "address")

    def subnet_pool(self, name: str) -> SubnetPool:
        """The existing subnet pool ``name``; ``PoolNotFound`` (an ``IPAMError``) if there is none."""
        return self._open_kind(name, "subnet")

    def get(self, name: str) -> Pool | SubnetPool:
        """The existing pool ``name`` of either kind (``pool.spec.kind`` says which)."""
        return self._open_kind(name, None)

    def pools(self) -> list[str]:
        """Names of all pools (both kinds), sorted."""
        self._check_open()
        return sorted(self._kinds())

    def pool_kinds(self) -> dict[str, str]:
        """``{name: kind}`` of all pools, sorted by name; a kind is ``"address"`` or ``"subnet"``."""
        self._check_open()
        return dict(sorted(self._kinds().items()))

    def delete_pool(self, name: str, *, force: bool = False) -> None:
        """Delete the pool ``name`` (either kind) and its allocations; one with allocations only when ``force=True``."""
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
    @overload
    def _open_kind(self, name: str, kind: Literal["address"]) -> Pool: ...
    @overload
    def _open_kind(self, name: str, kind: Literal["subnet"]) -> SubnetPool: ...
    @overload
    def _open_kind(self, name: str, kind: None) -> Pool | SubnetPool: ...

    def _open_kind(self, name: str, kind: str | None) -> Pool | SubnetPool:
        """The pool ``name``, which must be of ``kind`` (None: either)."""
        from ..pool import Pool
        from ..subnet import SubnetPool, SubnetSpec

        check_name(name)
        self._check_open()
        spec, state = self._open_pool(name)
        if kind is not None and spec.kind != kind:
            found, wanted = (("a subnet", "an address") if spec.kind == "subnet" else ("an address", "a subnet"))
            use = "subnet_pool" if spec.kind == "subnet" else "pool"
            raise WrongPoolKind(
                f"pool {shorten(name)} is {found} pool, not {wanted} pool: open it with store.{use}()",
                pool=name, kind=spec.kind, wanted=kind,
            )
        if isinstance(spec, SubnetSpec):
            return SubnetPool._attach(spec, state, name)
        return Pool._attach(spec, state, name)

    def _check_open(self) -> None:
        if self._closed:
            raise self._closed_error()

    def _closed_error(self) -> StoreError:
        return StoreError(f"IPAM store {mask_url(self.url)!r} is closed", url=mask_url(self.url))

    @staticmethod
    def _not_found(name: str) -> PoolNotFound:
        return PoolNotFound(f"no pool named {shorten(name)} in this store", pool=name)

    @staticmethod
    def _exists(name: str) -> PoolExists:
        return PoolExists(f"a pool named {shorten(name)} already exists in this store", pool=name)

    @staticmethod
    def _gone(name: str) -> PoolNotFound:
        """For a call on a pool deleted since it was opened."""
        return PoolNotFound(f"pool {shorten(name)} no longer exists (it was deleted)", pool=name)

    @staticmethod
    def _in_use(name: str, count: int) -> PoolInUse:
        what = "allocation" if count == 1 else "allocations"
        return PoolInUse(
            f"pool {shorten(name)} still has {count} {what}; release them or pass force=True to delete it anyway",
            pool=name, allocated=count,
        )

    # -- backend hooks --------------------------------------------------------------
    def _create(self, name: str, spec: Spec) -> PoolState:  # pragma: no cover - abstract
        """Record a new pool (its ``spec.kind`` and ``spec.to_json()``) and its initial free intervals."""
        raise NotImplementedError

    def _open_pool(self, name: str) -> tuple[Spec, PoolState]:  # pragma: no cover - abstract
        raise NotImplementedError

    def _kinds(self) -> dict[str, str]:  # pragma: no cover - abstract
        """``{name: kind}`` of every pool."""
        raise NotImplementedError

    def _delete(self, name: str, force: bool) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _close(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError
