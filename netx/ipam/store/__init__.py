"""Durable IPAM stores: ``netx.ipam.open(url)`` returns a ``Store`` of named pools.

    memory://                      pools in this process only (tests, scratch work)
    sqlite:///relative.db          one SQLite file (relative to the current directory)
    sqlite:////abs/path.db         ... or an absolute path
    postgresql://user@host/db      PostgreSQL (``pip install 'netx[postgres]'``); also postgres://
    None                           $NETX_IPAM_URL, else <user data dir>/netx/ipam.db

Every store pool runs the one algorithm of ``netx.ipam.Pool`` (address pools) or
``netx.ipam.SubnetPool`` (subnet pools) on a ``PoolState`` the store persists; each
call is one atomic, durable transaction.
"""

from __future__ import annotations

from ..errors import IPAMError, StoreNotFound
from .base import PoolExists, PoolNotFound, Store, StoreError
from .url import ENV_VAR, data_dir, default_url, env_url, parse_url

__all__ = ["Store", "open", "PoolNotFound", "PoolExists", "StoreError", "ENV_VAR", "data_dir"]


def open(url: str | None = None, *, create: bool = True) -> Store:  # noqa: A001 - the public name is netx.ipam.open
    """Open the store at ``url``; ``None`` -> ``$NETX_IPAM_URL`` or the default SQLite file.

    ``create=False`` opens only an existing store (``StoreNotFound`` otherwise): what read-only
    callers use, so a typo in a path never leaves an empty database behind.
    """
    from_env = url is None and env_url() is not None
    if url is None:
        url = default_url(create=create)
        if not from_env and not create and not data_dir().is_dir():
            raise StoreNotFound(f"no IPAM store at {str(data_dir() / 'ipam.db')!r} (nothing was created)", url=url)
    try:
        where = parse_url(url)
    except IPAMError as exc:
        if not from_env:
            raise
        raise type(exc)(f"{exc} (from the {ENV_VAR} environment variable)") from None
    if where.kind == "memory":
        from .memory import MemoryStore

        return MemoryStore(url)
    if where.kind == "sqlite":
        from .sqlite import SqliteStore

        return SqliteStore(url, where.path or "", create=create)
    from .postgres import PostgresStore

    return PostgresStore(url, where.conninfo or "", where.schema or "netx", create=create)
