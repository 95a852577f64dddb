"""netx: fast, exact network types, JSON/pydantic integration and IP address management.

The public API, on one screen::

    IP, IPNet, IPInterface            value types composing the stdlib ipaddress objects
    IPv4, IPv6, IPv4Net, IPv6Net      version-constrained forms (pydantic fields, isinstance)
    parse_ip, parse_net, parse_cidr, ip_version
    IPRange, IPSet                    inclusive ranges and immutable address sets
    Error, NetxError, AddressError, NetworkError, RangeError
    netx.json                         orjson hook, dumps/loads, json.JSONEncoder
    netx.ipam                         Pool, SubnetPool, open(url) -> durable stores
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._errors import AddressError, Error, NetworkError, NetxError, RangeError
from ._ip import IP, parse_ip
from ._net import IPInterface, IPNet, ip_version, parse_cidr, parse_net

if TYPE_CHECKING:
    from . import ipam, json
    from ._pydantic import IPv4, IPv4Net, IPv6, IPv6Net
    from ._range import IPRange
    from ._set import IPSet

__version__ = "0.1.0"

__all__ = [
    "IP", "IPNet", "IPInterface",
    "IPv4", "IPv6", "IPv4Net", "IPv6Net",
    "IPRange", "IPSet",
    "parse_ip", "parse_net", "parse_cidr", "ip_version",
    "Error", "NetxError", "AddressError", "NetworkError", "RangeError",
    "json", "ipam",
]

# Loaded on first use, so `import netx` stays cheap (pydantic is not imported for it).
_LAZY = {
    "IPv4": "._pydantic", "IPv6": "._pydantic", "IPv4Net": "._pydantic", "IPv6Net": "._pydantic",
    "IPRange": "._range", "IPSet": "._set",
}


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
