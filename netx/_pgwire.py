"""PostgreSQL's ``inet`` / ``cidr`` on the wire, as netx values (no driver imported here).

Shared by the psycopg adapters, the asyncpg codecs and the SQLAlchemy types. The binary
form is ``family (2 = IPv4, 3 = IPv6), prefix length, is_cidr, address length, address``;
the text form is what ``inet_out`` prints (``10.0.0.5/24``; no ``/32`` for a host).
"""

from __future__ import annotations

from typing import Any, Union

from ._desc import desc_of
from ._errors import NetxError, shorten
from ._ip import IP, _make
from ._net import IPInterface, IPNet, _make_iface, _make_net

__all__ = ["pg_text", "inet_text", "inet_binary", "cidr_text", "cidr_binary", "to_binary"]

Inet = Union[IP, IPInterface]
_FAMILY = {4: 2, 6: 3}
_from_bytes = int.from_bytes


def _zone_error(value: Any) -> NetxError:
    desc = desc_of(type(value))  # the value's own name and error class
    return desc.error(
        f"PostgreSQL {'cidr' if isinstance(value, IPNet) else 'inet'} has no zones: cannot store {desc.name} "
        f"{shorten(str(value))} (store it without the zone, .with_zone(None) / .masked(), and keep the zone "
        "in a column of its own)"
    )


def pg_text(value: IP | IPNet | IPInterface) -> str:
    """The text PostgreSQL reads for ``value``; a zoned value is an ``AddressError``."""
    if value.zone is not None:
        raise _zone_error(value)
    return str(value)


def inet_text(data: Any) -> Inet:
    """An ``inet`` in text form (bytes or str): ``IP`` for a host, else ``IPInterface``."""
    text = data if type(data) is str else str(data, "ascii")
    if "/" in text:
        return IPInterface(text)
    return IP(text)


def cidr_text(data: Any) -> IPNet:
    """A ``cidr`` in text form (bytes or str)."""
    return IPNet(data if type(data) is str else str(data, "ascii"))


def inet_binary(data: Any) -> Inet:
    """An ``inet`` in binary form: ``IP`` for a host (/32, /128), else ``IPInterface``."""
    plen = data[1]
    if data[0] == 2:
        i = _from_bytes(data[4:8], "big")
        return _make(i, 4) if plen == 32 else _make_iface(i, plen, 4)
    i = _from_bytes(data[4:20], "big")
    return _make(i, 6) if plen == 128 else _make_iface(i, plen, 6)


def cidr_binary(data: Any) -> IPNet:
    """A ``cidr`` in binary form (the server guarantees no host bits)."""
    if data[0] == 2:
        return _make_net(_from_bytes(data[4:8], "big"), data[1], 4)
    return _make_net(_from_bytes(data[4:20], "big"), data[1], 6)


def to_binary(value: IP | IPNet | IPInterface) -> bytes:
    """``value`` in binary form: ``inet`` for ``IP`` / ``IPInterface``, ``cidr`` for ``IPNet``."""
    if value.zone is not None:
        raise _zone_error(value)
    if isinstance(value, IP):
        plen, is_cidr = (32 if value._ver == 4 else 128), 0
    else:
        plen, is_cidr = value._plen, 0 if isinstance(value, IPInterface) else 1
    if value._ver == 4:
        return bytes((2, plen, is_cidr, 4)) + value._int.to_bytes(4, "big")
    return bytes((3, plen, is_cidr, 16)) + value._int.to_bytes(16, "big")
