"""What ``Pool`` and ``SubnetPool`` share: binding a spec to a ``PoolState``, description,
release by owner, listings, the free set and ``stats()``; each kind adds its allocation
algorithm and says how a ``Span`` reads as its item (an ``IP`` or an ``IPNet``)."""

from __future__ import annotations

from typing import Any, Callable, ClassVar, Generic, Iterable, Iterator, TypeVar

from .._errors import shorten
from .._keys import HI, LO
from .._set import IPSet
from ._coerce import check_owner
from ._intervals import give_back, runs
from ._state import Owner, PoolState, Span
from .errors import StoreError
from .spec import Spec

__all__ = ["PoolStats", "PoolBase"]

SpecT = TypeVar("SpecT", bound=Spec)
ItemT = TypeVar("ItemT")
Self = TypeVar("Self", bound="PoolBase[Any, Any]")


class PoolStats:
    """Counts of a pool in addresses (exact ints, even for an IPv6 /64).

    A frozen, slotted value written out by hand rather than a dataclass: ``dataclasses``
    imports ``inspect``, which costs a short-lived process (the CNI plugin) more than its work.
    """

    __slots__ = ("size", "allocated", "free")
    __match_args__ = ("size", "allocated", "free")

    size: int
    """Addresses that can be handed out: the ranges minus network/broadcast, gateway, reserve."""
    allocated: int
    free: int

    def __init__(self, size: int, allocated: int, free: int) -> None:
        object.__setattr__(self, "size", size)
        object.__setattr__(self, "allocated", allocated)
        object.__setattr__(self, "free", free)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"PoolStats is immutable (cannot set {name!r})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"PoolStats is immutable (cannot delete {name!r})")

    def _key(self) -> tuple[int, int, int]:
        return (self.size, self.allocated, self.free)

    def __eq__(self, other: object) -> bool:
        return self._key() == other._key() if type(other) is PoolStats else NotImplemented

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"PoolStats(size={self.size}, allocated={self.allocated}, free={self.free})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (PoolStats, self._key())


LEASES = "leases"
"""Extension state set once a pool has held a lease: pools without one never ask the clock."""

STATE_KEYS = (LEASES, "round_robin.4", "round_robin.6")
"""The extension state entries the pool algorithms keep (``pool.py``): the lease mark, the round-robin cursors."""


class CorruptState(StoreError):
    """A pool's stored state is no state netx writes (a damaged file, a hand edit); SQL stores name themselves
    in the message (``SqlStore._translate``)."""


def state_problem(key: str, value: object) -> str | None:
    """What is wrong with the value of one extension state entry (None: nothing, or a key not in ``STATE_KEYS``):
    the lease mark is ``"1"``, a round-robin cursor the decimal key of an address of its family (netx._keys)."""
    if key == LEASES:
        return None if value == "1" else f"{key!r}: {shorten(value)} is not \"1\""
    family = 4 if key == "round_robin.4" else 6 if key == "round_robin.6" else None
    if family is None:
        return None
    if not (type(value) is str and len(value) <= 40 and value.isascii() and value.isdigit()
            and LO[family] <= int(value) <= HI[family]):
        return f"{key!r}: {shorten(value)} is not the key of an IPv{family} address"
    return None


def _owner_list(owners: Any) -> list[Any]:
    """``valid_owners`` as a list; one string is a mistake (it would be iterated by character)."""
    if isinstance(owners, str):
        raise TypeError(f"valid_owners must be an iterable of owners, not the string {owners[:60]!r}")
    return list(owners)


def _label(kind: str, items: tuple[Any, ...]) -> str:
    """How messages name an unnamed pool: ``"pool 10.0.0.0/24, fd00::/64"``."""
    text = ", ".join(str(r) for r in items)
    return f"{kind} {text if len(text) <= 80 else text[:77] + '...'}"


class PoolBase(Generic[SpecT, ItemT]):
    """A spec bound to a ``PoolState``; every method is one transaction on that state, so a pool
    may be shared between threads (and, through a store, between processes)."""

    __slots__ = ("_spec", "_state", "_name", "_label")

    _what: ClassVar[str]  # "pool" / "subnet pool", in messages
    _spec: SpecT
    _state: PoolState
    _name: str | None
    _label: str

    @classmethod
    def _attach(cls: type[Self], spec: Any, state: PoolState, name: str | None = None) -> Self:
        """The algorithm bound to any ``PoolState`` (how stores build their pools)."""
        pool = object.__new__(cls)
        pool._bind(spec, state, name)
        return pool

    def _bind(self, spec: SpecT, state: PoolState, name: str | None) -> None:
        self._spec = spec
        self._state = state
        self._name = name
        self._label = f"{self._what} {name!r}" if name is not None else _label(self._what, self._ranges())

    def _ranges(self) -> tuple[Any, ...]:  # pragma: no cover - abstract
        raise NotImplementedError

    def _item(self, span: Span) -> ItemT:  # pragma: no cover - abstract
        """What callers see of an allocation: an ``IP`` or an ``IPNet``."""
        raise NotImplementedError

    # -- description ----------------------------------------------------------------
    @property
    def name(self) -> str | None:
        """The store's name for the pool; None for an in-memory pool."""
        return self._name

    @property
    def spec(self) -> SpecT:
        """The pool's immutable definition."""
        return self._spec

    @property
    def reserve(self) -> tuple[Any, ...]:
        return self._spec.reserve

    def __repr__(self) -> str:
        fields = self._spec._fields()
        parts = [repr(str(r)) for r in self._ranges()]
        if fields["reserve"]:
            parts.append(f"reserve={tuple(fields['reserve'])!r}")
        if fields.get("gateway") is not None:
            parts.append(f"gateway={fields['gateway']!r}")
        if fields.get("strategy", "lowest") != "lowest":
            parts.append(f"strategy={fields['strategy']!r}")
        if self._name is not None:
            parts.insert(0, f"name={self._name!r}")
        return f"{type(self).__name__}({', '.join(parts)})"

    # -- shared operations --------------------------------------------------------------
    # -- leases (an expired allocation is free again; it waits in the state until reclaimed) ----
    def _clock(self) -> float | None:
        """Inside a transaction: the lease clock if this pool ever held a lease, else None (no clock read)."""
        state = self._state
        return state.now() if state.ext_get(LEASES) is not None else None

    def _alive(self, span: Span | None) -> Span | None:
        """Inside a transaction: ``span``, unless it is None or a lease past its expiry (free again)."""
        if span is None or span.expires is None:
            return span
        now = self._clock()
        return None if now is not None and span.expired(now) else span

    def _live(self, spans: Iterable[Span], now: float | None) -> list[Span]:
        """The spans that are really allocated (not leases past their expiry)."""
        return list(spans) if now is None else [s for s in spans if not s.expired(now)]

    def _reclaim(self, limit: int) -> int:
        """Inside a transaction that found too little free space: free up to ``limit`` expired leases,
        the oldest first (cost follows ``limit``, never the number of expired leases). How many."""
        now = self._clock()
        if now is None:
            return 0
        state = self._state
        spans = state.alloc_expired(now, limit)
        if spans:
            state.alloc_del(spans)
            give_back(state, runs((s.start, s.last) for s in spans))
        return len(spans)

    # -- shared operations --------------------------------------------------------------
    def release_owner(self, owner: str | None) -> list[ItemT]:
        """Give back every allocation of ``owner``; returns them, sorted."""
        owner = check_owner(owner)
        state = self._state
        with state.transaction():
            spans = state.alloc_of(owner)
            live = self._live(spans, self._clock())
            if spans:
                state.alloc_del(spans)
                give_back(state, runs((s.start, s.last) for s in spans))
        return [self._item(s) for s in live]

    def reconcile(
        self, valid_owners: Iterable[str | None], *, dry_run: bool = False,
        where: Callable[[str | None], bool] | None = None,
    ) -> list[tuple[ItemT, str | None]]:
        """Release every allocation whose owner is not in ``valid_owners``, in one transaction.

        Returns what was released (with ``dry_run``: what would be, changing nothing), in
        address order. ``where`` narrows the owners this reconcile is about (say, one node's
        attachments on a store shared by a cluster); the others are left alone. Calico's
        ``ipam check`` / ``release``, CNI ``GC``.
        """
        valid = {check_owner(o) for o in _owner_list(valid_owners)}
        state = self._state
        with state.transaction():
            live = self._live(state.alloc_iter(), self._clock())
            stale = [s for s in live if s.owner not in valid and (where is None or where(s.owner))]
            if stale and not dry_run:
                state.alloc_del(stale)
                give_back(state, runs((s.start, s.last) for s in stale))
        return [(self._item(s), s.owner) for s in stale]

    def _held_by(self, owner: Owner) -> list[ItemT]:
        owner = check_owner(owner)
        with self._state.transaction(readonly=True):
            spans = self._live(self._state.alloc_of(owner), self._clock())
        return [self._item(s) for s in spans]

    def allocations(self) -> Iterator[tuple[ItemT, str | None]]:
        """``(item, owner)`` for every allocation, in address order (a consistent snapshot)."""
        with self._state.transaction(readonly=True):
            spans = self._live(self._state.alloc_iter(), self._clock())
        return ((self._item(s), s.owner) for s in spans)

    def _page(self, after: int | None, limit: int) -> list[Span]:
        """Up to ``limit`` allocations starting after key ``after`` (None: from the first), one transaction:
        how the service layer streams a listing of any length in bounded memory."""
        with self._state.transaction(readonly=True):
            now = self._clock()
            out = []
            for span in self._state.alloc_iter(0 if after is None else after + 1):
                if now is not None and span.expired(now):
                    continue
                out.append(span)
                if len(out) >= limit:
                    break
        return out

    def free_set(self) -> IPSet:
        """What can still be handed out, as an ``IPSet`` (one consistent read)."""
        with self._state.transaction(readonly=True):
            intervals = runs(self._state.free_iter(0))  # a store may keep adjacent intervals apart (PostgreSQL)
            expired = self._expired_spans()
        if expired:
            return IPSet._from_keys(intervals) | IPSet._from_keys(runs((s.start, s.last) for s in expired))
        return IPSet._from_keys(intervals)

    def _expired_spans(self) -> list[Span]:
        """Inside a transaction: every expired lease not reclaimed yet (listings and counts skip them)."""
        now = self._clock()
        if now is None:
            return []
        return self._state.alloc_expired(now, max(1, self._state.alloc_totals().allocations))

    def stats(self) -> PoolStats:
        """``PoolStats(size, allocated, free)`` counted in addresses, without touching the free intervals."""
        with self._state.transaction(readonly=True):
            allocated = self._state.alloc_totals().keys - sum(s.last - s.start + 1 for s in self._expired_spans())
        size = self._spec.size
        return PoolStats(size, allocated, size - allocated)
