"""Argument coercion for the IPAM: what ``Pool``, ``SubnetPool``, their specs and the service
layer accept as an address, a range, a reserve entry, a subnet, an owner, a count.

Bad values raise the netx error for their kind (``AddressError``, ``NetworkError``,
``IPAMError``) quoting the input; values of the wrong type raise ``TypeError``.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from .._errors import shorten
from .._ip import IP, parse_ip
from .._net import IPNet
from .._range import IPRange
from .._range import _bounds as key_bounds  # key bounds of an IP, IPNet or IPRange
from .errors import IPAMError

__all__ = [
    "STRATEGIES", "Interval", "as_ip", "as_range", "as_item", "as_net", "items_of", "key_bounds", "span_of",
    "check_version", "check_count", "check_owner", "check_prefixlen", "check_strategy", "MAX_MANY",
]

MAX_MANY = 1 << 20
"""Most addresses (or subnets) one ``allocate_many`` hands out: its result is a list, built in one
transaction, so a count beyond what fits in memory is refused up front."""

STRATEGIES = ("lowest", "round_robin", "random")
"""``lowest``: first free (NetBox). ``round_robin``: next free after the last handed out,
wrapping (CNI host-local). ``random``: uniform over the free addresses (k8s)."""

Interval = tuple[int, int]
"""Inclusive ``(first, last)`` keys."""

_ADDRESS_TYPES = (ipaddress.IPv4Address, ipaddress.IPv6Address)
_NETWORK_TYPES = (ipaddress.IPv4Network, ipaddress.IPv6Network)


def as_ip(value: Any) -> IP:
    """An ``IP`` (zone dropped) from an ``IP``, a string or a stdlib address."""
    if type(value) is IP:
        ip = value
    elif isinstance(value, str):
        ip = parse_ip(str(value))
    else:
        ip = IP(value)  # stdlib and netaddr addresses; anything else -> TypeError
    return ip if ip._zone is None else ip.with_zone(None)


def as_range(value: Any) -> IPNet | IPRange:
    """One pool range: a CIDR (``IPNet``) or an ``IPRange``; strings ``"a/n"``, ``"a-b"``, ``"a"``."""
    if type(value) is IPNet:
        return value.masked()
    if type(value) is IPRange:
        return value
    if isinstance(value, str):
        text = str(value)
        if "-" in text and "/" not in text:  # (a zone may hold a '-': 'fe80::%a-b/64' is a CIDR)
            return IPRange(text)
        return IPNet(text).masked()  # strict: masked() only drops a zone
    try:
        return IPNet(value).masked()  # stdlib and netaddr networks, one address
    except TypeError:
        return IPRange(value)  # netaddr.IPRange; anything else -> TypeError


def as_item(value: Any) -> IP | IPNet | IPRange:
    """One ``reserve`` entry: an address, a CIDR or a range, kept as its own type."""
    if type(value) is IP:
        return as_ip(value)
    if type(value) in (IPNet, IPRange):
        return as_range(value)
    if isinstance(value, str):
        text = str(value)
        if "/" in text:
            return as_range(text)
        if "-" in text:
            try:
                return as_ip(text)  # an IPv6 zone may contain '-'
            except ValueError:
                return as_range(text)
        return as_ip(text)
    try:
        return as_ip(value)
    except TypeError:
        return as_range(value)


def as_net(value: Any) -> IPNet:
    """A CIDR (strict: host bits are an error), zone dropped."""
    return (value if type(value) is IPNet else IPNet(value)).masked()


def span_of(item: Any) -> Interval:
    """Key bounds of an address or a network (strings: with a ``/`` a network)."""
    if type(item) is IP or isinstance(item, _ADDRESS_TYPES) or (isinstance(item, str) and "/" not in item):
        return key_bounds(as_ip(item))
    return key_bounds(as_net(item))


def items_of(values: Any, what: str) -> list[Any]:
    """A list from an iterable argument; one string/address/network (bytes: one packed address) is one item."""
    if isinstance(values, (str, bytes, bytearray, memoryview, IP, IPNet, IPRange)) or isinstance(
        values, _ADDRESS_TYPES + _NETWORK_TYPES
    ):
        return [values]
    try:
        return list(values)
    except TypeError:
        raise TypeError(f"{what} must be an iterable of addresses, networks or ranges, not {shorten(values)}") from None


def check_version(version: Any) -> int:
    """``version=`` must be 4 or 6 (``IPAMError``), an int (``TypeError``)."""
    if type(version) is not int:
        raise TypeError(f"version must be 4, 6 or None, not {shorten(version)}")
    if version not in (4, 6):
        raise IPAMError(f"version must be 4 or 6, not {shorten(version)}")
    return version


def check_count(n: Any) -> int:
    """A count of ``allocate_many`` must be an int (``TypeError``) of at least 1 (``IPAMError``)."""
    if type(n) is not int:
        raise TypeError(f"n must be an int, not {shorten(n)}")
    if n < 1:
        raise IPAMError(f"n must be at least 1, not {shorten(n)}")
    if n > MAX_MANY:
        raise IPAMError(f"n is {shorten(n)}: one call hands out at most {MAX_MANY}; allocate in several calls")
    return n


MAX_OWNER = 1024
"""Longest owner, in UTF-8 bytes, on every store (PostgreSQL indexes owners, and its index rows are bounded)."""


def check_owner(owner: Any) -> str | None:
    """An owner is a ``str`` (``TypeError`` otherwise) of at most ``MAX_OWNER`` UTF-8 bytes that every store can
    hold — no NUL (PostgreSQL text cannot), no lone surrogate (not UTF-8) — (``IPAMError``), or None."""
    if owner is None:
        return None
    if not isinstance(owner, str):
        raise TypeError(f"owner must be a str or None, not {type(owner).__name__} {shorten(owner)}")
    text = owner if type(owner) is str else str(owner)
    if len(text) > MAX_OWNER // 4 and len(text.encode("utf-8", "surrogatepass")) > MAX_OWNER:
        raise IPAMError(
            f"owner {shorten(text)} is {len(text.encode('utf-8', 'surrogatepass')):,} bytes long (UTF-8):"
            f" owners are at most {MAX_OWNER} bytes on every store"
        )
    if "\x00" in text:
        raise IPAMError(f"owner {shorten(text)} contains a NUL character, which not every store can hold")
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise IPAMError(f"owner {shorten(text)} is not valid Unicode text (lone surrogate)") from None
    return text


def check_ensure_owner(owner: Any) -> str:
    """``ensure`` needs an owner: it is what makes the call idempotent (None -> ``IPAMError``)."""
    if owner is None:
        raise IPAMError("ensure() needs an owner: the addresses it ensures are the owner's")
    checked = check_owner(owner)
    assert checked is not None
    return checked


def check_ttl(ttl: Any) -> float:
    """A lease's time to live: a positive, finite number of seconds (``IPAMError``), an int or float (``TypeError``)."""
    if type(ttl) not in (int, float):
        raise TypeError(f"ttl must be a number of seconds, not {shorten(ttl)}")
    if not 0 < ttl < 1e12:  # also refuses NaN and infinity
        raise IPAMError(f"ttl must be a positive number of seconds, not {shorten(ttl)}")
    return float(ttl)


def check_prefixlen(prefixlen: Any) -> int:
    """A prefix length must be an int (``TypeError``); whether a parent can hold it is checked by the pool."""
    if type(prefixlen) is not int:
        raise TypeError(f"prefixlen must be an int, not {shorten(prefixlen)}")
    return prefixlen


def check_strategy(strategy: Any) -> str:
    """One of ``STRATEGIES`` (``IPAMError``), a ``str`` (``TypeError``)."""
    if not isinstance(strategy, str):
        raise TypeError(f"strategy must be a str, not {type(strategy).__name__} {shorten(strategy)}")
    if strategy not in STRATEGIES:
        raise IPAMError(f"unknown strategy {shorten(strategy)}: expected one of {', '.join(STRATEGIES)}")
    return str(strategy)
