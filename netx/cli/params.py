"""click parameter types for netx values: a bad address, network, range or strategy is a
usage error (exit 2, click's message naming the option), never a failure deep inside.

They convert with the IPAM's own coercion (``netx.ipam._coerce``), so the command line
accepts exactly what ``Pool`` / ``SubnetPool`` accept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

import click

from .._errors import NetxError, shorten
from ..ipam._coerce import STRATEGIES, as_ip, as_item, as_net, as_range, check_ttl
from ..ipam.errors import IPAMError

__all__ = ["IP_ADDRESS", "NETWORK", "POOL_RANGE", "RESERVE_ITEM", "STRATEGY", "TTL", "VERSION", "once"]


if TYPE_CHECKING:
    _ParamType = click.ParamType[Any]  # generic in click >= 8.2
else:
    _ParamType = click.ParamType


class _NetxType(_ParamType):
    """A value parsed by a netx function; its ``NetxError`` becomes click's usage error."""

    def __init__(self, name: str, parse: Callable[[str], Any]) -> None:
        self.name = name
        self._parse = parse

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):
            return value  # already converted (a default)
        try:
            return self._parse(value)
        except NetxError as exc:
            self.fail(str(exc), param, ctx)


IP_ADDRESS = _NetxType("ip", as_ip)
"""An IP address (``10.0.0.5``, ``2001:db8::1``)."""
NETWORK = _NetxType("cidr", as_net)
"""A CIDR (``10.0.0.0/24``; host bits are an error)."""
POOL_RANGE = _NetxType("cidr|range", as_range)
"""A pool range: a CIDR, or ``first-last``."""
RESERVE_ITEM = _NetxType("ip|cidr|range", as_item)
"""A reserve entry: an address, a CIDR or ``first-last``."""
STRATEGY = click.Choice(STRATEGIES)


def _ttl(text: str) -> float:
    """A ``--ttl`` value: what ``check_ttl`` accepts, written as a number; the message quotes the input."""
    try:
        return check_ttl(float(text))
    except (ValueError, IPAMError):  # IPAMError is a ValueError too: not a number, or not a positive one
        raise IPAMError(f"ttl must be a positive number of seconds, not {shorten(text)}") from None


TTL = _NetxType("seconds", _ttl)
"""A lease's time to live in seconds: a positive number (what ``Pool.allocate(ttl=)`` accepts, NaN refused)."""
VERSION = click.Choice(["4", "6"])


def once(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Callback of a ``multiple=True`` option that may be given once: twice is a usage error, not 'the last wins'."""
    if not isinstance(value, tuple):
        return value
    if len(value) > 1:
        shown = ", ".join(str(v) for v in value)
        raise click.BadParameter(f"given {len(value)} times ({shown}); give it once", ctx=ctx, param=param)
    return value[0] if value else None
