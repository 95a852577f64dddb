"""``IPNet`` (a CIDR network) and ``IPInterface`` (an address with its prefix).

Both compose the stdlib objects the way ``IP`` does: text goes through ``netx._codec``
(the common forms ``addr`` or ``addr/digits`` in C, the stdlib deciding everything
else; ``IPNet()`` and ``IPInterface()`` inline the IPv4 fast path), and the stdlib
object is built lazily.
"""

from __future__ import annotations

import ipaddress
from functools import partial
from typing import TYPE_CHECKING, Any, Iterator

from ._codec import _AF4, _AF6, _BITS, _from_bytes, _from_stdlib, _pton, MAX_TEXT
from ._codec import HOST4 as _HOST4
from ._codec import HOST6 as _HOST6
from ._codec import HOSTMASKS as _HOSTMASKS
from ._codec import PLEN4 as _PLEN4
from ._codec import PLEN6 as _PLEN6
from ._codec import PREFIX4 as _PREFIX4  # (re-exported: netx._prefixmap reads it from here)
from ._codec import V6_BASE as _V6_KEY  # netx._ip's sort-key offset of IPv6 values
from ._codec import address_reason, cidr, fmt, host_bits_error, interface_slow, network6, network_reason, network_slow, strip_echo
from ._codec import std_parts, std_version
from ._desc import TypeDesc, desc_of
from ._errors import AddressError, NetworkError, invalid, shorten
from ._promote import INTERFACE, NETWORK, Flags, promote
from ._value import _Ordered, _stdlib, constrained_form
from ._ip import (
    _ADDRESS_TYPES,
    _INTERFACE_TYPES,
    IP,
    _fmt4,
    _fmt6,
    checked_parts,
    _make,
    _netaddr_type,
    iter_ips,
)

if TYPE_CHECKING:
    import netaddr

__all__ = ["IPNet", "IPInterface", "IPv4Net", "IPv6Net", "Masked", "parse_net", "parse_cidr", "ip_version", "_PREFIX4"]

_new = object.__new__
_NETWORK_TYPES = (ipaddress.IPv4Network, ipaddress.IPv6Network)


def _mask_for(version: int, plen: int) -> int:
    """The host mask (low ``bits - plen`` bits set) of a prefix length."""
    return _HOSTMASKS[version][plen]


def _make_iface(i: int, plen: int, version: int, zone: str | None = None) -> IPInterface:
    """Trusted constructor: ``i`` in range for ``version``, ``plen`` valid for it (arguments as ``_make_net``'s)."""
    iface = _new(IPInterface)
    iface._int = i
    iface._ver = version
    iface._zone = zone
    iface._plen = plen
    iface._str = None
    iface._obj = None
    return iface


def _make_net(i: int, plen: int, version: int, zone: str | None = None) -> IPNet:
    """Trusted constructor: ``i`` masked and in range, ``plen`` valid for ``version``."""
    net = _new(IPNet)
    net._int = i
    net._plen = plen
    net._ver = version
    net._zone = zone
    net._str = None
    net._obj = None
    return net


class IPNet(_Ordered, Flags):
    """An IPv4 or IPv6 network in CIDR form, immutable and hashable.

    Attributes the class does not define are read from the stdlib network
    (``IPNet("10.0.0.0/8").is_private``); order is IPv4 before IPv6, then network
    address, then prefix length.
    """

    # _na / _ba cache network_address / broadcast_address: unset until first read
    __slots__ = ("_int", "_plen", "_ver", "_zone", "_str", "_obj", "_na", "_ba")

    _na: IP
    _ba: IP

    _int: int
    _plen: int
    _ver: int
    _zone: str | None
    _str: str | None
    _obj: ipaddress.IPv4Network | ipaddress.IPv6Network | None

    def __init__(self, value: Any, *, strict: bool = True) -> None:
        # Hot path first and inline: ``a.b.c.d`` or ``a.b.c.d/digits``. (Blocks are kept
        # short so that CPython 3.11 can specialise the comparisons and jumps.)
        # This is netx._codec.network with the canonical text kept; the codec decides the rest.
        if type(value) is not str or len(value) > MAX_TEXT:
            self._int, self._plen, self._ver, self._zone = _net_parts(value, strict)
            self._str = self._obj = None
            return
        addr, slash, ptext = value.partition("/")
        if ":" in addr:
            self._int, self._plen, self._ver, self._zone = network6(value, addr, slash, ptext, strict)
            self._str = self._obj = None
            return
        try:
            i = _from_bytes(_pton(_AF4, addr))
            plen, host = _PREFIX4[ptext]  # canonical "0".."32" only; "" (no '/') -> 32
        except (OSError, ValueError, KeyError):
            self._int, self._plen, self._ver, self._zone = network_slow(value, strict)
            self._str = self._obj = None
            return
        if i & host:
            if strict:
                raise host_bits_error(value, i, plen, 4)
            self._int = i & ~host
            self._str = None
        elif ptext:
            self._int = i
            self._str = value  # canonical dotted quad and prefix: this is str()
        elif slash:  # "a.b.c.d/" with nothing after the '/'
            raise invalid(NetworkError, "IP network", value, network_reason(value, strict))
        else:
            self._int = i
            self._str = None
        self._plen = plen
        self._ver = 4
        self._zone = None
        self._obj = None

    # -- the stdlib object ------------------------------------------------------
    @property
    def network(self) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
        """The stdlib ``IPv4Network`` / ``IPv6Network`` (built on first use)."""
        obj = self._obj
        if obj is None:
            arg = (self._int, self._plen)
            obj = self._obj = _stdlib(self, self._ver, self._zone, arg, ipaddress.IPv4Network, ipaddress.IPv6Network)
        return obj

    # -- promoted from the stdlib network (the table: netx/_promote.py) ----------
    if TYPE_CHECKING:  # installed by promote() below (the flags: declared in Flags)

        @property
        def reverse_pointer(self) -> str: ...
        @property
        def with_hostmask(self) -> str: ...
        @property
        def with_netmask(self) -> str: ...

    @property
    def network_address(self) -> IP:
        """The network address as an ``IP`` (the stdlib's name for ``.first``; made once, then cached)."""
        try:
            return self._na
        except AttributeError:
            ip = self._na = _make(self._int, self._ver, self._zone)
            return ip

    @property
    def broadcast_address(self) -> IP:
        """The last address as an ``IP``, without a zone (the stdlib's; IPv4: the broadcast address)."""
        try:
            return self._ba
        except AttributeError:
            ip = self._ba = _make(self._int | _HOSTMASKS[self._ver][self._plen], self._ver)
            return ip

    @property
    def compressed(self) -> str:
        """The short form: ``str(net)``."""
        return self.__str__()

    @property
    def with_prefixlen(self) -> str:
        """``address/prefixlen``: ``str(net)``."""
        return self.__str__()

    @property
    def num_addresses(self) -> int:
        """How many addresses the network holds (the stdlib's name for ``.size``)."""
        return 1 << (_BITS[self._ver] - self._plen)

    @property
    def is_site_local(self) -> bool:
        """True inside IPv6 site-local space (``fec0::/10``); False for IPv4 (the stdlib has it on IPv6 only)."""
        return self._ver == 6 and self._plen >= 10 and self._int >> 118 == 0x3FB

    def __getitem__(self, n: int) -> IP:
        """The ``n``-th address (negative counts from the end), as for stdlib networks."""
        if type(n) is not int:
            if not isinstance(n, int) or isinstance(n, bool):
                raise TypeError(f"IPNet indices must be integers, not {type(n).__name__}")
            n = int(n)
        size = 1 << (_BITS[self._ver] - self._plen)
        if n < 0:
            n += size
        if not 0 <= n < size:
            raise IndexError("address out of range")
        return _make(self._int + n, self._ver)  # no zone, as the stdlib

    def subnet_of(self, other: IPNet | str | ipaddress.IPv4Network | ipaddress.IPv6Network) -> bool:
        """True if this network is inside ``other`` (itself included); ``TypeError`` across families."""
        o = _as_net(other, self)
        return self._plen >= o._plen and self._int & ~_HOSTMASKS[o._ver][o._plen] == o._int

    def supernet_of(self, other: IPNet | str | ipaddress.IPv4Network | ipaddress.IPv6Network) -> bool:
        """True if ``other`` is inside this network (itself included); ``TypeError`` across families."""
        o = _as_net(other, self)
        return o._plen >= self._plen and o._int & ~_HOSTMASKS[self._ver][self._plen] == self._int

    def compare_networks(self, other: IPNet | str | ipaddress.IPv4Network | ipaddress.IPv6Network) -> int:
        """-1, 0 or 1 by network address, then netmask, as the stdlib (``TypeError`` across families)."""
        o = _as_net(other, self)
        a, b = (self._int, self._plen), (o._int, o._plen)
        return int(a > b) - int(a < b)

    def address_exclude(self, other: IPNet | str | ipaddress.IPv4Network | ipaddress.IPv6Network) -> Iterator[IPNet]:
        """The networks covering this one minus ``other`` (which must be inside it), in the stdlib's
        order. A generator, as the stdlib's: a bad ``other`` raises when it is iterated."""
        o = _as_net(other, self)
        if not (o._plen >= self._plen and o._int & ~_HOSTMASKS[self._ver][self._plen] == self._int):
            raise NetworkError(f"{o} not contained in {self}")
        yield from _exclude(self._int, self._plen, o._int, o._plen, self._ver)

    @property
    def exploded(self) -> str:
        """The long form, ``0000:...:0000/64`` (the stdlib raises on it when there is a zone)."""
        return f"{self.ip.exploded}/{self._plen}"

    # -- properties -------------------------------------------------------------
    @property
    def version(self) -> int:
        """4 or 6."""
        return self._ver

    @property
    def prefixlen(self) -> int:
        """The prefix length: ``24`` for ``10.0.0.0/24``."""
        return self._plen

    @property
    def max_prefixlen(self) -> int:
        """32 or 128."""
        return _BITS[self._ver]

    @property
    def ip(self) -> IP:
        """The network address (with the zone, if any), as an ``IP``."""
        return _make(self._int, self._ver, self._zone)

    @property
    def first(self) -> IP:
        """The first address: the network address."""
        return _make(self._int, self._ver, self._zone)

    @property
    def last(self) -> IP:
        """The last address (IPv4: the broadcast address)."""
        return _make(self._int | _HOSTMASKS[self._ver][self._plen], self._ver, self._zone)

    @property
    def netmask(self) -> IP:
        """The netmask as an ``IP``: ``255.255.255.0`` for a /24."""
        bits = _BITS[self._ver]
        return _make(((1 << bits) - 1) ^ _HOSTMASKS[self._ver][self._plen], self._ver)

    @property
    def hostmask(self) -> IP:
        """The host mask as an ``IP``: ``0.0.0.255`` for a /24."""
        return _make(_HOSTMASKS[self._ver][self._plen], self._ver)

    @property
    def size(self) -> int:
        """How many addresses the network holds (exact, even for IPv6)."""
        return 1 << (_BITS[self._ver] - self._plen)

    @property
    def zone(self) -> str | None:
        """The IPv6 zone of the network address (``fe80::%eth0/64``), or None."""
        return self._zone

    def _last_int(self) -> int:
        return self._int | _HOSTMASKS[self._ver][self._plen]

    # -- membership and relations -----------------------------------------------
    def __contains__(self, item: Any) -> bool:
        # The hot path, kept minimal: an IP's sort key (IPv6 above 2**128) xor the network's
        # value holds only host bits iff the address is inside (the other family never is).
        try:
            key: int = item._key4
        except AttributeError:
            return self._contains(item)
        if self._ver == 4:
            return key ^ self._int <= _HOST4[self._plen]
        return key ^ (self._int | _V6_KEY) <= _HOST6[self._plen]

    def _contains(self, item: Any) -> bool:
        if type(item) is IPNet:
            return (
                item._ver == self._ver and item._plen >= self._plen
                and item._int & ~_HOSTMASKS[self._ver][self._plen] == self._int
            )
        if isinstance(item, str):
            other: Any = IPNet(item, strict=False) if "/" in item else IP(item)
            return other in self
        if isinstance(item, IPNet):
            return _make_net(item._int, item._plen, item._ver) in self
        if isinstance(item, IPInterface):
            return item.ip in self
        if isinstance(item, _NETWORK_TYPES):
            return IPNet(item) in self
        if isinstance(item, _ADDRESS_TYPES):  # stdlib interfaces count as their address, as in ipaddress
            return _make(int(item), item.version) in self
        raise TypeError(f"'in <IPNet>' needs an IP, IPNet or address string, not {type(item).__name__}")

    def overlaps(self, other: Any) -> bool:
        """True if the two networks share any address (False across IPv4/IPv6)."""
        if type(other) is not IPNet:
            other = IPNet(other, strict=False) if not isinstance(other, IP) else IPNet(other)
        assert isinstance(other, IPNet)
        if other._ver != self._ver:
            return False
        return self._int <= other._last_int() and other._int <= self._last_int()

    def subnets(self, new_prefix: int | None = None, *, prefixlen_diff: int = 1) -> Iterator[IPNet]:
        """The subnets of ``new_prefix`` bits (default: one bit longer), in order, lazily.

        As in ``ipaddress``: a /32 or /128 yields itself.
        """
        bits = _BITS[self._ver]
        if new_prefix is not None:
            new_prefix = _check_plen(new_prefix, "new_prefix")
            if new_prefix < self._plen:
                raise NetworkError(f"new prefix /{shorten(new_prefix)} must be longer than /{self._plen} of {self}")
            if prefixlen_diff != 1:
                raise NetworkError("cannot set both prefixlen_diff and new_prefix")
        else:
            prefixlen_diff = _check_plen(prefixlen_diff, "prefixlen_diff")
            if prefixlen_diff < 0:
                raise NetworkError(f"prefixlen_diff must be >= 0, not {shorten(prefixlen_diff)}")
            new_prefix = self._plen + prefixlen_diff
        if self._plen == bits:
            return iter((self,))
        if new_prefix > bits:
            raise NetworkError(f"new prefix /{shorten(new_prefix)} is longer than /{bits}, the longest IPv{self._ver} prefix")
        return _subnets(self._int, self._last_int(), new_prefix, self._ver)

    def supernet(self, new_prefix: int | None = None, *, prefixlen_diff: int = 1) -> IPNet:
        """The network of ``new_prefix`` bits (default: one bit shorter) holding this one.

        As in ``ipaddress``: the supernet of a /0 is itself.
        """
        if new_prefix is not None:
            new_prefix = _check_plen(new_prefix, "new_prefix")
            if new_prefix > self._plen:
                raise NetworkError(f"new prefix /{shorten(new_prefix)} must be shorter than /{self._plen} of {self}")
            if prefixlen_diff != 1:
                raise NetworkError("cannot set both prefixlen_diff and new_prefix")
        else:
            new_prefix = self._plen - _check_plen(prefixlen_diff, "prefixlen_diff")
        if self._plen == 0:
            return self
        if new_prefix < 0:
            raise NetworkError(f"cannot make a supernet shorter than /0 from {self} (prefixlen_diff {shorten(prefixlen_diff)})")
        if new_prefix > self._plen:
            raise NetworkError(f"new prefix /{shorten(new_prefix)} must be shorter than /{self._plen} of {self}")
        return _make_net(self._int & ~_HOSTMASKS[self._ver][new_prefix], new_prefix, self._ver)

    def masked(self) -> IPNet:
        """This network in Go's canonical form: host bits cleared (always true here) and no zone."""
        return self if self._zone is None else _make_net(self._int, self._plen, self._ver)

    def __iter__(self) -> Iterator[IP]:
        """Every address of the network, network and broadcast included (as ``ipaddress``)."""
        return iter_ips(self._int, self._last_int(), self._ver)

    def hosts(self) -> Iterator[IP]:
        """Usable host addresses, exactly as ``ipaddress`` defines them: no IPv4 network or
        broadcast address, no IPv6 Subnet-Router anycast; /31 and /127 keep both addresses,
        /32 and /128 their one."""
        first, last, bits = self._int, self._last_int(), _BITS[self._ver]
        if self._plen == bits:
            return iter((_make(first, self._ver, self._zone),))
        if self._plen < bits - 1:
            first += 1
            if self._ver == 4:
                last -= 1
        return iter_ips(first, last, self._ver)

    # -- text -------------------------------------------------------------------
    def __str__(self) -> str:
        text = self._str
        if text is None:
            addr = fmt(self._int, self._ver)
            if self._zone is not None:
                addr = f"{addr}%{self._zone}"
            text = self._str = f"{addr}/{self._plen}"
        return text

    def to_netaddr(self) -> netaddr.IPNetwork:
        """This network as a ``netaddr.IPNetwork`` (zones are dropped: netaddr has none)."""
        import netaddr

        return netaddr.IPNetwork((self._int, self._plen), self._ver)

    # -- comparison (order on _key(): see _Ordered) ------------------------------
    def _key(self) -> tuple[int, int, int, str]:
        return (self._ver, self._int, self._plen, self._zone or "")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, IPNet):
            return NotImplemented
        return (
            self._int == other._int and self._plen == other._plen
            and self._ver == other._ver and self._zone == other._zone
        )

    def __hash__(self) -> int:
        return hash((self._int, self._plen, self._ver, self._zone))

    # -- pickling (copies are the value itself: see _Value) ---------------------
    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore_net, (self._int, self._plen, self._ver, self._zone))


promote(IPNet, IPNet.network.fget, NETWORK)  # type: ignore[attr-defined]


def _as_net(other: Any, to: IPNet) -> IPNet:
    """``other`` (a network of any accepted form) as an ``IPNet`` of ``to``'s family."""
    if isinstance(other, (IP, IPInterface, *_ADDRESS_TYPES)):
        raise TypeError(f"{other} is not a network object")  # as the stdlib (a string may be one address)
    net = other if type(other) is IPNet else IPNet(other)
    if net._ver != to._ver:
        raise TypeError(f"{to} and {net} are not of the same version")
    return net


def _exclude(i: int, plen: int, oi: int, oplen: int, version: int) -> Iterator[IPNet]:
    """``address_exclude``: at each level from ``plen + 1`` to ``oplen``, the half not holding ``oi``."""
    bits = _BITS[version]
    for p in range(plen + 1, oplen + 1):
        half = 1 << (bits - p)
        base = oi & ~_HOSTMASKS[version][p]  # oi's ancestor at /p
        yield _make_net(base ^ half, p, version)


def _subnets(first: int, last: int, plen: int, version: int) -> Iterator[IPNet]:
    for i in range(first, last + 1, 1 << (_BITS[version] - plen)):
        yield _make_net(i, plen, version)


def _check_plen(value: Any, name: str) -> int:
    if type(value) is int:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    raise TypeError(f"{name} must be an int, not {type(value).__name__}")


class IPInterface(_Ordered, Flags):
    """An address with the prefix of its network (``10.0.0.5/24``), like ``ipaddress.ip_interface``."""

    # the address as IP's fields (one object per interface, not two); _addr caches ``.ip``: unset until first read
    __slots__ = ("_int", "_ver", "_zone", "_plen", "_str", "_obj", "_addr")

    _int: int
    _ver: int
    _zone: str | None
    _plen: int
    _str: str | None
    _obj: ipaddress.IPv4Interface | ipaddress.IPv6Interface | None
    _addr: IP

    def __init__(self, value: Any) -> None:
        # Hot path first and inline, as in IPNet: ``addr`` or ``addr/digits`` (netx._codec.interface,
        # keeping the IPv4 text).
        if type(value) is not str or len(value) > MAX_TEXT:
            self._set_parts(value)
            return
        addr, slash, ptext = value.partition("/")
        try:
            if ":" in addr:
                i = _from_bytes(_pton(_AF6, addr))
                plen = _PLEN6[ptext]  # canonical "0".."128" only; "" (no '/') -> 128
                ver = 6
                text = None
            else:
                i = _from_bytes(_pton(_AF4, addr))
                plen = _PLEN4[ptext]  # canonical "0".."32" only; "" (no '/') -> 32
                ver = 4
                text = value if slash else None  # a strict dotted quad and a canonical prefix: this is str()
        except (OSError, ValueError, KeyError):
            self._set_parts(value)
            return
        if slash and not ptext:  # "addr/" with nothing after the '/'
            raise invalid(NetworkError, "IP interface", value, network_reason(value, False, True))
        self._int = i
        self._ver = ver
        self._zone = None
        self._plen = plen
        self._str = text
        self._obj = None

    def _set_parts(self, value: Any) -> None:
        """The slow path of ``__init__``: any value ``IPInterface`` accepts (its address, when one was made, kept)."""
        ip, self._plen = _interface_parts(value)
        self._int, self._ver, self._zone = ip._int, ip._ver, ip._zone
        self._addr = ip
        self._str = self._obj = None

    @property
    def interface(self) -> ipaddress.IPv4Interface | ipaddress.IPv6Interface:
        """The stdlib ``IPv4Interface`` / ``IPv6Interface`` (built on first use)."""
        obj = self._obj
        if obj is None:
            arg = (self._int, self._plen)
            obj = self._obj = _stdlib(self, self._ver, self._zone, arg, ipaddress.IPv4Interface, ipaddress.IPv6Interface)
        return obj

    @property
    def ip(self) -> IP:
        """The address (with its zone, if any; made once, then cached)."""
        try:
            return self._addr
        except AttributeError:
            ip = self._addr = _make(self._int, self._ver, self._zone)
            return ip

    @property
    def network(self) -> IPNet:
        """The network this interface is on. As in ``ipaddress``, it keeps the address's zone
        only when no host bits had to be cleared (``fe80::1%eth0/128``, not ``.../64``)."""
        i = self._int
        host = i & _HOSTMASKS[self._ver][self._plen]
        if host:
            return _make_net(i ^ host, self._plen, self._ver)
        return _make_net(i, self._plen, self._ver, self._zone)

    @property
    def prefixlen(self) -> int:
        """The prefix length: ``24`` for ``10.0.0.5/24``."""
        return self._plen

    @property
    def version(self) -> int:
        """4 or 6."""
        return self._ver

    @property
    def zone(self) -> str | None:
        """The IPv6 zone of the address, or None."""
        return self._zone

    @property
    def netmask(self) -> IP:
        """The netmask as an ``IP``."""
        return self.network.netmask

    @property
    def hostmask(self) -> IP:
        """The host mask as an ``IP``."""
        return self.network.hostmask

    # -- promoted from the stdlib interface (the table: netx/_promote.py) --------
    if TYPE_CHECKING:  # installed by promote() below (the flags: declared in Flags)

        @property
        def compressed(self) -> str: ...
        @property
        def with_hostmask(self) -> str: ...
        @property
        def with_netmask(self) -> str: ...
        @property
        def exploded(self) -> str: ...
        @property
        def max_prefixlen(self) -> int: ...
        @property
        def packed(self) -> bytes: ...
        @property
        def reverse_pointer(self) -> str: ...
        @property
        def with_prefixlen(self) -> str: ...

    # Address attributes that convert (or that the stdlib has on one family only): the address's.
    @property
    def is_site_local(self) -> bool:
        """True for an IPv6 site-local address (``fec0::/10``); False for IPv4."""
        return self.ip.is_site_local

    @property
    def scope_id(self) -> str | None:
        """The IPv6 zone of the address, or None."""
        return self._zone

    @property
    def ipv4_mapped(self) -> IP | None:
        """The address's ``ipv4_mapped``."""
        return self.ip.ipv4_mapped

    @property
    def ipv6_mapped(self) -> IP:
        """The address's ``ipv6_mapped`` (IPv4 only)."""
        return self.ip.ipv6_mapped

    @property
    def sixtofour(self) -> IP | None:
        """The address's ``sixtofour``."""
        return self.ip.sixtofour

    @property
    def teredo(self) -> tuple[IP, IP] | None:
        """The address's ``teredo``."""
        return self.ip.teredo

    def __str__(self) -> str:
        text = self._str
        if text is None:
            addr = _fmt4(self._int) if self._ver == 4 else _fmt6(self._int)
            text = self._str = f"{addr}/{self._plen}" if self._zone is None else f"{addr}%{self._zone}/{self._plen}"
        return text

    def to_netaddr(self) -> netaddr.IPNetwork:
        """This interface as a ``netaddr.IPNetwork`` (which keeps host bits; zones are dropped)."""
        import netaddr

        return netaddr.IPNetwork((self._int, self._plen), self._ver)

    def _key(self) -> tuple[int, int, int, int, str]:
        # as the stdlib (and PostgreSQL's inet): by network, then address
        i = self._int
        return (self._ver, i & ~_HOSTMASKS[self._ver][self._plen], self._plen, i, self._zone or "")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, IPInterface):
            return NotImplemented
        return (self._int == other._int and self._plen == other._plen
                and self._ver == other._ver and self._zone == other._zone)

    def __hash__(self) -> int:
        return hash((self._int, self._ver, self._zone, self._plen))

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore_interface, (self._int, self._ver, self._zone, self._plen))


promote(IPInterface, IPInterface.interface.fget, INTERFACE)  # type: ignore[attr-defined]


def _checked_plen(plen: Any, version: int, what: str) -> int:
    if type(plen) is not int or not 0 <= plen <= _BITS[version]:
        raise NetworkError(f"invalid {what}: prefix length {shorten(plen)} is not valid for IPv{version}")
    return plen


def _restore_net(i: Any, plen: Any, version: Any, zone: Any) -> IPNet:
    """Unpickle an ``IPNet``, validating every field (no host bits, prefix length in range...)."""
    try:
        i, version, zone = checked_parts(i, version, zone, "IPNet")
    except AddressError as exc:
        raise NetworkError(str(exc)) from None
    plen = _checked_plen(plen, version, "pickled IPNet")
    if i & _HOSTMASKS[version][plen]:
        raise NetworkError(f"invalid pickled IPNet: host bits set in {fmt(i, version)}/{plen}")
    return _make_net(i, plen, version, zone)


def _restore_interface(i: Any, version: Any, zone: Any, plen: Any) -> IPInterface:
    """Unpickle an ``IPInterface``, validating every field."""
    try:
        i, version, zone = checked_parts(i, version, zone, "IPInterface")
    except AddressError as exc:
        raise NetworkError(str(exc)) from None
    return _make_iface(i, _checked_plen(plen, version, "pickled IPInterface"), version, zone)


# -- the slow paths: every value but the common strings (text: netx._codec) -------------
def _packed_or_int(value: int | bytes, what: str) -> IP:
    """The address of an ``int`` or packed ``bytes`` given for a network or interface."""
    try:
        return IP(value)
    except AddressError as exc:
        reason = str(exc).partition(": ")[2] or str(exc)
        raise invalid(NetworkError, f"{what}", value, f"{reason}") from None


def _tuple_address(addr: Any) -> tuple[int, int, str | None] | None:
    """``(int, version, zone)`` of a tuple's address part when netx can read it directly."""
    if isinstance(addr, IP):
        return addr._int, addr._ver, addr._zone
    if isinstance(addr, (int, bytes)) and not isinstance(addr, bool):
        ip = _packed_or_int(addr, "IP network")
        return ip._int, ip._ver, None
    if isinstance(addr, str):
        try:
            ip = IP(addr)
        except AddressError as exc:
            raise NetworkError(str(exc)) from None
        return ip._int, ip._ver, ip._zone
    if isinstance(addr, _ADDRESS_TYPES) and not isinstance(addr, _INTERFACE_TYPES):
        return std_parts(addr)
    return None


def _tuple_parts(value: tuple[Any, ...], strict: bool, what: str) -> tuple[int, int, int, str | None]:
    """An ``(address, prefixlen)`` tuple, as ``ipaddress`` reads it."""
    if len(value) not in (1, 2):
        raise invalid(NetworkError, f"{what}", value, "expected an (address, prefixlen) pair")
    addr = value[0]
    plen: Any = value[1] if len(value) == 2 else None
    if type(plen) is bool:
        raise TypeError(f"prefix length must be an int or a netmask string, not {plen!r}")
    parts = _tuple_address(addr)
    if parts is not None and (plen is None or type(plen) is int):
        i, ver, zone = parts
        bits = _BITS[ver]
        if plen is None:
            plen = bits
        if not 0 <= plen <= bits:
            raise invalid(NetworkError, f"{what}", value, f"prefix length {shorten(plen)} is out of range for IPv{ver} (0 to {bits})")
        host = i & _HOSTMASKS[ver][plen]
        if host:
            if strict:
                raise host_bits_error(value, i, plen, ver, what)
            i ^= host
            zone = None  # as in ipaddress: a masked address loses its zone
        return i, plen, ver, zone
    if isinstance(addr, IP):
        addr = addr.address
    if not isinstance(addr, (str, int, bytes, ipaddress.IPv4Address, ipaddress.IPv6Address)) or type(addr) is bool:
        kind = "IPNet" if what == "IP network" else "IPInterface"
        raise TypeError(f"cannot make an {kind} from a tuple holding {type(addr).__name__}")
    if plen is not None and not isinstance(plen, (int, str)):
        raise TypeError(f"prefix length must be an int or a netmask string, not {type(plen).__name__}")
    # (typeshed allows only int prefixes in the tuple; the stdlib also takes netmask strings)
    arg: Any = (addr,) if plen is None else (addr, plen)
    try:
        return _from_stdlib(ipaddress.ip_network(arg, strict=strict))
    except ValueError as exc:
        raise invalid(NetworkError, f"{what}", value, f"{strip_echo(str(exc), repr(arg))}") from None


def _net_parts(value: Any, strict: bool) -> tuple[int, int, int, str | None]:
    """``(network int, prefixlen, version, zone)`` of any value ``IPNet`` accepts."""
    if isinstance(value, str):
        return network_slow(str(value), strict)
    if isinstance(value, IPNet):
        return value._int, value._plen, value._ver, value._zone
    if isinstance(value, _NETWORK_TYPES):
        return _from_stdlib(value)
    if isinstance(value, tuple):
        return _tuple_parts(value, strict, "IP network")
    if isinstance(value, (IPInterface, *_INTERFACE_TYPES)):
        return network_slow(str(value), strict)
    if isinstance(value, IP):
        return value._int, _BITS[value._ver], value._ver, value._zone
    if isinstance(value, _ADDRESS_TYPES):
        i, ver, zone = std_parts(value)
        return i, _BITS[ver], ver, zone
    if isinstance(value, (int, bytes)) and not isinstance(value, bool):  # as ip_network: one host
        ip = _packed_or_int(value, "IP network")
        return ip._int, _BITS[ip._ver], ip._ver, None
    kind = _netaddr_type("IPNetwork")
    if kind is not None and isinstance(value, kind):
        i, plen, ver = value.value, value.prefixlen, value.version
        host = i & _HOSTMASKS[ver][plen]
        if host:
            if strict:
                raise host_bits_error(str(value), i, plen, ver)
            i ^= host
        return i, plen, ver, None
    kind = _netaddr_type("IPAddress")
    if kind is not None and isinstance(value, kind):
        return int(value), _BITS[value.version], value.version, None
    raise TypeError(f"cannot make an IPNet from {type(value).__name__} {shorten(value)}")


def _interface_parts(value: Any) -> tuple[IP, int]:
    """``(IP, prefixlen)`` of any value ``IPInterface`` accepts."""
    if isinstance(value, str):
        i, ver, zone, plen = interface_slow(str(value))
        return _make(i, ver, zone), plen
    if isinstance(value, IPInterface):
        return value.ip, value._plen
    if isinstance(value, _INTERFACE_TYPES):
        return _make(*std_parts(value)), _checked_plen(value.network.prefixlen, std_version(value), "IP interface")
    if isinstance(value, tuple):
        if len(value) == 2 and type(value[1]) is int:
            parts = _tuple_address(value[0])
            if parts is not None:
                i, ver, zone = parts
                if not 0 <= value[1] <= _BITS[ver]:
                    raise invalid(
                        NetworkError, "IP interface", value,
                        f"prefix length {shorten(value[1])} is out of range for IPv{ver} (0 to {_BITS[ver]})",
                    )
                return _make(i, ver, zone), value[1]
        i, plen, ver, zone = _tuple_parts(value, False, "IP interface")
        # the stdlib keeps host bits in an interface: ask it for the address itself
        addr = value[0].address if isinstance(value[0], IP) else value[0]
        try:
            iface = ipaddress.ip_interface((addr, value[1]) if len(value) == 2 else (addr,))
        except ValueError as exc:  # pragma: no cover - _tuple_parts already refused it
            raise invalid(NetworkError, "IP interface", value, f"{exc}") from None
        return _make(int(iface), iface.version, getattr(iface, "scope_id", None)), plen
    if isinstance(value, (IPNet, *_NETWORK_TYPES)):
        net = IPNet(value)
        return _make(net._int, net._ver, net._zone), net._plen
    if isinstance(value, IP):
        return value, _BITS[value._ver]
    if isinstance(value, _ADDRESS_TYPES):
        return IP(value), value.max_prefixlen
    if isinstance(value, (int, bytes)) and not isinstance(value, bool):  # as ip_interface: one host
        ip = _packed_or_int(value, "IP interface")
        return ip, _BITS[ip._ver]
    kind = _netaddr_type("IPNetwork")
    if kind is not None and isinstance(value, kind):
        return _make(int(value.ip), value.version), value.prefixlen
    kind = _netaddr_type("IPAddress")
    if kind is not None and isinstance(value, kind):
        return _make(int(value), value.version), _BITS[value.version]
    raise TypeError(f"cannot make an IPInterface from {type(value).__name__} {shorten(value)}")


# -- functions -------------------------------------------------------------------
def parse_net(text: str, *, strict: bool = True) -> IPNet:
    """Parse a network string (exactly what ``ipaddress.ip_network(text, strict=strict)`` takes)."""
    if not isinstance(text, str):
        raise TypeError(f"parse_net takes a str, not {type(text).__name__}")
    return IPNet(text, strict=strict)


def parse_cidr(text: str) -> tuple[IP, IPNet]:
    """Go's ``net.ParseCIDR``: ``"10.1.2.3/24"`` -> ``(IP('10.1.2.3'), IPNet('10.1.2.0/24'))``."""
    if not isinstance(text, str):
        raise TypeError(f"parse_cidr takes a str, not {type(text).__name__}")
    i, ver, zone, plen = cidr(str(text))
    host = i & _HOSTMASKS[ver][plen]  # the network keeps the zone only when no host bits are cleared
    return _make(i, ver, zone), _make_net(i ^ host, plen, ver, None if host else zone)


def ip_version(text: str) -> int:
    """4 or 6 for any valid address, network or interface string; ``AddressError`` otherwise."""
    if not isinstance(text, str):
        raise TypeError(f"ip_version takes a str, not {type(text).__name__}")
    try:
        if "/" in text:
            return IPInterface(text)._ver
        return IP(text)._ver
    except (AddressError, NetworkError):
        reason = network_reason(text, False, True) if "/" in text else address_reason(text)
        raise invalid(AddressError, "IP address, network or interface", text, f"{reason}") from None


# -- the type descriptions (netx._desc), the version-constrained forms, Masked -------------
def _net_of_version(version: int, value: Any, *, strict: bool = True) -> IPNet:
    """``IPNet(value, strict=strict)``, which must be of ``version``."""
    net = IPNet(value, strict=strict)
    if net._ver != version:
        raise NetworkError(f"{shorten(value)} is an IPv{net._ver} network, not IPv{version}")
    return net


# Networks and interfaces have no standard JSON Schema format: a description and a pattern
# that every valid value matches (a loose check: host bits, octets and prefix limits are left
# to the validator).
_V4_NET = r"[0-9.]+(/[0-9.]+)?"
_V6_ADDR = r"[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*(%[^%/]+)?"
_V6_NET = rf"{_V6_ADDR}(/[0-9]+)?"
_NETWORKS = "a str, tuple or network object"


def _net_schema(pattern: str, description: str) -> dict[str, Any]:
    return {"type": "string", "pattern": f"^{pattern}$", "description": description}


IPNet.__netx__ = TypeDesc(
    cls=IPNet, name="IP network", code="ip_network", error=NetworkError, accepts=_NETWORKS,
    from_python=IPNet, to_json_value=IPNet.__str__, from_json_value=IPNet,
    json_schema=_net_schema(
        f"({_V4_NET}|{_V6_NET})", "IPv4 or IPv6 network in CIDR notation, e.g. 10.0.0.0/24 or 2001:db8::/32"
    ),
)
IPInterface.__netx__ = TypeDesc(
    cls=IPInterface, name="IP interface", code="ip_interface", error=NetworkError,
    accepts="a str, tuple or interface object",
    from_python=IPInterface, to_json_value=IPInterface.__str__, from_json_value=IPInterface,
    json_schema=_net_schema(
        f"({_V4_NET}|{_V6_NET})",
        "IPv4 or IPv6 address with its prefix length, e.g. 10.0.0.5/24 or 2001:db8::5/64",
    ),
)

if TYPE_CHECKING:  # to a type checker the constrained forms are the netx type they return
    IPv4Net = IPNet
    IPv6Net = IPNet
else:

    IPv4Net = constrained_form(
        "IPv4Net", IPNet, 4, partial(_net_of_version, 4), partial(_net_of_version, 4),
        _net_schema(_V4_NET, "IPv4 network in CIDR notation, e.g. 10.0.0.0/24"),
        """An IPv4 ``IPNet``: a pydantic field type; ``IPv4Net("10.0.0.0/8")`` returns an ``IPNet``;
        ``isinstance(net, IPv4Net)`` is true for IPv4 networks.""",
    )
    IPv6Net = constrained_form(
        "IPv6Net", IPNet, 6, partial(_net_of_version, 6), partial(_net_of_version, 6),
        _net_schema(_V6_NET, "IPv6 network in CIDR notation, e.g. 2001:db8::/32"),
        """An IPv6 ``IPNet``: a pydantic field type; ``IPv6Net("2001:db8::/32")`` returns an
        ``IPNet``; ``isinstance(net, IPv6Net)`` is true for IPv6 networks.""",
    )


class _Masked:
    """``Annotated[netx.IPNet, netx.Masked]``: a pydantic network field that masks host bits
    (``"10.0.0.5/24"`` -> ``IPNet('10.0.0.0/24')``, Go's ``Prefix.Masked``) instead of
    rejecting them; also with ``IPv4Net`` / ``IPv6Net``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "netx.Masked"

    @staticmethod
    def desc(source: Any) -> TypeDesc[IPNet]:
        """The description of ``source`` (``IPNet``, ``IPv4Net`` or ``IPv6Net``), host bits masked."""
        desc = desc_of(source)
        if desc.cls is not IPNet:
            raise TypeError(f"netx.Masked applies to IPNet, IPv4Net or IPv6Net, not {source!r}")
        build = partial(_net_of_version, desc.version) if desc.version else IPNet
        masked = partial(build, strict=False)
        return desc.replace(from_python=masked, from_json_value=masked)

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from ._pydantic import core_schema_of

        return core_schema_of(self.desc(source), getattr(source, "__name__", None))


Masked = _Masked()
