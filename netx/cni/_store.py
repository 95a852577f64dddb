"""The plugin's only contact with the IPAM: one netx pool per range set of a CNI network.

A range set becomes the pool ``"<network>/<index>"``: its ranges are the set's
``rangeStart-rangeEnd`` (``IPRange``s), its reserve the gateway of each range that
falls inside that range (host-local skips it there), its strategy the config's
``strategy`` (``round_robin`` by default, whose cursor is the set's "last reserved
IP" as in host-local). An attachment is one owner string, ``"<containerID>/<ifname>"``,
prefixed by ``"<node>/"`` on a shared (PostgreSQL) store so that one node's ``GC``
only ever touches its own attachments.

Everything the plugin asks of the store goes through ``Network``; nothing else in
``netx.cni`` imports ``netx.ipam``.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Sequence
from urllib.parse import quote

from .._ip import IP
from .._range import IPRange
from .config import NetConf, Range
from .errors import EXHAUSTED, INVALID_CONFIG, IO_FAILURE, NOT_FOUND, UNAVAILABLE_IP, CNIError

if TYPE_CHECKING:
    from ..ipam.pool import Pool, PoolSpec
    from ..ipam.store import Store

__all__ = ["Network", "store_url", "DB_FILE"]

DB_FILE = "netx-ipam.db"
"""The SQLite file of a network under ``dataDir/<network>/`` when the config names no ``store``."""


def store_url(conf: NetConf) -> str:
    """The config's ``store``, else ``sqlite:///`` + ``dataDir/<network>/netx-ipam.db`` (the directory is created)."""
    if conf.store is not None:
        return conf.store
    directory = os.path.join(conf.data_dir, conf.name)
    try:
        os.makedirs(directory, mode=0o755, exist_ok=True)
    except OSError as exc:
        raise CNIError(IO_FAILURE, f"cannot create the data directory {directory!r}: {exc.strerror or exc}") from None
    return "sqlite:///" + quote(os.path.join(directory, DB_FILE))


def _set_text(ranges: Sequence[Range]) -> str:
    return ",".join(str(r) for r in ranges)


class Network:
    """The pools of one CNI network in a netx store; every method is a few atomic store calls."""

    __slots__ = ("conf", "scope", "_store", "_pools")

    def __init__(self, conf: NetConf) -> None:
        from .. import ipam

        self.conf = conf
        url = store_url(conf)
        self._store: Store = ipam.open(url)
        shared = url.split(":", 1)[0].lower() in ("postgresql", "postgres")
        self.scope = conf.node
        if self.scope is None and shared:
            import socket

            self.scope = socket.gethostname()
        self._pools: dict[int, Pool] = {}

    def close(self) -> None:
        self._store.close()

    # -- owners ---------------------------------------------------------------------------
    def owner(self, container_id: str, ifname: str) -> str:
        """The owner string of the attachment ``(network, container_id, ifname)`` in this network's pools."""
        return f"{container_id}/{ifname}" if self.scope is None else f"{self.scope}/{container_id}/{ifname}"

    def _in_scope(self, owner: str | None) -> bool:
        """True for an attachment owner this node made (the only ones its GC may release)."""
        if owner is None:
            return False
        if self.scope is None:
            return owner.count("/") == 1
        return owner.startswith(self.scope + "/") and owner.count("/") == self.scope.count("/") + 2

    # -- pools ----------------------------------------------------------------------------
    def _pool_name(self, index: int) -> str:
        return f"{self.conf.name}/{index}"

    def _spec(self, index: int) -> PoolSpec:
        from ..ipam.pool import PoolSpec

        ranges = self.conf.range_sets[index]
        reserve = [r.gateway for r in ranges if r.start <= r.gateway <= r.end]
        return PoolSpec([IPRange(r.start, r.end) for r in ranges], reserve, None, self.conf.strategy)

    def pool(self, index: int) -> Pool:
        """The pool of range set ``index``, created on first use; a pool left by another config -> code 7."""
        pool = self._pools.get(index)
        if pool is not None:
            return pool
        from ..ipam import PoolExists, PoolNotFound

        name, spec = self._pool_name(index), self._spec(index)
        store = self._store
        for _ in range(3):  # another process may create or replace the pool meanwhile
            try:
                pool = store.pool(name)
            except PoolNotFound:
                try:
                    pool = store.create_pool(name, *spec.ranges, reserve=spec.reserve, strategy=spec.strategy)
                except PoolExists:
                    continue
            if pool.spec == spec:
                self._pools[index] = pool
                return pool
            held = pool.stats().allocated
            if held:
                raise CNIError(
                    INVALID_CONFIG,
                    f"range set {index} of network {self.conf.name!r} changed while {held} of its addresses are in use",
                    f"pool {name!r} in the store has ranges {', '.join(str(r) for r in pool.ranges)}; "
                    f"the config asks for {_set_text(self.conf.range_sets[index])}. Restore the old ranges "
                    "until every container of the network is deleted, or use a new network name.",
                )
            try:
                store.delete_pool(name)
            except PoolNotFound:
                pass
        raise CNIError(INVALID_CONFIG, f"pool {name!r} keeps changing under this plugin; retry")

    def _network_pools(self) -> list[str]:
        prefix = self.conf.name + "/"
        return [n for n in self._store.pools() if n.startswith(prefix) and n[len(prefix):].isdigit()]

    # -- CNI commands -------------------------------------------------------------------------
    def add(self, owner: str, requested: Sequence[IP]) -> list[IP]:
        """One address per range set for ``owner`` (the ones it already holds, if any); all or none."""
        sets = self.conf.range_sets
        wanted = list(requested)
        picks: list[IP | None] = []
        for ranges in sets:  # host-local: the first requested address inside each set
            hit = next((ip for ip in wanted if any(r.holds(ip) for r in ranges)), None)
            if hit is not None:
                wanted.remove(hit)
            picks.append(hit)

        from ..ipam import AlreadyAllocated, NotInPool, PoolExhausted, Reserved

        out: list[IP] = []
        new: list[tuple[Pool, IP]] = []
        try:
            for index, want in enumerate(picks):
                pool = self.pool(index)
                held = pool.addresses_of(owner)
                if held:  # a retried ADD: the same address again
                    if want is not None and want not in held:
                        raise CNIError(
                            UNAVAILABLE_IP,
                            f"failed to allocate for range {index}: the attachment already holds {held[0]}, not {want}",
                        )
                    out.append(want if want is not None else held[0])
                    continue
                try:
                    ip = pool.allocate(owner, ip=want)
                except PoolExhausted:
                    raise CNIError(
                        EXHAUSTED,
                        f"failed to allocate for range {index}: no IP addresses available in range set: "
                        f"{_set_text(sets[index])}",
                    ) from None
                except (AlreadyAllocated, Reserved, NotInPool) as exc:
                    raise CNIError(
                        UNAVAILABLE_IP,
                        f"failed to allocate for range {index}: requested IP address {want} is not available "
                        f"in range set {_set_text(sets[index])}",
                        str(exc),
                    ) from None
                new.append((pool, ip))
                out.append(ip)
            if wanted:  # checked after allocating, as host-local does (its cursors have moved on)
                raise CNIError(UNAVAILABLE_IP, "failed to allocate all requested IPs: " + " ".join(map(str, wanted)))
        except BaseException:
            for pool, ip in new:  # roll back what this ADD took (as host-local does)
                try:
                    pool.release(ip)
                except Exception:  # noqa: BLE001 - best effort; the original error is the one to report
                    pass
            raise
        return out

    def delete(self, owner: str) -> list[IP]:
        """Release every address ``owner`` holds in this network's pools (any range set, old ones too)."""
        released: list[IP] = []
        for name in self._network_pools():
            from ..ipam import PoolNotFound

            try:
                released += self._store.pool(name).release_owner(owner)
            except PoolNotFound:  # deleted meanwhile: nothing left to release
                pass
        return released

    def check(self, owner: str, prev_ips: Sequence[IP] | None) -> list[IP]:
        """The addresses ``owner`` holds, one per range set; a set without one -> code 101."""
        held: list[IP] = []
        for index, ranges in enumerate(self.conf.range_sets):
            ips = self.pool(index).addresses_of(owner)
            if not ips:
                raise CNIError(
                    NOT_FOUND,
                    f"netx-ipam: no address of range set {index} ({_set_text(ranges)}) is allocated to "
                    f"attachment {owner!r} of network {self.conf.name!r}",
                )
            held += ips
            for ip in prev_ips or ():
                if any(r.holds(ip) for r in ranges) and ip not in ips:
                    raise CNIError(
                        NOT_FOUND,
                        f"netx-ipam: address {ip} of the previous result is not allocated to attachment {owner!r}",
                        f"the attachment holds {', '.join(str(i) for i in ips)} in range set {index}",
                    )
        return held

    def gc(self, valid_owners: set[str]) -> list[tuple[IP, str]]:
        """Release every attachment of this node not in ``valid_owners``; returns what was released."""
        from ..ipam import PoolNotFound

        released: list[tuple[IP, str]] = []
        for name in self._network_pools():
            try:
                pool = self._store.pool(name)
                stale = sorted({o for _, o in pool.allocations() if o is not None and self._in_scope(o) and o not in valid_owners})
                for owner in stale:
                    released += [(ip, owner) for ip in pool.release_owner(owner)]
            except PoolNotFound:
                pass
        return released

    def exhausted(self) -> list[int]:
        """Indexes of the range sets with no free address."""
        return [i for i in range(len(self.conf.range_sets)) if self.pool(i).stats().free <= 0]
