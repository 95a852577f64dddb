"""asyncpg codecs: PostgreSQL ``inet`` / ``cidr`` decode as netx values and netx values encode as them.

``await netx.asyncpg.register(conn)`` on a connection, or ``asyncpg.create_pool(...,
init=netx.asyncpg.register)`` for every connection of a pool. Same wire code and the same
results as ``netx.psycopg``: ``inet`` -> ``IP`` (a host) or ``IPInterface``, ``cidr`` -> ``IPNet``;
strings and stdlib values are accepted as parameters too. Zones -> ``netx.AddressError``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import _pgwire
from ._ip import IP
from ._net import IPInterface, IPNet

if TYPE_CHECKING:
    import asyncpg

__all__ = ["register"]


def _encode_inet(value: Any) -> bytes:
    if not isinstance(value, (IP, IPInterface)):
        value = _pgwire.inet_text(str(value))
    return _pgwire.to_binary(value)


def _encode_cidr(value: Any) -> bytes:
    return _pgwire.to_binary(value if isinstance(value, IPNet) else IPNet(value))


async def register(conn: asyncpg.Connection) -> None:
    """Use netx values for ``inet`` and ``cidr`` on ``conn`` (binary codecs)."""
    await conn.set_type_codec("inet", schema="pg_catalog", format="binary",
                              encoder=_encode_inet, decoder=_pgwire.inet_binary)
    await conn.set_type_codec("cidr", schema="pg_catalog", format="binary",
                              encoder=_encode_cidr, decoder=_pgwire.cidr_binary)
