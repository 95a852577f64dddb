"""The netx exception hierarchy: ``Error`` is the root; every bad value is a ``NetxError`` (a ``ValueError``)."""

from __future__ import annotations

import reprlib
from typing import TypeVar

__all__ = ["Error", "NetxError", "AddressError", "NetworkError", "shorten", "invalid"]

_SHOW = 60  # characters of a bad input quoted in a message


class Error(Exception):
    """Root of every exception netx raises on purpose: ``except netx.Error`` catches them all."""


class NetxError(Error, ValueError):
    """Base of every error netx raises for a bad value."""


class AddressError(NetxError):
    """A value is not a valid IP address (or leaves the address space)."""


class NetworkError(NetxError):
    """A value is not a valid IP network, interface or CIDR."""


# Tracebacks and reprs name the public path users import from: ``netx.AddressError``.
for _cls in (Error, NetxError, AddressError, NetworkError):
    _cls.__module__ = "netx"


_E = TypeVar("_E", bound=NetxError)


def invalid(error: type[_E], what: str, value: object, reason: str) -> _E:
    """The one shape of every bad-input message: ``invalid <what> <input, shortened>: <reason>``."""
    return error(f"invalid {what} {shorten(value)}: {reason}")


def shorten(value: object) -> str:
    """``repr`` of a bad input, cut to a readable length so huge inputs never flood a log."""
    if isinstance(value, (str, bytes, bytearray)) and len(value) > _SHOW:
        unit = "characters" if isinstance(value, str) else "bytes"
        return f"{value[:_SHOW]!r}... ({len(value)} {unit})"
    if isinstance(value, int) and not -_BIG < value < _BIG:  # never str() a huge int (digit limit)
        return f"{'-' if value < 0 else ''}<an integer of {abs(value).bit_length()} bits>"
    text = _REPR.repr(value)  # bounded for containers: never builds a huge repr
    return text if len(text) <= _SHOW + 20 else text[: _SHOW + 20] + "..."


_BIG = 1 << 256


class _Repr(reprlib.Repr):
    def repr_int(self, x: int, level: int) -> str:
        return shorten(x) if not -_BIG < x < _BIG else super().repr_int(x, level)


_REPR = _Repr()
_REPR.maxstring = _REPR.maxother = _SHOW + 20
