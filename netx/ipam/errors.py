"""IPAM errors: every one is an ``IPAMError``, itself a ``netx.NetxError`` (a ``ValueError``)."""

from __future__ import annotations

from .._errors import NetxError

__all__ = [
    "IPAMError", "PoolExhausted", "AlreadyAllocated", "NotInPool", "Reserved",
    "PoolNotFound", "PoolExists", "StoreError", "OutcomeUnknown",
]


class IPAMError(NetxError):
    """Base of the IPAM errors (bad pool definitions, unknown pools, store failures)."""


class PoolExhausted(IPAMError):
    """No free address (or subnet) is left for the request."""


class AlreadyAllocated(IPAMError):
    """The requested address (or subnet) is already handed out."""


class NotInPool(IPAMError):
    """The address (or subnet) lies outside the pool's ranges."""


class Reserved(IPAMError):
    """The address is reserved (network, broadcast, gateway or ``reserve=``) and never handed out."""


class PoolNotFound(IPAMError):
    """No pool of that name exists in the store (or it was deleted meanwhile)."""


class PoolExists(IPAMError):
    """A pool of that name already exists in the store."""


class StoreError(IPAMError):
    """The store itself failed: closed, unreachable, busy for too long, corrupt or inconsistent."""


class OutcomeUnknown(StoreError):
    """The connection died while the call's transaction was committing: it may or may not have taken effect.

    Look before retrying: ``pool.addresses_of(owner)`` (or ``ensure(owner)``) finds an address
    the call did hand out; a retry of a plain ``allocate()`` could hand out a second one.
    """


# Tracebacks and reprs name the public path users import from: ``netx.ipam.PoolExhausted``.
for _cls in (IPAMError, PoolExhausted, AlreadyAllocated, NotInPool, Reserved, PoolNotFound, PoolExists, StoreError, OutcomeUnknown):
    _cls.__module__ = "netx.ipam"
