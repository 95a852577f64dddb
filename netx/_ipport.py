"""``IPPort``: an IP address and a port, Go's ``netip.AddrPort``: ``10.0.0.1:80``, ``[2001:db8::1]:443``.

The grammar is Go's ``ParseAddrPort``: split at the last ``:``; an IPv6 address must be
in square brackets (its zone inside them: ``[fe80::1%eth0]:22``), an IPv4 one must not;
the port is decimal, 0 to 65535. The address part is parsed by ``IP``, so it accepts
exactly what ``ipaddress`` accepts.
"""

from __future__ import annotations

from typing import Any

from ._desc import TypeDesc
from ._errors import AddressError, shorten
from ._ip import IP, MAX_TEXT
from ._value import _Ordered

__all__ = ["IPPort"]

_MAX_TEXT = MAX_TEXT + 8  # "[" + address + "]:" + port
_new = object.__new__


def _bad(text: str, reason: str) -> AddressError:
    return AddressError(f"invalid IP:port {shorten(text)}: {reason}")


def _port_of(text: str, whole: str) -> int:
    if 0 < len(text) <= 5 and text.isdigit() and text.isascii():
        port = int(text)
        if port <= 65535:
            return port
    if not text:
        raise _bad(whole, "no port after ':'")
    if not (text.isascii() and text.isdigit()):
        raise _bad(whole, f"port {shorten(text)} is not a decimal number")
    value = int(text[:12])  # leading zeros are allowed (as in Go); the digits are bounded
    if len(text) > 12 or value > 65535:
        raise _bad(whole, f"port {shorten(text)} is out of range (0 to 65535)")
    return value


def _parse(text: str) -> tuple[IP, int]:
    """``(IP, port)`` of ``ip:port`` / ``[ipv6]:port`` text, else ``AddressError``."""
    if len(text) > _MAX_TEXT:
        raise _bad(text, f"longer than {_MAX_TEXT} characters")
    host, colon, port_text = text.rpartition(":")
    if text[:1] == "[" and text.rfind("]") > len(host):
        raise _bad(text, "no ':port' after ']'")
    if not colon:
        raise _bad(text, "no ':port' (expected 10.0.0.1:80 or [2001:db8::1]:443)")
    bracketed = host[:1] == "["
    if bracketed:
        if len(host) < 2 or host[-1] != "]":
            raise _bad(text, "missing ']' after the IPv6 address")
        host = host[1:-1]
    elif not host:
        raise _bad(text, "no address before ':'")
    elif ":" in host:
        try:
            IP(text)
        except AddressError:
            raise _bad(text, f"an IPv6 address must be in square brackets: [{shorten(host)[1:-1]}]:port") from None
        raise _bad(text, f"a bare IPv6 address has no port: write [{text}]:port")
    try:
        ip = IP(host)
    except AddressError as exc:
        raise _bad(text, str(exc)) from None
    if bracketed and ip._ver == 4:
        raise _bad(text, "square brackets are only for IPv6 addresses")
    return ip, _port_of(port_text, text)


def _check_port(port: Any) -> int:
    if not isinstance(port, int) or isinstance(port, bool):
        raise TypeError(f"port must be an int, not {type(port).__name__}")
    value = int(port)
    if not 0 <= value <= 65535:
        raise AddressError(f"port {shorten(value)} is out of range (0 to 65535)")
    return value


class IPPort(_Ordered):
    """An IP address and a port (Go's ``netip.AddrPort``), immutable and hashable.

    ``IPPort("10.0.0.1:80")``, ``IPPort("[2001:db8::1]:443")`` or ``IPPort(ip, port)``;
    ordered by address (IPv4 before IPv6), then port.
    """

    __slots__ = ("_ip", "_port", "_str")

    _ip: IP
    _port: int
    _str: str | None

    def __init__(self, value: Any, port: int | None = None) -> None:
        self._str = None
        if port is not None:
            self._ip = value if type(value) is IP else _ip_of(value)
            self._port = _check_port(port)
        elif type(value) is str:
            self._ip, self._port = _parse(value)
        elif isinstance(value, IPPort):
            self._ip, self._port = value._ip, value._port
        elif isinstance(value, str):
            self._ip, self._port = _parse(str(value))
        elif isinstance(value, tuple) and len(value) in (2, 4):  # a socket address: (host, port[, flow, scope])
            self._ip = _ip_of(value[0])
            self._port = _check_port(value[1])
        else:
            raise TypeError(f"cannot make an IPPort from {type(value).__name__} {shorten(value)}")

    @property
    def ip(self) -> IP:
        """The address (with its zone, if any)."""
        return self._ip

    @property
    def port(self) -> int:
        """The port, 0 to 65535."""
        return self._port

    @property
    def version(self) -> int:
        """4 or 6: the address's version."""
        return self._ip._ver

    def to_tuple(self) -> tuple[str, int]:
        """``(host, port)`` as ``socket.connect`` / ``bind`` take it (the zone stays in the host)."""
        return str(self._ip), self._port

    def __str__(self) -> str:
        text = self._str
        if text is None:
            ip = self._ip
            text = self._str = f"{ip}:{self._port}" if ip._ver == 4 else f"[{ip}]:{self._port}"
        return text

    def _key(self) -> tuple[tuple[int, int, str], int]:
        return (self._ip._key(), self._port)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, IPPort):
            return NotImplemented
        return self._port == other._port and self._ip == other._ip

    def __hash__(self) -> int:
        return hash((self._ip, self._port))

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (str(self),))


def _ip_of(value: Any) -> IP:
    if isinstance(value, IPPort):
        raise TypeError(f"cannot make an IP from IPPort {str(value)!r}: use its .ip")
    return IP(value)


def _restore(text: Any) -> IPPort:
    """Unpickle an ``IPPort``: the text is parsed again, so crafted data cannot make a bad value."""
    if type(text) is not str:
        raise AddressError(f"invalid IPPort pickle data {shorten(text)}")
    return IPPort(text)


def _from_json_value(text: str) -> IPPort:
    return IPPort(text)


# the port: 0 to 65535, leading zeros allowed (as the parser allows them)
_PORT_PATTERN = r"0*([0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])"
IPPORT_PATTERN = rf"^([0-9.]+|\[[0-9A-Fa-f:.]+(%[^\]]+)?\]):{_PORT_PATTERN}$"
"""Every string ``IPPort`` prints or accepts matches this (a loose check: the address is the validator's)."""

IPPort.__netx__ = TypeDesc(
    cls=IPPort, name="IP:port endpoint", code="ip_port", error=AddressError,
    accepts="a str, (ip, port) tuple or IPPort",
    from_python=IPPort, to_json_value=IPPort.__str__, from_json_value=_from_json_value,
    json_schema={
        "type": "string",
        "pattern": IPPORT_PATTERN,
        "description": "IP address and port, e.g. 10.0.0.1:80 or [2001:db8::1]:443 (IPv6 in brackets)",
    },
)
