"""The IPAM service layer: the operations users run, with typed arguments and typed results.

The CLI (``netx/cli/``), the CNI plugin and any HTTP API are thin adapters over
``Service``: they turn their input into these calls and render the results, whose
``to_dict()`` is the JSON shape (netx values kept; ``netx.json`` turns them into
strings). Every error is a ``netx.ipam`` error with fields, so adapters never parse
messages. One ``Service`` wraps one ``Store``; each call is one or a few store
transactions (a listing longer than ``PAGE`` rows is read page by page).

    with Service.open(url) as ipam:
        ipam.create_pool("lab", ["10.0.0.0/24"], gateway="10.0.0.1")
        [a] = ipam.allocate_ip("lab", owner="web")
        ipam.release("lab", [a.item])

Opening with ``create=False`` (what read-only adapters do) never creates a store: a
missing one reads as empty, and a call that needs a pool says there is no store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterator, Literal, NamedTuple, Sequence

from .._ip import IP
from .._keys import ip_of
from .._net import IPNet
from .._range import IPRange
from ._coerce import MAX_MANY, as_ip, as_net, check_count, check_owner, check_ttl
from .errors import IPAMError, NotInPool, PoolDefinitionMismatch, PoolExists, PoolNotFound, StoreNotFound, WrongPoolKind
from .spec import PoolSpec, SubnetSpec

if TYPE_CHECKING:
    from datetime import datetime
    from types import TracebackType

    from ._state import Span
    from .pool import Pool
    from .store import Store
    from .subnet import SubnetPool

__all__ = [
    "Service", "PoolInfo", "Created", "Deleted", "Allocation", "Lease", "Released", "Renewed", "StoreInfo", "Kind", "PAGE",
    "MAX_MANY",
]

Kind = Literal["address", "subnet"]

PAGE = 1000
"""Rows a listing reads per transaction: memory stays bounded however many allocations a pool has."""



# -- results ---------------------------------------------------------------------------
# NamedTuples, not dataclasses: importing ``dataclasses`` (and ``inspect`` with it) and building
# each class would cost a short-lived process such as the CNI plugin more than its calls.
class PoolInfo(NamedTuple):
    """A pool as ``get pool`` shows it: definition and counts (in addresses, for both kinds)."""

    name: str
    kind: Kind
    ranges: tuple[IPNet | IPRange, ...]  # a subnet pool's parent CIDRs
    reserve: tuple[IP | IPNet | IPRange, ...]
    size: int
    allocated: int
    free: int
    strategy: str | None = None  # address pools only
    gateway: IP | None = None  # address pools only

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "kind": self.kind, "ranges": list(self.ranges)}
        if self.kind == "address":
            out.update(strategy=self.strategy, gateway=self.gateway)
        out.update(reserve=list(self.reserve), size=self.size, allocated=self.allocated, free=self.free)
        return out


class Created(NamedTuple):
    """The outcome of ``create_pool``: the pool, and whether this call created it."""

    pool: PoolInfo
    created: bool

    def to_dict(self) -> dict[str, Any]:
        return {**self.pool.to_dict(), "created": self.created}


class Deleted(NamedTuple):
    name: str
    deleted: bool

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "deleted": self.deleted}


class Allocation(NamedTuple):
    """One allocation: an address (``IP``) of an address pool, or a subnet (``IPNet``) of a subnet pool."""

    item: IP | IPNet
    owner: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"subnet" if isinstance(self.item, IPNet) else "ip": self.item, "owner": self.owner}


class Lease(NamedTuple):
    """One allocated address and when it expires (an aware UTC ``datetime``; None: held until released)."""

    item: IP
    owner: str | None
    expires: datetime | None

    def to_dict(self) -> dict[str, Any]:
        return {"ip": self.item, "owner": self.owner, "expires": self.expires}


class Released(NamedTuple):
    """What ``release`` gave back, and which of the given items were not allocated."""

    released: list[IP | IPNet]
    not_allocated: list[IP | IPNet]

    def to_dict(self) -> dict[str, Any]:
        return {"released": self.released, "not_allocated": self.not_allocated}


class Renewed(NamedTuple):
    """What ``renew`` extended, and which of the given addresses were not allocated."""

    renewed: list[IP]
    not_allocated: list[IP]

    def to_dict(self) -> dict[str, Any]:
        return {"renewed": self.renewed, "not_allocated": self.not_allocated}


class StoreInfo(NamedTuple):
    """Which store is in use: its URL (password masked), backend, file or schema, and layout version."""

    url: str
    backend: str
    exists: bool
    pools: int
    path: str | None = None  # sqlite: the file
    schema: str | None = None  # postgresql: the schema holding the tables
    schema_version: int | None = None  # SQL stores

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"url": self.url, "backend": self.backend}
        if self.path is not None:
            out["path"] = self.path
        if self.schema is not None:
            out["schema"] = self.schema
        out.update(exists=self.exists, schema_version=self.schema_version, pools=self.pools)
        return out


# -- the service -------------------------------------------------------------------------
def _info(name: str, pool: Pool | SubnetPool) -> PoolInfo:
    stats = pool.stats()
    spec = pool.spec
    if isinstance(spec, SubnetSpec):
        return PoolInfo(name, "subnet", spec.parents, spec.reserve, stats.size, stats.allocated, stats.free)
    return PoolInfo(
        name, "address", spec.ranges, spec.reserve, stats.size, stats.allocated, stats.free, spec.strategy, spec.gateway
    )


class Service:
    """The IPAM operations over one store. Use it as a context manager (or ``close()`` it)."""

    __slots__ = ("_store", "_missing", "url")

    url: str
    _store: Store | None  # None: opened with create=False and there is no store
    _missing: StoreNotFound | None

    def __init__(self, store: Store | None, url: str, missing: StoreNotFound | None = None) -> None:
        self._store, self.url, self._missing = store, url, missing

    @classmethod
    def open(cls, url: str | None = None, *, create: bool = True) -> Service:
        """The service on ``netx.ipam.open(url, create=create)``; with ``create=False`` a missing store reads as empty."""
        from .store import open as open_store
        from .store.url import default_url

        try:
            return cls(open_store(url, create=create), url or "")
        except StoreNotFound as exc:
            return cls(None, exc.url or url or default_url(create=False), exc)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()

    def __enter__(self) -> Service:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- helpers ------------------------------------------------------------------------
    def _need_store(self, name: str) -> Store:
        if self._store is None:
            raise PoolNotFound(f"no pool named {name!r}: {self._missing}", pool=name)
        return self._store

    def _pool(self, name: str, kind: Kind | None) -> Pool | SubnetPool:
        """The pool ``name``; of ``kind`` unless None (else ``WrongPoolKind``)."""
        pool = self._need_store(name).get(name)
        found = pool.spec.kind
        if kind is not None and found != kind:
            raise WrongPoolKind(
                f"pool {name!r} is {'a subnet' if found == 'subnet' else 'an address'} pool, not"
                f" {'a subnet' if kind == 'subnet' else 'an address'} pool", pool=name, kind=found, wanted=kind,
            )
        return pool

    def _address_pool(self, name: str) -> Pool:
        from .pool import Pool

        pool = self._pool(name, "address")
        assert isinstance(pool, Pool)
        return pool

    def _subnet_pool(self, name: str) -> SubnetPool:
        from .subnet import SubnetPool

        pool = self._pool(name, "subnet")
        assert isinstance(pool, SubnetPool)
        return pool

    # -- pools ----------------------------------------------------------------------------
    def create_pool(
        self, name: str, ranges: Sequence[Any], *, reserve: Sequence[Any] = (), gateway: Any = None,
        strategy: str = "lowest", if_not_exists: bool = False,
    ) -> Created:
        """Create the address pool ``name`` (the arguments of ``Pool``). With ``if_not_exists`` an existing
        pool of the same definition is kept (``created=False``); another definition -> ``PoolDefinitionMismatch``."""
        spec = PoolSpec(ranges, reserve, gateway, strategy)
        return self._create(name, spec, if_not_exists)

    def create_subnet_pool(
        self, name: str, parents: Sequence[Any], *, reserve: Sequence[Any] = (), if_not_exists: bool = False
    ) -> Created:
        """Create the subnet pool ``name`` over parent CIDRs (the arguments of ``SubnetPool``)."""
        spec = SubnetSpec(parents, reserve)
        return self._create(name, spec, if_not_exists)

    def _create(self, name: str, spec: PoolSpec | SubnetSpec, if_not_exists: bool) -> Created:
        store = self._need_store(name)
        try:
            if isinstance(spec, SubnetSpec):
                pool: Pool | SubnetPool = store.create_subnet_pool(name, *spec.parents, reserve=spec.reserve)
            else:
                pool = store.create_pool(
                    name, *spec.ranges, reserve=spec.reserve, gateway=spec.gateway, strategy=spec.strategy
                )
        except PoolExists:
            if not if_not_exists:
                raise
            existing = store.get(name)  # also when a concurrent creator won the race
            if existing.spec != spec:
                have, want = existing.spec.describe(), spec.describe()
                if existing.spec.kind != spec.kind:
                    have, want = f"{existing.spec.kind} pool {have}", f"{spec.kind} pool {want}"
                raise PoolDefinitionMismatch(
                    f"pool {name!r} already exists with another definition: existing {have}; requested {want}",
                    pool=name, existing=existing.spec, requested=spec,
                ) from None
            return Created(_info(name, existing), False)
        return Created(_info(name, pool), True)

    def get_pool(self, name: str) -> PoolInfo:
        """The pool ``name`` (either kind) with its counts."""
        return _info(name, self._pool(name, None))

    def list_pools(self) -> list[PoolInfo]:
        """Every pool, sorted by name."""
        if self._store is None:
            return []
        out = []
        for name in self._store.pools():
            try:
                out.append(_info(name, self._store.get(name)))
            except PoolNotFound:  # deleted since the names were read (another process): not listed
                continue
        return out

    def delete_pool(self, name: str, *, force: bool = False, if_exists: bool = False) -> Deleted:
        """Delete the pool ``name``; one with allocations only with ``force`` (else ``PoolInUse``)."""
        try:
            self._need_store(name).delete_pool(name, force=force)
        except PoolNotFound:
            if if_exists:
                return Deleted(name, False)
            raise
        return Deleted(name, True)

    def store_info(self) -> StoreInfo:
        """Which store this is (URL, backend, file or schema, layout version) and how many pools it holds."""
        from .store.url import mask_url, parse_url

        store = self._store
        where = parse_url(self.url if store is None else store.url)
        version = getattr(store, "schema_version", None)
        return StoreInfo(
            mask_url(where.url), where.kind, store is not None, 0 if store is None else len(store.pools()),
            path=where.path, schema=where.schema, schema_version=version,
        )

    # -- allocations -------------------------------------------------------------------------
    def allocate_ip(
        self, pool: str, *, owner: str | None = None, ip: Any = None, count: int = 1, version: int | None = None,
        ttl: float | None = None,
    ) -> list[Allocation]:
        """Hand out ``count`` addresses (all or nothing), or exactly ``ip``, to ``owner``; ``ttl=SECONDS``
        makes them leases (``Pool.allocate``)."""
        owner = check_owner(owner)
        check_count(count)
        if ttl is not None:
            check_ttl(ttl)
        p = self._address_pool(pool)
        if ip is not None:
            if count != 1:
                raise IPAMError("ip= allocates one particular address: it cannot be combined with count", pool=pool)
            ips = [p.allocate(owner, ip=as_ip(ip), version=version, ttl=ttl)]
        elif count == 1:
            ips = [p.allocate(owner, version=version, ttl=ttl)]
        else:
            ips = p.allocate_many(count, owner, version=version, ttl=ttl)
        return [Allocation(item, owner) for item in ips]

    def ensure_ip(
        self, pool: str, *, owner: str, count: int = 1, version: int | None = None, ttl: float | None = None
    ) -> list[Allocation]:
        """The ``count`` lowest addresses ``owner`` holds, allocating only what is missing (``Pool.ensure``):
        idempotent, so a retried or re-run request changes nothing. With ``ttl`` they are (renewed) leases."""
        p = self._address_pool(pool)
        return [Allocation(item, owner) for item in p.ensure(owner, count, version=version, ttl=ttl)]

    def renew(self, pool: str, ips: Sequence[Any], *, ttl: float) -> Renewed:
        """Make the leases of ``ips`` end ``ttl`` seconds from now (``Pool.renew``; one without a lease becomes
        one). Every address is checked to lie in the pool first (else ``NotInPool`` listing them); those not
        allocated (an expired lease is not) are reported, not raised."""
        check_ttl(ttl)
        p = self._address_pool(pool)
        out = Renewed([], [])
        for ip in _inside(p, pool, [as_ip(i) for i in ips]):
            (out.renewed if p.renew(ip, ttl) else out.not_allocated).append(ip)
        return out

    def leases(self, pool: str) -> Iterator[Lease]:
        """The allocated addresses of the address pool ``pool`` with their expiry, in address order, read
        ``PAGE`` rows at a time (like ``allocations``). Expired leases are not listed."""
        return self._lease_pages(self._address_pool(pool))

    @staticmethod
    def _lease_pages(p: Pool) -> Iterator[Lease]:
        from datetime import datetime, timezone

        for span in _spans(p):
            when = None if span.expires is None else datetime.fromtimestamp(span.expires, timezone.utc)
            yield Lease(ip_of(span.start), span.owner, when)

    def reconcile(
        self, pool: str, valid_owners: Sequence[str | None], *, dry_run: bool = False,
        where: Callable[[str | None], bool] | None = None, kind: Kind | None = None,
    ) -> list[Allocation]:
        """Release (with ``dry_run``: only list) every allocation whose owner is not in ``valid_owners``,
        in one transaction (``Pool.reconcile``); ``where`` narrows which owners are reconciled; ``kind``
        (when given) is the kind of pool expected (else ``WrongPoolKind``)."""
        p = self._pool(pool, kind)
        return [Allocation(item, owner) for item, owner in p.reconcile(valid_owners, dry_run=dry_run, where=where)]

    def allocate_subnet(
        self, pool: str, *, prefixlen: int | None = None, owner: str | None = None, subnet: Any = None,
        count: int = 1, version: int | None = None,
    ) -> list[Allocation]:
        """Hand out ``count`` aligned /prefixlen subnets (all or nothing), or exactly ``subnet``, to ``owner``."""
        owner = check_owner(owner)
        check_count(count)
        p = self._subnet_pool(pool)
        if subnet is not None:
            if count != 1:
                raise IPAMError("subnet= allocates one particular subnet: it cannot be combined with count", pool=pool)
            nets = [p.allocate(prefixlen, owner, subnet=as_net(subnet), version=version)]
        elif prefixlen is None:
            raise IPAMError("give a prefix length (or one particular subnet)", pool=pool)
        elif count == 1:
            nets = [p.allocate(prefixlen, owner, version=version)]
        else:
            nets = p.allocate_many(count, prefixlen, owner, version=version)
        return [Allocation(item, owner) for item in nets]

    def ensure_subnet(
        self, pool: str, *, owner: str, prefixlen: int, count: int = 1, version: int | None = None
    ) -> list[Allocation]:
        """The ``count`` lowest /prefixlen subnets ``owner`` holds, allocating only what is missing
        (``SubnetPool.ensure``): idempotent, like ``ensure_ip``."""
        p = self._subnet_pool(pool)
        return [Allocation(item, owner) for item in p.ensure(owner, prefixlen, count, version=version)]

    def release(
        self, pool: str, items: Sequence[Any] = (), *, owner: str | None = None, kind: Kind | None = None
    ) -> Released:
        """Give back ``items`` (every one checked to lie in the pool before any is released: else ``NotInPool``
        listing them), or every allocation of ``owner``. Items that were not allocated are reported, not raised."""
        if bool(items) == (owner is not None):
            raise IPAMError(
                "give the items to release or an owner, not both" if items else "give the items to release or an owner",
                pool=pool,
            )
        p = self._pool(pool, kind)
        if owner is not None:
            return Released(list(p.release_owner(check_owner(owner))), [])
        subnet = p.spec.kind == "subnet"
        out = Released([], [])
        for item in _inside(p, pool, [as_net(i) if subnet else as_ip(i) for i in items]):
            (out.released if p.release(item) else out.not_allocated).append(item)
        return out

    def allocations(self, pool: str, *, owner: str | None = None) -> Iterator[Allocation]:
        """The allocations of ``pool`` (or of its ``owner``) in address order, read ``PAGE`` rows at a time:
        each page is consistent, the whole listing is not a snapshot."""
        p = self._pool(pool, None)
        if owner is not None:
            owner = check_owner(owner)
            return iter([Allocation(item, owner) for item in p._held_by(owner)])
        return self._pages(p)

    @staticmethod
    def _pages(p: Pool | SubnetPool) -> Iterator[Allocation]:
        return (Allocation(p._item(span), span.owner) for span in _spans(p))


def _inside(p: Pool | SubnetPool, pool: str, items: list[Any]) -> list[Any]:
    """``items`` without repeats, once every one is known to lie in ``p`` (else ``NotInPool`` listing those outside)."""
    unique = list(dict.fromkeys(items))
    outside = [item for item in unique if item not in p]
    if outside:
        raise NotInPool(
            f"not in pool {pool!r}: {', '.join(map(str, outside))}", pool=pool,
            address=outside[0] if len(outside) == 1 else outside,
        )
    return unique


def _spans(p: Pool | SubnetPool) -> Iterator[Span]:
    """Every live allocation of ``p`` in key order, ``PAGE`` rows per read transaction."""
    after = None
    while True:
        page = p._page(after, PAGE)
        yield from page
        if len(page) < PAGE:
            return
        after = page[-1].start
