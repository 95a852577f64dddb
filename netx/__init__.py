"""netx: fast, exact network types, JSON/pydantic integration and IP address management.

The public API, on one screen::

    IP, IPNet, IPInterface            value types composing the stdlib ipaddress objects
    IPv4, IPv6, IPv4Net, IPv6Net      version-constrained forms (pydantic fields, isinstance)
    parse_ip, parse_net, parse_cidr, ip_version
    Masked                            Annotated[IPNet, Masked]: a pydantic field masking host bits
    IPRange, IPSet                    inclusive ranges and immutable address sets
    collapse_addresses, summarize_address_range
    PrefixMap                         networks -> values with longest-prefix match (v4 and v6)
    MAC, IPPort                       EUI-48/EUI-64 addresses; ip:port endpoints (Go's AddrPort)
    Error, NetxError, AddressError, NetworkError, RangeError
    netx.json                         orjson hook, dumps/loads, json.JSONEncoder
    netx.ipam                         Pool, SubnetPool, open(url) -> durable stores
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import _fastapi
from ._errors import AddressError, Error, NetworkError, NetxError, RangeError
from ._ip import IP, IPv4, IPv6, parse_ip
from ._net import IPInterface, IPNet, IPv4Net, IPv6Net, Masked, ip_version, parse_cidr, parse_net

if TYPE_CHECKING:
    from . import ipam, json
    from ._range import IPRange
    from ._set import IPSet, collapse_addresses, summarize_address_range
    from ._ipport import IPPort
    from ._mac import MAC
    from ._prefixmap import PrefixMap

__version__ = "0.1.0"

__all__ = [
    "IP", "IPNet", "IPInterface",
    "IPv4", "IPv6", "IPv4Net", "IPv6Net", "Masked",
    "IPRange", "IPSet", "collapse_addresses", "summarize_address_range",
    "PrefixMap", "MAC", "IPPort",
    "parse_ip", "parse_net", "parse_cidr", "ip_version",
    "Error", "NetxError", "AddressError", "NetworkError", "RangeError",
    "json", "ipam",
]

# Loaded on first use, so `import netx` stays cheap (pydantic is not imported for it).
_LAZY = {
    "IPRange": "._range", "IPSet": "._set",
    "collapse_addresses": "._set", "summarize_address_range": "._set",
    "PrefixMap": "._prefixmap", "MAC": "._mac", "IPPort": "._ipport",
}

_fastapi.install()  # FastAPI endpoints may return netx values (see netx/_fastapi.py)


def __getattr__(name: str) -> Any:
    if name in ("json", "ipam"):
        import importlib

        return importlib.import_module(f".{name}", __name__)
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'netx' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
