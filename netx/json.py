"""JSON for netx values: an orjson / ``json.dumps`` ``default`` hook, ``dumps``, typed ``loads``,
msgspec hooks.

Every netx value type describes its JSON value itself (``__netx__``, see ``netx._desc``):
addresses, networks and interfaces become their string, an ``IPRange`` ``"first-last"``,
an ``IPSet`` its list of CIDR strings. Stdlib ``ipaddress`` objects become their string
too. Subclasses serialize like their base. This module names no concrete netx type.
"""

from __future__ import annotations

import builtins
import ipaddress
import json
from functools import lru_cache
from typing import Any, Callable, TypeVar, get_args, get_origin, overload

import orjson

from ._desc import find_desc

__all__ = ["default", "dumps", "loads", "Encoder", "enc_hook", "dec_hook"]

_T = TypeVar("_T")
_orjson_dumps = orjson.dumps
_orjson_loads = orjson.loads

_STDLIB_TYPES = (
    ipaddress.IPv4Address, ipaddress.IPv6Address,
    ipaddress.IPv4Network, ipaddress.IPv6Network,
    ipaddress.IPv4Interface, ipaddress.IPv6Interface,
)

# type -> function giving the JSON-ready value, learnt on first sight of each type.
_ENCODERS: dict[type, Callable[[Any], Any]] = {kind: kind.__str__ for kind in _STDLIB_TYPES}
_lookup = _ENCODERS.get


def _encoder(kind: type) -> Callable[[Any], Any] | None:
    """The JSON-value function for ``kind`` (a netx type or subclass, a stdlib type), or None."""
    encode = _lookup(kind)
    if encode is None:
        desc = find_desc(kind)
        if desc is not None:
            encode = desc.to_json_value
        elif issubclass(kind, _STDLIB_TYPES):
            encode = str
        else:
            return None
        _ENCODERS[kind] = encode
    return encode


def default(obj: Any) -> Any:
    """The ``default=`` hook for orjson and ``json.dumps``: netx and ``ipaddress`` values -> JSON.

    Anything it does not know raises ``TypeError``, as the serializers expect.
    """
    encode = _lookup(type(obj))
    if encode is not None:
        return encode(obj)
    encode = _encoder(type(obj))
    if encode is None:
        raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")
    return encode(obj)


def dumps(obj: Any, *, option: int = 0) -> bytes:
    """``orjson.dumps`` that also writes netx and ``ipaddress`` values (``option``: orjson's flags)."""
    return _orjson_dumps(obj, default=default, option=option)


@lru_cache(maxsize=256)
def _adapter(kind: Any) -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(kind)


@overload
def loads(data: str | bytes | bytearray | memoryview, type: None = None) -> Any: ...
@overload
def loads(data: str | bytes | bytearray | memoryview, type: builtins.type[_T]) -> _T: ...


def loads(data: str | bytes | bytearray | memoryview, type: Any = None) -> Any:
    """Parse JSON; with ``type`` (``list[IP]``, ``dict[str, IPNet]``, a model...) validate into it.

    Without ``type`` this is ``orjson.loads``; with it, bad input raises ``pydantic.ValidationError``.
    """
    if type is None:
        return _orjson_loads(data)
    try:
        hash(type)
    except TypeError:  # an unhashable type form (rare): build its adapter uncached
        adapter = _adapter.__wrapped__(type)
    else:
        adapter = _adapter(type)
    if isinstance(data, memoryview):
        data = data.tobytes()
    return adapter.validate_json(data)


class Encoder(json.JSONEncoder):
    """A ``json.JSONEncoder`` that writes netx and ``ipaddress`` values: ``json.dumps(x, cls=Encoder)``."""

    def default(self, o: Any) -> Any:
        return default(o)


# -- msgspec -----------------------------------------------------------------------------------
def enc_hook(obj: Any) -> Any:
    """msgspec's ``enc_hook``: ``msgspec.json.encode(x, enc_hook=netx.json.enc_hook)``.

    netx and ``ipaddress`` values become their JSON value; anything else raises
    ``TypeError`` (msgspec's own words for an unsupported type).
    """
    encode = _lookup(type(obj)) or _encoder(type(obj))
    if encode is None:
        raise TypeError(f"Encoding objects of type {type(obj).__name__} is unsupported")
    return encode(obj)


def dec_hook(type: Any, obj: Any) -> Any:
    """msgspec's ``dec_hook``: ``msgspec.json.decode(data, type=list[IP], dec_hook=netx.json.dec_hook)``.

    Builds a netx value (or a version-constrained form's value) from its decoded JSON
    value; a bad value raises the netx error (a ``ValueError``), which msgspec reports as a
    ``ValidationError`` at its path; so does a type netx does not describe (a ``TypeError``).
    A generic netx type decoded from a JSON object (``PrefixMap[IP]``) gets its values
    converted to its type argument by msgspec first (with this hook).
    """
    desc = find_desc(type)
    args: tuple[Any, ...] = ()
    if desc is None:
        desc = find_desc(get_origin(type))  # a generic netx type: PrefixMap[int]
        args = get_args(type)
        if desc is None:
            raise TypeError(f"netx.json.dec_hook does not decode {type!r}")
    if desc.json_input == "string":
        if not isinstance(obj, str):
            raise TypeError(f"Expected `str`, got `{obj.__class__.__name__}`")
    elif desc.json_input == "object":
        if not isinstance(obj, dict) or not all(isinstance(key, str) for key in obj):
            raise TypeError(f"Expected `object` with `str` keys, got `{obj.__class__.__name__}`")
        if args:
            import msgspec

            obj = msgspec.convert(obj, dict[str, args[-1]], dec_hook=dec_hook)  # type: ignore[valid-type]
    elif not isinstance(obj, list) or not all(isinstance(item, str) for item in obj):
        raise TypeError(f"Expected `array` of `str`, got `{obj.__class__.__name__}`")
    return desc.from_json_value(obj)
