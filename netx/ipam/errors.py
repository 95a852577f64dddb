"""IPAM errors. They carry what went wrong as fields, so callers (the CLI, a CNI plugin,
an HTTP API) never parse messages.

    netx.Error
    ├── netx.NetxError (also a ValueError): bad input
    │   └── IPAMError                         pool
    │       ├── PoolExhausted                 requested, free, version, prefixlen
    │       ├── AlreadyAllocated              address, owner
    │       ├── NotInPool                     address
    │       ├── Reserved                      address, reason
    │       ├── PoolNotFound                  (pool)
    │       ├── PoolExists                    (pool)
    │       │   └── PoolDefinitionMismatch    existing, requested
    │       ├── PoolInUse                     allocated
│       ├── WrongPoolKind                 kind, wanted
    │       └── StoreNotFound                 url
    └── StoreError (not a ValueError): the database failed   url

Every field defaults to None, so the errors pickle (``multiprocessing``) with their fields.
"""

from __future__ import annotations

from typing import Any

from .._errors import Error, NetxError

__all__ = [
    "IPAMError", "PoolExhausted", "AlreadyAllocated", "NotInPool", "Reserved", "PoolNotFound", "PoolExists",
    "PoolDefinitionMismatch", "PoolInUse", "WrongPoolKind", "StoreNotFound", "StoreError",
]


class IPAMError(NetxError):
    """Base of the IPAM errors: bad pool definitions and requests, unknown pools. ``pool``: the pool's name."""

    pool: str | None

    def __init__(self, message: str, *, pool: str | None = None) -> None:
        super().__init__(message)
        self.pool = pool


class PoolExhausted(IPAMError):
    """Fewer free addresses (or subnets) than requested: ``requested``, ``free`` (counted up to ``requested``),
    ``version`` (the family asked for, or None), ``prefixlen`` (subnet pools)."""

    requested: int | None
    free: int | None
    version: int | None
    prefixlen: int | None

    def __init__(
        self, message: str, *, pool: str | None = None, requested: int | None = None, free: int | None = None,
        version: int | None = None, prefixlen: int | None = None,
    ) -> None:
        super().__init__(message, pool=pool)
        self.requested, self.free, self.version, self.prefixlen = requested, free, version, prefixlen


class AlreadyAllocated(IPAMError):
    """The requested ``address`` (an ``IP``, or the ``IPNet`` of a subnet) is already handed out to ``owner``."""

    address: Any
    owner: str | None

    def __init__(self, message: str, *, pool: str | None = None, address: Any = None, owner: str | None = None) -> None:
        super().__init__(message, pool=pool)
        self.address, self.owner = address, owner


class NotInPool(IPAMError):
    """``address`` (an address, a subnet, a reserve entry, a gateway) lies outside the pool's ranges."""

    address: Any

    def __init__(self, message: str, *, pool: str | None = None, address: Any = None) -> None:
        super().__init__(message, pool=pool)
        self.address = address


class Reserved(IPAMError):
    """``address`` is never handed out; ``reason`` says why (``"is the gateway"``, ``"is reserved"``, ...)."""

    address: Any
    reason: str | None

    def __init__(self, message: str, *, pool: str | None = None, address: Any = None, reason: str | None = None) -> None:
        super().__init__(message, pool=pool)
        self.address, self.reason = address, reason


class PoolNotFound(IPAMError):
    """No pool named ``pool`` exists in the store (or it was deleted meanwhile)."""


class PoolExists(IPAMError):
    """A pool named ``pool`` already exists in the store."""


class PoolDefinitionMismatch(PoolExists):
    """``create(..., if_not_exists=True)`` found a pool of that name with another definition:
    ``existing`` and ``requested`` are the two specs."""

    existing: Any
    requested: Any

    def __init__(self, message: str, *, pool: str | None = None, existing: Any = None, requested: Any = None) -> None:
        super().__init__(message, pool=pool)
        self.existing, self.requested = existing, requested


class PoolInUse(IPAMError):
    """The pool still has ``allocated`` allocations, so it is only deleted with ``force=True``."""

    allocated: int | None

    def __init__(self, message: str, *, pool: str | None = None, allocated: int | None = None) -> None:
        super().__init__(message, pool=pool)
        self.allocated = allocated


class WrongPoolKind(IPAMError):
    """The pool is of ``kind`` (``"address"`` or ``"subnet"``), the call needs ``wanted``."""

    kind: str | None
    wanted: str | None

    def __init__(self, message: str, *, pool: str | None = None, kind: str | None = None, wanted: str | None = None) -> None:
        super().__init__(message, pool=pool)
        self.kind, self.wanted = kind, wanted


class StoreNotFound(IPAMError):
    """A read-only open found no IPAM store at ``url`` (no file, no tables) and created none."""

    url: str | None

    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(message)
        self.url = url


class StoreError(Error):
    """The store itself failed: closed, unreachable, busy for too long, corrupt or inconsistent.

    Not a ``ValueError`` (nor an ``IPAMError``): ``except ValueError`` around input handling
    never swallows an outage. ``url``: the store's URL (password masked), when known."""

    url: str | None

    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(message)
        self.url = url


# Tracebacks and reprs name the public path users import from: ``netx.ipam.PoolExhausted``.
for _cls in (
    IPAMError, PoolExhausted, AlreadyAllocated, NotInPool, Reserved, PoolNotFound, PoolExists, PoolDefinitionMismatch,
    PoolInUse, WrongPoolKind, StoreNotFound, StoreError,
):
    _cls.__module__ = "netx.ipam"
