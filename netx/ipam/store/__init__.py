"""Durable IPAM stores: ``netx.ipam.open(url)`` returns a ``Store`` of named pools.

    memory://                      pools in this process only (tests, scratch work)
    sqlite:///relative.db          one SQLite file (relative to the current directory)
    sqlite:////abs/path.db         ... or an absolute path
    ...?timeout=SECONDS            (sqlite, postgresql) longest wait for a lock, default 30 s
    postgresql://user@host/db      PostgreSQL (``pip install 'netx[postgres]'``); also postgres://
    None                           $NETX_IPAM_URL, else <user data dir>/netx/ipam.db

Every store pool runs the one algorithm of ``netx.ipam.Pool`` (address pools) or
``netx.ipam.SubnetPool`` (subnet pools) on a ``PoolState`` the store persists; each
call is one atomic, durable transaction.
"""

from __future__ import annotations

from .base import PoolExists, PoolNotFound, Store, StoreError
from .url import ENV_VAR, data_dir, default_url, parse_url

__all__ = ["Store", "open", "PoolNotFound", "PoolExists", "StoreError", "ENV_VAR", "data_dir"]


def open(url: str | None = None) -> Store:  # noqa: A001 - the public name is netx.ipam.open
    """Open (creating if needed) the store at ``url``; ``None`` -> ``$NETX_IPAM_URL`` or the default SQLite file."""
    if url is None:
        url = default_url()
    where = parse_url(url)
    if where.kind == "memory":
        from .memory import MemoryStore

        return MemoryStore(url)
    if where.kind == "sqlite":
        from .sqlite import SqliteStore

        return SqliteStore(url, where.path or "", timeout=where.timeout)
    from .postgres import PostgresStore

    return PostgresStore(url, where.conninfo or "", where.schema or "netx", timeout=where.timeout)
