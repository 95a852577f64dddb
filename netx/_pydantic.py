"""pydantic v2 support: one-call core schemas, standard JSON Schemas, and ``IPv4`` / ``IPv6`` /
``IPv4Net`` / ``IPv6Net``, the version-constrained forms (field types, constructors, isinstance).

pydantic itself is imported only when a schema is first built, so ``netx.IPv4`` stays cheap.
"""

from __future__ import annotations

import copy
from functools import partial
from typing import TYPE_CHECKING, Any, Callable

from ._errors import AddressError, NetworkError, NetxError, shorten
from ._ip import IP, parse_ip
from ._net import IPInterface, IPNet
from ._range import IPRange
from ._set import IPSet
from ._value import _Schema
from .json import _set_cidrs

__all__ = ["IPv4", "IPv6", "IPv4Net", "IPv6Net", "core_schema_for", "json_schema_for"]


# -- the version-constrained forms ---------------------------------------------------------
class _Constrained(type):
    """Metaclass of ``IPv4`` & co: calling the class builds the netx value of that version,
    ``isinstance`` tests the version, and pydantic gets the constrained schema."""

    _base: type
    _version: int

    def __call__(cls, value: Any, **kwargs: Any) -> Any:
        if cls._base is IP:
            return _ip_of_version(cls._version, value, **kwargs)
        return _net_of_version(cls._version, value, **kwargs)

    def __instancecheck__(cls, obj: object) -> bool:
        return type(obj) is cls._base and getattr(obj, "_ver", None) == cls._version


def _ip_of_version(version: int, value: Any) -> IP:
    """``IP(value)``, which must be of ``version`` (an int is read as that version)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return IP(value, version=version)
    ip = IP(value)
    if ip._ver != version:
        raise AddressError(f"{shorten(value)} is an IPv{ip._ver} address, not IPv{version}")
    return ip


def _net_of_version(version: int, value: Any, *, strict: bool = True) -> IPNet:
    """``IPNet(value, strict=strict)``, which must be of ``version``."""
    net = IPNet(value, strict=strict)
    if net._ver != version:
        raise NetworkError(f"{shorten(value)} is an IPv{net._ver} network, not IPv{version}")
    return net


if TYPE_CHECKING:  # to a type checker the constrained forms are the netx types they return
    IPv4 = IP
    IPv6 = IP
    IPv4Net = IPNet
    IPv6Net = IPNet
else:

    class IPv4(_Schema, metaclass=_Constrained):
        """An IPv4 ``IP``: a pydantic field type; ``IPv4("10.0.0.1")`` returns an ``IP``;
        ``isinstance(ip, IPv4)`` is true for IPv4 addresses."""

        _base = IP
        _version = 4

    class IPv6(_Schema, metaclass=_Constrained):
        """An IPv6 ``IP``: a pydantic field type; ``IPv6("::1")`` returns an ``IP``;
        ``isinstance(ip, IPv6)`` is true for IPv6 addresses."""

        _base = IP
        _version = 6

    class IPv4Net(_Schema, metaclass=_Constrained):
        """An IPv4 ``IPNet``: a pydantic field type; ``IPv4Net("10.0.0.0/8")`` returns an ``IPNet``;
        ``isinstance(net, IPv4Net)`` is true for IPv4 networks."""

        _base = IPNet
        _version = 4

    class IPv6Net(_Schema, metaclass=_Constrained):
        """An IPv6 ``IPNet``: a pydantic field type; ``IPv6Net("2001:db8::/32")`` returns an
        ``IPNet``; ``isinstance(net, IPv6Net)`` is true for IPv6 networks."""

        _base = IPNet
        _version = 6

    for _form in (IPv4, IPv6, IPv4Net, IPv6Net):  # they are public as netx.IPv4 etc.
        _form.__module__ = "netx"
    del _form


# -- validators ------------------------------------------------------------------------------
# Each kind gets three plain functions: lax Python input (anything the constructor takes),
# strict Python input (only the netx object) and JSON input (a str, or for IPSet a list of
# str, already checked by pydantic). Failures become PydanticCustomError with the netx error
# message, which quotes the input and says what is wrong.
_Validator = Callable[[Any], Any]


def _range_of(value: Any) -> IPRange:
    """``IPRange(value)``, or ``IPRange(first, last)`` for a ``(first, last)`` tuple."""
    if type(value) is tuple and len(value) == 2:
        return IPRange(*value)
    return IPRange(value)


def _validators(kind: type) -> tuple[_Validator, _Validator, _Validator]:
    from pydantic_core import PydanticCustomError

    code, what, base, version, accepted = _KINDS[kind]
    base_type: Any = base  # IP, IPNet, IPInterface, IPRange or IPSet
    type_code = f"{code}_type"
    build = _range_of if base is IPRange else base  # Python input
    parse = parse_ip if base is IP else base  # JSON input (a str; for IPSet a list of str)
    # The plain constructors are the fast path; a value of the other version (or an int below
    # 2**32 for IPv6) goes to the version-aware constructor, which also words the error.
    checked = build if version is None else partial(_ip_of_version if base is IP else _net_of_version, version)

    def bad_value(exc: NetxError) -> PydanticCustomError:
        return PydanticCustomError(code, "{reason}", {"reason": str(exc)})

    def bad_type(value: Any, exc: TypeError) -> PydanticCustomError:
        if base is IPSet and not isinstance(value, (str, bytes)) and hasattr(value, "__iter__"):
            return PydanticCustomError(type_code, "{reason}", {"reason": str(exc)})  # one item is wrong
        return PydanticCustomError(
            type_code,
            "Input should be a valid {what} ({accepted}), not {type}",
            {"what": what, "accepted": accepted, "type": type(value).__name__},
        )

    def not_instance(value: Any) -> PydanticCustomError:
        return PydanticCustomError(
            type_code, "Input should be an instance of {cls} (strict mode)", {"cls": f"netx.{kind.__name__}"}
        )

    def of_version(value: Any) -> Any:
        try:
            return checked(value)
        except NetxError as exc:
            raise bad_value(exc) from None

    def python(value: Any) -> Any:
        if type(value) is base_type:
            if version is None or value._ver == version:
                return value
            return of_version(value)
        try:
            result: Any = build(value)
        except NetxError as exc:
            if version is None:
                raise bad_value(exc) from None
            return of_version(value)
        except TypeError as exc:
            raise bad_type(value, exc) from None
        if version is None or result._ver == version:
            return result
        return of_version(value)

    def strict(value: Any) -> Any:
        if type(value) is not base:
            raise not_instance(value)
        return python(value)

    def from_json(value: Any) -> Any:
        try:
            result: Any = parse(value)
        except NetxError as exc:
            raise bad_value(exc) from None
        if version is None or result._ver == version:
            return result
        return of_version(value)

    for fn in (python, strict, from_json):  # pydantic names validators after them: list[...IPv4()...]
        fn.__name__ = fn.__qualname__ = kind.__name__
    return python, strict, from_json


# -- core schema -----------------------------------------------------------------------------
# kind -> (error type, what it is, netx class of the validated value, version or None,
#          the Python input it takes, for type errors)
_ADDRESSES = "a str, int, bytes or address object"
_NETWORKS = "a str, tuple or network object"
_KINDS: dict[type, tuple[str, str, type, int | None, str]] = {
    IP: ("ip_address", "IP address", IP, None, _ADDRESSES),
    IPv4: ("ip_v4_address", "IPv4 address", IP, 4, _ADDRESSES),
    IPv6: ("ip_v6_address", "IPv6 address", IP, 6, _ADDRESSES),
    IPNet: ("ip_network", "IP network", IPNet, None, _NETWORKS),
    IPv4Net: ("ip_v4_network", "IPv4 network", IPNet, 4, _NETWORKS),
    IPv6Net: ("ip_v6_network", "IPv6 network", IPNet, 6, _NETWORKS),
    IPInterface: ("ip_interface", "IP interface", IPInterface, None, "a str, tuple or interface object"),
    IPRange: ("ip_range", "IP range", IPRange, None, "a str, (first, last) tuple, address, network or range"),
    IPSet: ("ip_set", "IP set", IPSet, None, "an iterable of addresses, networks, ranges or strings"),
}
_CORE: dict[type, Any] = {}


def _kind_of(cls: type) -> type:
    if cls in _KINDS:
        return cls
    for kind in (IP, IPNet, IPInterface, IPRange, IPSet):  # a subclass validates as its netx base
        if isinstance(cls, type) and issubclass(cls, kind):
            return kind
    raise TypeError(f"netx has no pydantic schema for {cls!r}")


def core_schema_for(cls: type) -> Any:
    """The pydantic core schema of a netx type: one validator call per value; in JSON mode a
    ``str`` (an ``IPSet``: a list of ``str``)."""
    kind = _kind_of(cls)
    schema = _CORE.get(kind)
    if schema is None:
        from pydantic_core import core_schema as cs

        python, strict, from_json = _validators(kind)
        json_input: Any
        dump: Any
        if kind is IPSet:
            json_input = cs.list_schema(cs.str_schema())
            dump = cs.plain_serializer_function_ser_schema(
                _set_cidrs, return_schema=cs.list_schema(cs.str_schema()), when_used="json-unless-none"
            )
        else:
            json_input = cs.str_schema()
            dump = cs.to_string_ser_schema(when_used="json-unless-none")
        schema = cs.json_or_python_schema(
            json_schema=cs.no_info_after_validator_function(from_json, json_input),
            python_schema=cs.lax_or_strict_schema(
                lax_schema=cs.no_info_plain_validator_function(python),
                strict_schema=cs.no_info_plain_validator_function(strict),
            ),
            serialization=dump,
        )
        _CORE[kind] = schema
    return copy.deepcopy(schema)  # pydantic may annotate the dict it gets; keep ours pristine


# -- JSON Schema -----------------------------------------------------------------------------
# Standard formats for addresses. Networks, interfaces and ranges have no standard format, so
# they get a description and a pattern that every valid value matches (a loose check: host bits,
# octet ranges and prefix limits are left to the validator).
_V4 = {"type": "string", "format": "ipv4"}
_V6 = {"type": "string", "format": "ipv6"}
_V4_NET = r"[0-9.]+(/[0-9.]+)?"
_V6_ADDR = r"[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*(%[^%/]+)?"
_V6_NET = rf"{_V6_ADDR}(/[0-9]+)?"
# an address, a CIDR or "first-last" of one family: what IPRange() takes, and each IPSet item
_RANGE = rf"^([0-9.]+(/[0-9.]+|-[0-9.]+)?|{_V6_ADDR}(/[0-9]+|-{_V6_ADDR})?)$"
_JSON: dict[type, dict[str, Any]] = {
    IP: {"anyOf": [_V4, _V6]},
    IPv4: _V4,
    IPv6: _V6,
    IPNet: {
        "type": "string",
        "pattern": f"^({_V4_NET}|{_V6_NET})$",
        "description": "IPv4 or IPv6 network in CIDR notation, e.g. 10.0.0.0/24 or 2001:db8::/32",
    },
    IPv4Net: {
        "type": "string",
        "pattern": f"^{_V4_NET}$",
        "description": "IPv4 network in CIDR notation, e.g. 10.0.0.0/24",
    },
    IPv6Net: {
        "type": "string",
        "pattern": f"^{_V6_NET}$",
        "description": "IPv6 network in CIDR notation, e.g. 2001:db8::/32",
    },
    IPInterface: {
        "type": "string",
        "pattern": f"^({_V4_NET}|{_V6_NET})$",
        "description": "IPv4 or IPv6 address with its prefix length, e.g. 10.0.0.5/24 or 2001:db8::5/64",
    },
    IPRange: {
        "type": "string",
        "pattern": _RANGE,
        "description": "Inclusive IP address range first-last, e.g. 10.0.0.10-10.0.0.20 (or a CIDR, or one address)",
    },
    IPSet: {
        "type": "array",
        "items": {"type": "string", "pattern": _RANGE},
        "description": "Set of IP addresses: a list of addresses, CIDRs and first-last ranges, e.g. 10.0.0.0/24",
    },
}


def json_schema_for(cls: type) -> dict[str, Any]:
    """The JSON Schema of a netx type: ``format`` ipv4/ipv6 for addresses, never an unknown format
    (networks, interfaces, ranges: a pattern; ``IPSet``: an array of such strings)."""
    return copy.deepcopy(_JSON[_kind_of(cls)])
