"""IP address management: address pools, subnet pools and durable stores.

    Pool(*ranges, reserve=(), gateway=None, strategy="lowest")   addresses, in memory
    SubnetPool(*cidrs, reserve=())                              aligned subnets, in memory
    open(url=None) -> Store                                     memory://, sqlite:///, postgresql://
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import (
    AlreadyAllocated, IPAMError, NotInPool, PoolDefinitionMismatch, PoolExhausted, PoolExists, PoolInUse,
    PoolNotFound, Reserved, StoreError, StoreNotFound, WrongPoolKind,
)

if TYPE_CHECKING:
    from .pool import Pool, PoolStats
    from .store import Store, open
    from .subnet import SubnetPool

__all__ = [
    "Pool", "PoolStats", "SubnetPool", "Store", "open",
    "IPAMError", "PoolExhausted", "AlreadyAllocated", "NotInPool", "Reserved",
    "PoolNotFound", "PoolExists", "PoolDefinitionMismatch", "PoolInUse", "WrongPoolKind", "StoreNotFound", "StoreError",
]

_LAZY = {"Pool": ".pool", "PoolStats": ".pool", "SubnetPool": ".subnet", "Store": ".store", "open": ".store"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'netx.ipam' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
