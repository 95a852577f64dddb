"""The plugin's only contact with the IPAM: a thin adapter over ``netx.ipam.service.Service``.

A range set becomes the address pool ``"<network>/<index>"``: its ranges are the set's
``rangeStart-rangeEnd`` (``IPRange``s), its reserve the gateway of each range that falls
inside that range (host-local skips it there), its strategy the config's ``strategy``
(``round_robin`` by default, whose cursor is the set's "last reserved IP" as in
host-local). An attachment is one owner string, ``"<containerID>/<ifname>"``, prefixed
by ``"<node>/"`` on a shared (PostgreSQL) store so that one node's ``GC`` only ever
touches its own attachments. ``ADD`` is ``Service.ensure_ip`` (idempotent by owner),
``DEL`` ``release(owner=)``, ``GC`` ``reconcile``.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Sequence

from .._ip import IP
from .._range import IPRange
from ..ipam.store.url import sqlite_url
from .config import NetConf, Range
from .errors import EXHAUSTED, INVALID_CONFIG, IO_FAILURE, NOT_FOUND, UNAVAILABLE_IP, CNIError

if TYPE_CHECKING:
    from ..ipam.service import Service

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
    return sqlite_url(os.path.join(directory, DB_FILE))


def _set_text(ranges: Sequence[Range]) -> str:
    return ",".join(str(r) for r in ranges)


class Network:
    """The pools of one CNI network in a netx store; every method is a few service calls."""

    __slots__ = ("conf", "scope", "_ipam", "_ready")

    def __init__(self, conf: NetConf) -> None:
        from ..ipam.service import Service

        self.conf = conf
        url = store_url(conf)
        self._ipam: Service = Service.open(url)
        shared = url.split(":", 1)[0].lower() in ("postgresql", "postgres")
        self.scope = conf.node
        if self.scope is None and shared:
            import socket

            self.scope = socket.gethostname()
        self._ready: set[int] = set()

    def close(self) -> None:
        self._ipam.close()

    # -- owners ---------------------------------------------------------------------------
    def owner(self, container_id: str, ifname: str) -> str:
        """The owner string of the attachment ``(network, container_id, ifname)`` in this network's pools.

        A container ID too long for an owner (``MAX_OWNER`` bytes on every store, with the node and ifname;
        host-local takes any length) is written as its first 64 characters, ``~`` and its SHA-256: as unique,
        and as stable."""
        from ..ipam._coerce import MAX_OWNER

        if len(container_id) > 64 and len(container_id.encode("utf-8", "surrogatepass")) > MAX_OWNER // 2:
            import hashlib

            digest = hashlib.sha256(container_id.encode("utf-8", "surrogatepass")).hexdigest()
            container_id = f"{container_id[:64]}~{digest}"  # '~' is in no container ID
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

    def pool(self, index: int) -> str:
        """The name of range set ``index``'s pool, created on first use (and replaced while unused when the
        config's ranges changed); a pool of other ranges still in use -> code 7."""
        name = self._pool_name(index)
        if index in self._ready:
            return name
        from ..ipam import PoolDefinitionMismatch, PoolNotFound

        ranges = self.conf.range_sets[index]
        args = [IPRange(r.start, r.end) for r in ranges]
        reserve = [r.gateway for r in ranges if r.start <= r.gateway <= r.end]
        ipam = self._ipam
        for _ in range(3):  # another process may create or replace the pool meanwhile
            try:
                ipam.create_pool(name, args, reserve=reserve, strategy=self.conf.strategy, if_not_exists=True)
            except PoolDefinitionMismatch as mismatch:
                try:
                    info = ipam.get_pool(name)
                except PoolNotFound:
                    continue
                if info.allocated:  # the ranges, a gateway inside them (the reserve) or the strategy changed
                    have, want = mismatch.existing, mismatch.requested
                    raise CNIError(
                        INVALID_CONFIG,
                        f"range set {index} of network {self.conf.name!r} changed while {info.allocated} of its "
                        "addresses are in use",
                        f"pool {name!r} in the store is {have.describe() if have else '?'}; the config asks for "
                        f"{want.describe() if want else _set_text(ranges)}. Restore the old configuration until every "
                        "container of the network is deleted, or use a new network name.",
                    ) from None
                ipam.delete_pool(name, if_exists=True)
                continue
            self._ready.add(index)
            return name
        raise CNIError(INVALID_CONFIG, f"pool {name!r} keeps changing under this plugin; retry")

    def _network_pools(self) -> list[str]:
        prefix = self.conf.name + "/"
        return [p.name for p in self._ipam.list_pools() if p.name.startswith(prefix) and p.name[len(prefix):].isdigit()]

    def _held(self, name: str, owner: str) -> list[IP]:
        return [a.item for a in self._ipam.allocations(name, owner=owner) if isinstance(a.item, IP)]

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
        touched: list[str] = []
        try:
            for index, want in enumerate(picks):
                name = self.pool(index)
                touched.append(name)
                try:
                    out.append(self._one(name, index, owner, want))
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
            if wanted:  # checked after allocating, as host-local does (its cursors have moved on)
                raise CNIError(UNAVAILABLE_IP, "failed to allocate all requested IPs: " + " ".join(map(str, wanted)))
        except BaseException:
            for name in touched:  # a failed ADD holds nothing (host-local releases the attachment, too)
                try:
                    self._ipam.release(name, owner=owner)
                except Exception:  # noqa: BLE001 - best effort; the original error is the one to report
                    pass
            raise
        return out

    def _one(self, name: str, index: int, owner: str, want: IP | None) -> IP:
        """The attachment's address in one range set: the one it holds (a retried ADD), else a new one."""
        if want is None:
            item = self._ipam.ensure_ip(name, owner=owner)[0].item  # one transaction: idempotent by owner
            assert isinstance(item, IP)
            return item
        held = self._held(name, owner)
        if not held:
            got = self._ipam.allocate_ip(name, owner=owner, ip=want)[0].item
            assert isinstance(got, IP)
            return got
        if want not in held:
            raise CNIError(
                UNAVAILABLE_IP, f"failed to allocate for range {index}: the attachment already holds {held[0]}, not {want}"
            )
        return want

    def delete(self, owner: str) -> list[IP]:
        """Release every address ``owner`` holds in this network's pools (any range set, old ones too)."""
        from ..ipam import PoolNotFound

        released: list[IP] = []
        for name in self._network_pools():
            try:
                released += [i for i in self._ipam.release(name, owner=owner).released if isinstance(i, IP)]
            except PoolNotFound:  # deleted meanwhile: nothing left to release
                pass
        return released

    def check(self, owner: str, prev_ips: Sequence[IP] | None) -> list[IP]:
        """The addresses ``owner`` holds, one per range set; a set without one -> code 101."""
        held: list[IP] = []
        for index, ranges in enumerate(self.conf.range_sets):
            ips = self._held(self.pool(index), owner)
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
        """Release every attachment of this node not in ``valid_owners`` (one ``reconcile`` per pool); returns them."""
        from ..ipam import IPAMError, PoolNotFound
        from ..ipam._coerce import check_owner

        def holdable(owner: str) -> bool:  # an owner no store can hold (too long, a NUL) holds nothing here
            try:
                return check_owner(owner) is not None
            except IPAMError:
                return False

        valid = sorted(o for o in valid_owners if holdable(o))
        released: list[tuple[IP, str]] = []
        for name in self._network_pools():
            try:
                gone = self._ipam.reconcile(name, valid, where=self._in_scope)
            except PoolNotFound:
                continue
            released += [(a.item, a.owner) for a in gone if isinstance(a.item, IP) and a.owner is not None]
        return released

    def exhausted(self) -> list[int]:
        """Indexes of the range sets with no free address."""
        return [i for i in range(len(self.conf.range_sets)) if self._ipam.get_pool(self.pool(i)).free <= 0]
