"""JSON for netx values: an orjson / ``json.dumps`` ``default`` hook, ``dumps``, typed ``loads``.

Addresses, networks and interfaces (netx or stdlib ``ipaddress``) become their
string, an ``IPRange`` ``"first-last"``, an ``IPSet`` its list of CIDR strings.
"""

from __future__ import annotations

import ipaddress
import json
import sys
from functools import lru_cache
from typing import Any, Callable

import orjson

from ._ip import IP
from ._net import IPInterface, IPNet

__all__ = ["default", "dumps", "loads", "Encoder"]

_orjson_dumps = orjson.dumps
_orjson_loads = orjson.loads

_STDLIB_TYPES = (
    ipaddress.IPv4Address, ipaddress.IPv6Address,
    ipaddress.IPv4Network, ipaddress.IPv6Network,
    ipaddress.IPv4Interface, ipaddress.IPv6Interface,
)


def _set_cidrs(s: Any) -> list[str]:
    return [str(n) for n in s.cidrs()]


# type -> function giving the JSON-ready value. IP, IPNet and IPInterface are handled before
# the lookup (the hot path); IPRange, IPSet and stdlib subclasses are added on first sight.
_ENCODERS: dict[type, Callable[[Any], Any]] = {kind: kind.__str__ for kind in _STDLIB_TYPES}
_lookup = _ENCODERS.get


def default(obj: Any) -> Any:
    """The ``default=`` hook for orjson and ``json.dumps``: netx and ``ipaddress`` values -> JSON.

    Anything it does not know raises ``TypeError``, as the serializers expect.
    """
    kind = type(obj)
    if kind is IP or kind is IPNet or kind is IPInterface:
        text = obj._str  # the canonical text, cached once the value was printed or parsed
        return text if text is not None else obj.__str__()
    encode = _lookup(kind)
    if encode is not None:
        return encode(obj)
    return _first_sight(obj)


def _first_sight(obj: Any) -> Any:
    """Slow path of ``default``: learn IPRange, IPSet and stdlib subclasses, reject the rest."""
    kind = type(obj)
    encode: Callable[[Any], Any] | None = None
    if isinstance(obj, _STDLIB_TYPES):
        encode = str
    else:
        # An IPRange or IPSet exists only once its module was imported: look, don't import.
        ranges = sys.modules.get(f"{__package__}._range")
        sets = sys.modules.get(f"{__package__}._set")
        if ranges is not None and kind is ranges.IPRange:
            encode = kind.__str__
        elif sets is not None and kind is sets.IPSet:
            encode = _set_cidrs
    if encode is None:
        raise TypeError(f"Object of type {kind.__name__} is not JSON serializable")
    _ENCODERS[kind] = encode
    return encode(obj)


def dumps(obj: Any, *, option: int = 0) -> bytes:
    """``orjson.dumps`` that also writes netx and ``ipaddress`` values (``option``: orjson's flags)."""
    return _orjson_dumps(obj, default=default, option=option)


@lru_cache(maxsize=256)
def _adapter(kind: Any) -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(kind)


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
