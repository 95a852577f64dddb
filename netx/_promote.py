"""Attribute promotion: the explicit, typed table of stdlib attributes each netx type answers.

Go promotes an embedded struct's fields; netx promotes the composed stdlib object's
attributes, but as a fixed surface, not whatever ``dir()`` of the running stdlib yields:
the tables below list every public attribute of ``IPv4Address`` / ``IPv6Address``,
``IPv4Network`` / ``IPv6Network`` and ``IPv4Interface`` / ``IPv6Interface`` (instance
attributes included) with the type netx returns for it. A test checks them against the
stdlib's ``dir()`` (so nothing drifts) and runs ``mypy --strict`` on every entry.

- A *plain* entry (``bool``, ``int``, ``str``, ``bytes``) is installed by ``promote`` as a
  property whose getter is a C ``attrgetter`` through the composed object, as fast as the
  stdlib's own attribute; the class declares it for type checkers in an
  ``if TYPE_CHECKING:`` block. When the stdlib object is not built yet the getter fails
  and the class's ``__getattr__`` builds it (``fallback``).
- Every other entry (an address, network, tuple, method, or a name the stdlib has on one
  family only) is written out in the class itself, converting arguments and results to
  netx types; ``promote`` refuses to install those.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any

__all__ = ["ADDRESS", "NETWORK", "INTERFACE", "PLAIN", "promote", "fallback"]

PLAIN = frozenset({"bool", "int", "str", "bytes"})

_PREDICATES = {
    name: "bool"
    for name in (
        "is_global", "is_link_local", "is_loopback", "is_multicast", "is_private",
        "is_reserved", "is_site_local", "is_unspecified",
    )
}

# name -> the type netx returns (methods: the type of the call's result, written "()-> T")
ADDRESS: dict[str, str] = {
    **_PREDICATES,
    "compressed": "str",
    "exploded": "str",
    "max_prefixlen": "int",
    "packed": "bytes",
    "reverse_pointer": "str",
    "version": "int",
    "scope_id": "str | None",
    "ipv4_mapped": "IP | None",
    "ipv6_mapped": "IP",  # Python 3.13+: IPv4 only
    "sixtofour": "IP | None",
    "teredo": "tuple[IP, IP] | None",
}

NETWORK: dict[str, str] = {
    **_PREDICATES,
    "compressed": "str",
    "exploded": "str",
    "max_prefixlen": "int",
    "num_addresses": "int",
    "prefixlen": "int",
    "reverse_pointer": "str",
    "version": "int",
    "with_hostmask": "str",
    "with_netmask": "str",
    "with_prefixlen": "str",
    "network_address": "IP",
    "broadcast_address": "IP",
    "netmask": "IP",
    "hostmask": "IP",
    "address_exclude": "()-> Iterator[IPNet]",
    "compare_networks": "()-> int",
    "hosts": "()-> Iterator[IP]",
    "overlaps": "()-> bool",
    "subnet_of": "()-> bool",
    "supernet_of": "()-> bool",
    "subnets": "()-> Iterator[IPNet]",
    "supernet": "()-> IPNet",
}

INTERFACE: dict[str, str] = {
    **ADDRESS,
    "ip": "IP",
    "network": "IPNet",
    "netmask": "IP",
    "hostmask": "IP",
    "with_hostmask": "str",
    "with_netmask": "str",
    "with_prefixlen": "str",
}


def promote(cls: type, via: str, table: dict[str, str]) -> None:
    """Install on ``cls`` a fast property for each plain entry of ``table`` it does not define,
    read from ``self.<via>.<name>``; every other entry must be defined by ``cls`` itself."""
    promoted = set()
    for name, kind in table.items():
        if name in cls.__dict__:
            continue
        if kind not in PLAIN:
            raise TypeError(f"{cls.__name__}.{name} returns {kind}: write it out in the class")
        setattr(cls, name, property(attrgetter(f"{via}.{name}"), doc=f"The stdlib's ``{name}`` ({kind})."))
        promoted.add(name)
    setattr(cls, "_promoted", frozenset(promoted))


def fallback(obj: Any, name: str, stdlib: Any) -> Any:
    """``__getattr__`` of a promoting class: a promoted name whose stdlib object is not built
    yet reads it from ``stdlib`` (the built object); any other name is an ``AttributeError``."""
    if name in type(obj)._promoted:
        return getattr(stdlib(), name)
    raise AttributeError(f"{type(obj).__name__!r} object has no attribute {name!r}")
