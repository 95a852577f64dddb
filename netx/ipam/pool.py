"""``Pool``: IP addresses handed out one by one — the one address allocation algorithm.

``Pool`` is written only against the ``PoolState`` protocol (``_state.py``): free
intervals of keys, allocated spans and extension state (the round-robin cursors),
every call inside one ``with state.transaction():``. ``MemoryState`` keeps them in
lists and dicts; the SQLite and PostgreSQL stores keep them as indexed rows. A call
is a handful of point queries and updates on the free intervals, so a /8 or an IPv6
/64 costs what a /24 costs, and memory grows with allocations, never with the size
of the pool. The definition lives in ``spec.py``, argument checks in ``_coerce.py``,
the interval steps in ``_intervals.py``, what ``SubnetPool`` shares in ``_base.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Sequence

from .._ip import IP
from .._keys import HI, LO, family_of, ip_of, key_of
from .._net import IPNet
from .._range import IPRange
from ._base import LEASES, CorruptState, PoolBase, PoolStats, state_problem
from ._coerce import STRATEGIES, as_ip, check_count, check_ensure_owner, check_owner, check_ttl, check_version
from ._intervals import carve, free_at_or_after, give_back, holding
from ._memory import MemoryState
from ._state import Interval, Owner, PoolState, Span
from .errors import AlreadyAllocated, IPAMError, NotInPool, PoolExhausted, Reserved
from .spec import PoolSpec

if TYPE_CHECKING:
    import random
    from datetime import datetime

__all__ = ["Pool", "PoolSpec", "PoolStats", "STRATEGIES"]

_DRAWS = 32
"""``random``: uniform draws over the ranges tried before one weighted pass over the free intervals."""


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}es"


def _cursor(state: PoolState, family: int) -> int | None:
    """The key round_robin handed out last in ``family`` (extension state ``round_robin.4`` / ``.6``), or None;
    one that is no key of that family (a damaged store) -> ``CorruptState``."""
    value = state.ext_get(f"round_robin.{family}")
    if value is None:
        return None
    try:
        key = int(value)
    except ValueError:
        key = -1
    if not LO[family] <= key <= HI[family]:
        problem = state_problem(f"round_robin.{family}", value) or f"'round_robin.{family}': {value!r}"
        raise CorruptState(f"the pool's round-robin cursor {problem} (pools.ext)")
    return key


def _set_cursor(state: PoolState, key: int) -> None:
    state.ext_set(f"round_robin.{family_of(key)}", str(key))


class Pool(PoolBase[PoolSpec, IP]):
    """A pool of IP addresses handed out one by one (``lowest``, ``round_robin`` or ``random``).

    Every method is one atomic transaction on the pool's state, so a pool may be shared
    between threads (and, through a store, between processes).
    """

    __slots__ = ("_generator",)

    _generator: random.Random | None

    _what = "pool"

    def __init__(
        self, *ranges: Any, reserve: Iterable[Any] = (), gateway: Any = None, strategy: str = "lowest"
    ) -> None:
        spec = PoolSpec(ranges, reserve, gateway, strategy)
        self._bind(spec, MemoryState(spec.initial_free()), None)

    def _bind(self, spec: PoolSpec, state: PoolState, name: str | None) -> None:
        super()._bind(spec, state, name)
        self._generator = None

    @property
    def _rng(self) -> random.Random:
        """The pool's generator of random draws, made on first use (``random`` is not imported before)."""
        rng = self._generator
        if rng is None:
            import random

            rng = self._generator = random.Random()
        return rng

    def _ranges(self) -> tuple[IPNet | IPRange, ...]:
        return self._spec.ranges

    def _item(self, span: Span) -> IP:
        return ip_of(span.start)

    # -- description ----------------------------------------------------------------
    @property
    def ranges(self) -> tuple[IPNet | IPRange, ...]:
        return self._spec.ranges

    @property
    def gateway(self) -> IP | None:
        return self._spec.gateway

    @property
    def strategy(self) -> str:
        return self._spec.strategy

    def __contains__(self, item: Any) -> bool:
        """True for an address inside the pool's ranges (reserved ones included).

        A string that is no address is an error (as with ``IPNet``), not a silent False.
        """
        return self._spec._holds(key_of(as_ip(item)))

    # -- allocation -------------------------------------------------------------------
    def _families(self, version: Any) -> tuple[int, ...]:
        if version is None:
            return self._spec.families
        if check_version(version) not in self._spec.families:
            raise NotInPool(f"{self._label} has no IPv{version} range", pool=self._name)
        return (version,)

    def _narrowed(self, families: Sequence[int]) -> int | None:
        """The family a request was narrowed to in a dual-stack pool, else None."""
        return families[0] if len(families) < len(self._spec.families) else None

    def _exhausted(self, families: Sequence[int], free: int, n: int | None = None) -> PoolExhausted:
        """For ``allocate`` (``n`` None: one address) or ``allocate_many(n)``."""
        version = self._narrowed(families)
        what = f"free {'' if version is None else f'IPv{version} '}address"
        if n is None:
            message, n = f"{self._label} has no {what}", 1
        else:
            message = f"{self._label} has {_plural(free, what)}, {n} requested"
        return PoolExhausted(message, pool=self._name, requested=n, free=free, version=version)

    def _pick_random(self, family: int, drawn: Sequence[int] = ()) -> tuple[int, Interval] | None:
        """A free key of ``family`` drawn uniformly from all free keys, with its free interval.

        Draws over the ranges until one is free (uniform over the free keys: each is equally
        likely to be hit first); a mostly allocated pool falls back to one pass over the free
        intervals, picking one with probability proportional to its size. The cost depends on
        how full the pool is, never on its size. ``drawn``: the first draws, made already (by the fast path)."""
        state, spec, rng = self._state, self._spec, self._rng
        for i in range(_DRAWS):
            key = drawn[i] if i < len(drawn) else spec._random_key(family, rng)
            iv = holding(state, key)
            if iv is not None:
                return key, iv
        total, chosen = 0, None
        for a, b in state.free_iter(LO[family]):
            if a > HI[family]:
                break
            total += b - a + 1
            if rng.randrange(total) <= b - a:  # keep this interval with probability size / total
                chosen = (a, b)
        if chosen is None:
            return None
        return chosen[0] + rng.randrange(chosen[1] - chosen[0] + 1), chosen

    def _take_one(self, families: Sequence[int], drawn: Sequence[int] = ()) -> int | None:
        """Pick one free key by the pool's strategy, take it out of the free intervals (``drawn``: ``random``'s
        first draws in ``families[0]``, made already)."""
        state = self._state
        strategy = self._spec.strategy
        if strategy == "lowest":
            iv = state.free_ceil(LO[families[0]])
            if iv is None or iv[0] > HI[families[-1]]:
                return None
            carve(state, iv, iv[0], iv[0])
            return iv[0]
        for family in families:  # IPv4 while any is free, then IPv6
            if strategy == "random":
                found = self._pick_random(family, drawn if family == families[0] else ())
            else:  # round_robin: on from the cursor, wrapping (range by range in the order given)
                found = None
                for a, b in self._spec._windows(family, _cursor(state, family)):
                    found = free_at_or_after(state, a, b)
                    if found is not None:
                        break
            if found is not None:
                key, iv = found
                carve(state, iv, key, key)
                if strategy == "round_robin":
                    _set_cursor(state, key)
                return key
        return None

    # -- leases ---------------------------------------------------------------------
    def _expiry(self, ttl: Any) -> float | None:
        """Inside a transaction: when a lease of ``ttl`` seconds taken now ends (None: no lease); marks the pool."""
        if ttl is None:
            return None
        seconds = check_ttl(ttl)
        state = self._state
        if state.ext_get(LEASES) is None:
            state.ext_set(LEASES, "1")
        return state.now() + seconds

    def _take_reclaiming(self, families: Sequence[int], n: int, drawn: Sequence[int] = ()) -> list[int]:
        """``n`` free keys by the strategy; when too few are free, expired leases are reclaimed first
        (as many as needed, oldest first) and the pick is retried — all or nothing. ``drawn``: see ``_take_one``
        (used by the first pick only)."""
        while True:
            try:
                if n == 1:
                    key, drawn = self._take_one(families, drawn), ()
                    if key is None:
                        raise self._exhausted(families, 0)
                    return [key]
                take = self._take_random if self._spec.strategy == "random" else self._take_runs
                return take(families, n)
            except PoolExhausted:
                if not self._reclaim(n):
                    raise

    def allocate(
        self, owner: str | None = None, *, ip: Any = None, version: int | None = None, ttl: float | None = None
    ) -> IP:
        """Hand out one free address (or exactly ``ip``) to ``owner``.

        ``version=4``/``6`` picks the family of a dual-stack pool; without it IPv4 is
        handed out while any is free, then IPv6. ``ttl=SECONDS`` makes it a lease: free
        again once it expires (unless renewed), reclaimed by the next call that needs space.
        """
        owner = check_owner(owner)
        if ip is not None:
            return self._allocate_ip(as_ip(ip), owner, version, ttl)
        families = self._families(version)
        state = self._state
        take = getattr(state, "take", None)  # a store's one-statement path (PostgreSQL)
        drawn: Sequence[int] = ()
        if take is not None and ttl is None and self._spec.strategy != "round_robin":
            key, drawn = self._take_fast(take, families, owner)
            if key is not None and key != -1:
                return ip_of(key)
            # -1: the store declined; None: no free interval left, but expired leases may be reclaimable
        with state.transaction():
            expires = self._expiry(ttl)
            [key] = self._take_reclaiming(families, 1, drawn)
            state.alloc_put([Span(key, key, owner, expires)])
        return ip_of(key)

    def _take_fast(
        self, take: Callable[..., tuple[int | None, int]], families: Sequence[int], owner: Owner
    ) -> tuple[int | None, Sequence[int]]:
        """``allocate()`` through ``state.take(owner, lo, hi, draws, more)`` (see ``PgState.take``): the key, None
        (exhausted) or -1 (run ``_take_one`` instead, with the draws returned). A caller alone gets what
        ``_take_one`` picks: ``random`` makes the first draw ``_pick_random`` would make, and only when the store
        needs more (the first missed) peeks at the next ones on a copy of the generator, consuming those used."""
        spec = self._spec
        for family in families:  # IPv4 while any is free, then IPv6
            lo, hi = LO[family], HI[family]
            if spec.strategy == "lowest":
                key, _ = take(owner, lo, hi)
                if key is not None:
                    return key, ()
                continue
            rng = self._rng
            first = spec._random_key(family, rng)

            def more(family: int = family) -> list[int]:
                probe = type(rng)(0)
                probe.setstate(rng.getstate())
                return [spec._random_key(family, probe) for _ in range(_DRAWS - 1)]

            key, used = take(owner, lo, hi, (first,), more)
            if key is None or key == -1:
                return -1, (first,)  # no draw hit (a nearly full pool, or concurrent calls): the general algorithm decides
            for _ in range(used - 1):  # the draws after the first that the general algorithm would have made
                spec._random_key(family, rng)
            return key, ()
        return None, ()

    def _allocate_ip(self, ip: IP, owner: str | None, version: Any, ttl: Any = None) -> IP:
        if version is not None:
            self._families(version)
            if ip._ver != version:
                raise IPAMError(f"{str(ip)!r} is not an IPv{version} address", pool=self._name)
        key = key_of(ip)
        if not self._spec._holds(key):
            raise NotInPool(f"{str(ip)!r} is not in {self._label}", pool=self._name, address=ip)
        state = self._state
        with state.transaction():
            expires = self._expiry(ttl)
            holder = None
            iv = holding(state, key)
            if iv is None:
                holder = state.alloc_at(key)
                now = self._clock()
                if holder is not None and now is not None and holder.expired(now):  # a lapsed lease: free again
                    state.alloc_del([holder])
                    give_back(state, [(key, key)])
                    holder, iv = None, holding(state, key)
            if iv is not None:
                carve(state, iv, key, key)
                state.alloc_put([Span(key, key, owner, expires)])
                if self._spec.strategy == "round_robin":
                    _set_cursor(state, key)
                return ip
        if holder is not None:
            raise AlreadyAllocated(
                f"{str(ip)!r} is already allocated in {self._label} (owner {holder.owner!r})",
                pool=self._name, address=ip, owner=holder.owner,
            )
        why = self._spec._why_blocked(key)
        raise Reserved(f"{str(ip)!r} {why} in {self._label}", pool=self._name, address=ip, reason=why)

    def allocate_many(
        self, n: int, owner: str | None = None, *, version: int | None = None, ttl: float | None = None
    ) -> list[IP]:
        """Hand out ``n`` addresses to ``owner`` at once: all of them, or none (``PoolExhausted``);
        ``ttl=`` makes them leases."""
        check_count(n)
        owner = check_owner(owner)
        families = self._families(version)
        state = self._state
        with state.transaction():
            expires = self._expiry(ttl)
            keys = self._take_reclaiming(families, n)
            state.alloc_put([Span(key, key, owner, expires) for key in keys])
        return [ip_of(key) for key in keys]

    def ensure(self, owner: str, n: int = 1, *, version: int | None = None, ttl: float | None = None) -> list[IP]:
        """The ``n`` lowest addresses ``owner`` holds (in that family, if given), allocating only what is missing.

        Idempotent: calling it again changes nothing and returns the same addresses. One
        transaction, all or nothing (``PoolExhausted`` when the missing ones are not free).
        With ``ttl=`` the ``n`` addresses returned are leases ending ``ttl`` seconds from now
        (the ones already held are renewed).
        """
        owner = check_ensure_owner(owner)
        check_count(n)
        families = self._families(version)
        state = self._state
        with state.transaction():
            expires = self._expiry(ttl)
            spans = self._live(state.alloc_of(owner), self._clock())
            held = [s for s in spans if family_of(s.start) in families]
            missing = n - len(held)
            new = self._take_reclaiming(families, missing) if missing > 0 else []
            state.alloc_put([Span(key, key, owner, expires) for key in new])
            keep = sorted([s.start for s in held] + new)[:n]
            if expires is not None:
                for span in held:
                    if span.start in keep:
                        state.alloc_expire(span, expires)
        return [ip_of(key) for key in keep]

    def renew(self, ip: Any, ttl: float) -> bool:
        """Extend the lease of an allocated address to ``ttl`` seconds from now (an allocation without one
        becomes a lease); False when it is not allocated — an expired lease is not allocated any more."""
        check_ttl(ttl)  # bad input is an error whether or not the address is held
        key = self._key_in_pool(ip)
        if key is None:
            return False
        state = self._state
        with state.transaction():
            span = self._alive(state.alloc_at(key))
            if span is None:
                return False
            state.alloc_expire(span, self._expiry(ttl))
        return True

    def leases(self) -> Iterator[tuple[IP, str | None, datetime | None]]:
        """``(address, owner, expires)`` for every allocation in address order; ``expires`` is an aware UTC
        ``datetime``, or None for an allocation without a lease. Expired leases are not listed."""
        from datetime import datetime, timezone

        with self._state.transaction():
            spans = self._live(self._state.alloc_iter(), self._clock())
        return (
            (ip_of(s.start), s.owner, None if s.expires is None else datetime.fromtimestamp(s.expires, timezone.utc))
            for s in spans
        )

    def _count_free(self, families: Sequence[int], n: int) -> int:
        """Free keys in ``families``, counting stops at ``n`` (so it is O(n) at worst)."""
        total = 0
        for family in families:
            hi = HI[family]
            for start, end in self._state.free_iter(LO[family]):
                if start > hi:
                    break
                total += end - start + 1
                if total >= n:
                    return total
        return total

    def _take_random(self, families: Sequence[int], n: int) -> list[int]:
        """``n`` keys picked one by one by the ``random`` strategy; fewer free -> ``PoolExhausted``, nothing taken."""
        free = self._count_free(families, n)
        if free < n:
            raise self._exhausted(families, free, n)
        keys: list[int] = []
        for _ in range(n):
            key = self._take_one(families)
            if key is None:  # counted free above: only an inconsistent state gets here
                raise self._exhausted(families, len(keys), n)
            keys.append(key)
        return keys

    def _take_runs(self, families: Sequence[int], n: int) -> list[int]:
        """``n`` keys in ``lowest`` / ``round_robin`` order, taken run by run; fewer free -> ``PoolExhausted``.

        The plan reads each free interval once: when it falls short it has seen every free key
        of ``families``, so it counts them too, and nothing was changed yet."""
        state = self._state
        round_robin = self._spec.strategy == "round_robin"
        plan: list[Interval] = []
        cursors: list[int] = []
        need = n
        for family in families:
            windows = self._spec._windows(family, _cursor(state, family)) if round_robin else [(LO[family], HI[family])]
            before = len(plan)
            for lo, hi in windows:  # lowest: the whole family; round_robin: on from the cursor, wrapping
                for a, b in state.free_iter(lo):
                    if a > hi:
                        break
                    a = max(a, lo)
                    b = min(b, hi, a + need - 1)
                    plan.append((a, b))
                    need -= b - a + 1
                    if not need:
                        break
                if not need:
                    break
            if round_robin and len(plan) > before:
                cursors.append(plan[-1][1])
            if not need:
                break
        if need:
            raise self._exhausted(families, n - need, n)
        for key in cursors:
            _set_cursor(state, key)
        for a, b in plan:
            iv = state.free_floor(a)  # earlier pieces may have split the interval: look it up again
            if iv is None:  # planned from the free intervals: only an inconsistent state gets here
                raise IPAMError(f"{self._label}: no free interval holds key {a} (pool state inconsistent)")
            carve(state, iv, a, b)
        return [key for a, b in plan for key in range(a, b + 1)]

    # -- release ----------------------------------------------------------------------
    def release(self, ip: Any) -> bool:
        """Give an address back; False when it was not allocated (or is not in the pool)."""
        key = self._key_in_pool(ip)
        if key is None:
            return False
        state = self._state
        with state.transaction():
            span = state.alloc_at(key)
            if span is None:
                return False
            now = self._clock() if span.expires is not None else None
            state.alloc_del([span])
            give_back(state, [(key, key)])
        return now is None or not span.expired(now)  # a lapsed lease was free already

    # -- queries ------------------------------------------------------------------------
    def _key_in_pool(self, ip: Any) -> int | None:
        """The key of an address inside the pool's ranges; None for one outside them."""
        key = key_of(as_ip(ip))
        return key if self._spec._holds(key) else None

    def _holder(self, ip: Any) -> Span | None:
        key = self._key_in_pool(ip)
        if key is None:
            return None
        with self._state.transaction(readonly=True):
            return self._alive(self._state.alloc_at(key))

    def owner_of(self, ip: Any) -> str | None:
        """The owner of an allocated address; None if it is not allocated (see ``is_allocated``)."""
        span = self._holder(ip)
        return None if span is None else span.owner

    def is_allocated(self, ip: Any) -> bool:
        """True if the address is handed out."""
        return self._holder(ip) is not None

    def addresses_of(self, owner: str | None) -> list[IP]:
        """The addresses allocated to ``owner``, sorted."""
        return self._held_by(owner)
