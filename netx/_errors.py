"""The netx exception hierarchy: ``Error`` is the root; every bad value is a ``NetxError`` (a ``ValueError``)."""

from __future__ import annotations

import reprlib

__all__ = ["Error", "NetxError", "AddressError", "NetworkError", "RangeError", "shorten"]

_SHOW = 60  # characters of a bad input quoted in a message


class Error(Exception):
    """Root of every exception netx raises on purpose: ``except netx.Error`` catches them all."""


class NetxError(Error, ValueError):
    """Base of every error netx raises for a bad value."""


class AddressError(NetxError):
    """A value is not a valid IP address (or leaves the address space)."""


class NetworkError(NetxError):
    """A value is not a valid IP network, interface or CIDR."""


class RangeError(AddressError):
    """A value is not a valid IP range: not ``first-last``, first after last, or mixed families.

    An ``AddressError`` too, as ``IPRange`` has always raised, but its own kind, as ``NetworkError`` is
    for networks."""


# Tracebacks and reprs name the public path users import from: ``netx.AddressError``.
for _cls in (Error, NetxError, AddressError, NetworkError, RangeError):
    _cls.__module__ = "netx"


def shorten(value: object) -> str:
    """``repr`` of a bad input, cut to a readable length so huge inputs never flood a log."""
    if isinstance(value, (str, bytes, bytearray)) and len(value) > _SHOW:
        unit = "characters" if isinstance(value, str) else "bytes"
        return f"{value[:_SHOW]!r}... ({len(value)} {unit})"
    text = _REPR.repr(value)  # bounded for containers: never builds a huge repr
    return text if len(text) <= _SHOW + 20 else text[: _SHOW + 20] + "..."


_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = _SHOW + 20
