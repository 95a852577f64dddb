"""psycopg 3 adapters: PostgreSQL ``inet`` / ``cidr`` load as netx values, netx values dump as them.

``netx.psycopg.register(context=None)`` installs, on a connection, a cursor, or globally
(``None``: psycopg's global adapters, which new connections copy):

- loaders, text and binary: ``inet`` -> ``IP`` (a host: no prefix, or /32 and /128) or
  ``IPInterface`` (``10.0.0.5/24``); ``cidr`` -> ``IPNet``;
- dumpers, text and binary: ``IP`` and ``IPInterface`` -> ``inet``, ``IPNet`` -> ``cidr``
  (binary is the default for ``%s``, text for ``%t``). PostgreSQL has no zones: dumping
  ``fe80::1%eth0`` raises ``netx.AddressError``.
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.abc import AdaptContext, Buffer
from psycopg.adapt import Dumper, Loader
from psycopg.pq import Format

from . import _pgwire
from ._ip import IP
from ._net import IPInterface, IPNet

__all__ = ["register"]

_INET = psycopg.postgres.types["inet"].oid
_CIDR = psycopg.postgres.types["cidr"].oid


class _InetLoader(Loader):
    def load(self, data: Buffer) -> Any:
        return _pgwire.inet_text(data)


class _InetBinaryLoader(Loader):
    format = Format.BINARY

    def load(self, data: Buffer) -> Any:
        return _pgwire.inet_binary(data)


class _CidrLoader(Loader):
    def load(self, data: Buffer) -> Any:
        return _pgwire.cidr_text(data)


class _CidrBinaryLoader(Loader):
    format = Format.BINARY

    def load(self, data: Buffer) -> Any:
        return _pgwire.cidr_binary(data)


class _InetDumper(Dumper):
    oid = _INET

    def dump(self, obj: Any) -> Buffer:
        return _pgwire.pg_text(obj).encode()


class _CidrDumper(_InetDumper):
    oid = _CIDR


class _InetBinaryDumper(Dumper):
    format = Format.BINARY
    oid = _INET

    def dump(self, obj: Any) -> Buffer:
        return _pgwire.to_binary(obj)


class _CidrBinaryDumper(_InetBinaryDumper):
    oid = _CIDR


def register(context: AdaptContext | None = None) -> None:
    """Use netx values for ``inet`` / ``cidr`` on ``context`` (a connection or cursor), or globally."""
    adapters = psycopg.adapters if context is None else context.adapters
    adapters.register_loader("inet", _InetLoader)
    adapters.register_loader("inet", _InetBinaryLoader)
    adapters.register_loader("cidr", _CidrLoader)
    adapters.register_loader("cidr", _CidrBinaryLoader)
    for cls, text, binary in ((IP, _InetDumper, _InetBinaryDumper), (IPInterface, _InetDumper, _InetBinaryDumper),
                              (IPNet, _CidrDumper, _CidrBinaryDumper)):
        adapters.register_dumper(cls, text)
        adapters.register_dumper(cls, binary)  # registered last: the default for %s
