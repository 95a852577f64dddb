"""Attribute promotion: the explicit, typed table of stdlib attributes each netx type answers.

Go promotes an embedded struct's fields; netx promotes the composed stdlib object's
attributes, but as a fixed surface, not whatever ``dir()`` of the running stdlib yields:
the tables below list every public attribute of ``IPv4Address`` / ``IPv6Address``,
``IPv4Network`` / ``IPv6Network`` and ``IPv4Interface`` / ``IPv6Interface`` (instance
attributes included) with the type netx returns for it. A test checks them against the
stdlib's ``dir()`` (so nothing drifts) and runs ``mypy --strict`` on every entry.

- A *plain* entry (``bool``, ``int``, ``str``, ``bytes``) is installed by ``promote`` as a
  property reading the composed object (built on first use); the class declares it for
  type checkers in an ``if TYPE_CHECKING:`` block. (No ``__getattr__``: on CPython a class
  with one loses the fast attribute paths for *every* attribute, its hot slots included.)
- Every other entry (an address, network, tuple, method, or a name the stdlib has on one
  family only) is written out in the class itself, converting arguments and results to
  netx types; ``promote`` refuses to install those.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any, Callable

__all__ = ["ADDRESS", "NETWORK", "INTERFACE", "PLAIN", "promote"]

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


def promote(cls: type, build: Callable[[Any], Any], table: dict[str, str]) -> None:
    """Install on ``cls`` a property for each plain entry of ``table`` it does not define, read
    from ``self._obj`` (``build(self)`` makes it when it is still None); every other entry
    must be defined by ``cls`` itself."""
    for name, kind in table.items():
        if name in cls.__dict__:
            continue
        if kind not in PLAIN:
            raise TypeError(f"{cls.__name__}.{name} returns {kind}: write it out in the class")
        setattr(cls, name, _delegate(name, kind, build))


def _delegate(name: str, kind: str, build: Callable[[Any], Any]) -> property:
    read = attrgetter(name)

    def get(self: Any) -> Any:
        obj = self._obj
        if obj is None:
            obj = build(self)
        return read(obj)

    get.__name__ = name
    return property(get, doc=f"The stdlib's ``{name}`` ({kind}).")
