"""IPAM errors: every one is an ``IPAMError``, itself a ``netx.NetxError`` (a ``ValueError``)."""

from __future__ import annotations

from .._errors import NetxError

__all__ = ["IPAMError", "PoolExhausted", "AlreadyAllocated", "NotInPool", "Reserved"]


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
