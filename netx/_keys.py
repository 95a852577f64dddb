"""One ordered integer key space for both families, shared by ranges, sets and IPAM.

An IPv4 address is its integer value; an IPv6 address is ``V6_BASE + value``. The
gap between the families keeps IPv4 keys below IPv6 ones (netx's total order) and
stops intervals from ever merging across families.
"""

from __future__ import annotations

from ._codec import V6_BASE  # one definition, in the codec (IP's sort key uses it too)
from ._ip import IP, _make

__all__ = ["V6_BASE", "LO", "HI", "key_of", "ip_of", "family_of", "family_bounds"]

LO = {4: 0, 6: V6_BASE}
HI = {4: (1 << 32) - 1, 6: V6_BASE + (1 << 128) - 1}


def key_of(ip: IP) -> int:
    """The key of an address (its zone is ignored)."""
    return ip._int + V6_BASE if ip._ver == 6 else ip._int


def ip_of(key: int) -> IP:
    """The address of a key."""
    if key >= V6_BASE:
        return _make(key - V6_BASE, 6)
    return _make(key, 4)


def family_of(key: int) -> int:
    """4 or 6."""
    return 6 if key >= V6_BASE else 4


def family_bounds(version: int | None) -> tuple[int, int]:
    """Lowest and highest key of a family, or of the whole space for None."""
    if version is None:
        return LO[4], HI[6]
    return LO[version], HI[version]
