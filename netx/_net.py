"""``IPNet`` (a CIDR network) and ``IPInterface`` (an address with its prefix).

Both compose the stdlib objects the way ``IP`` does: fast parsing of the common
forms (``addr`` or ``addr/digits``), the stdlib deciding everything else, and the
stdlib object built lazily.
"""

from __future__ import annotations

import ipaddress
from typing import Any, Iterator

from ._errors import AddressError, NetworkError, shorten
from ._promote import promote
from ._value import _Ordered, _stdlib
from ._ip import (
    _AF4,
    _AF6,
    _ADDRESS_TYPES,
    _INTERFACE_TYPES,
    IP,
    MAX_TEXT,
    _fmt4,
    _fmt6,
    _from_bytes,
    _make,
    _netaddr_type,
    _pton,
    _reason,
    _strip_echo,
    iter_ips,
    parse_ip,
)

__all__ = ["IPNet", "IPInterface", "parse_net", "parse_cidr", "ip_version"]

_new = object.__new__
_BITS = {4: 32, 6: 128}
_NETWORK_TYPES = (ipaddress.IPv4Network, ipaddress.IPv6Network)

# Host masks by prefix length, and the canonical prefix texts "0".."32" / "0".."128":
# one dict lookup validates, converts and range-checks a prefix at once (a text with
# leading zeros, a netmask or anything else misses and goes to the stdlib).
_HOST4 = tuple((1 << (32 - p)) - 1 for p in range(33))
_HOST6 = tuple((1 << (128 - p)) - 1 for p in range(129))
_HOSTMASKS = {4: _HOST4, 6: _HOST6}
_PLEN4 = {str(p): p for p in range(33)}
_PLEN6 = {str(p): p for p in range(129)}
_PLEN4[""] = 32  # a bare address is a host network
_PLEN6[""] = 128
_PREFIX4 = {text: (plen, _HOST4[plen]) for text, plen in _PLEN4.items()}  # text -> (plen, host mask)

if _pton is not __import__("_socket").inet_pton:  # pragma: no cover - see netx._ip._pton_agrees
    _PLEN4, _PLEN6, _PREFIX4 = {}, {}, {}  # send every string to the stdlib


def _mask_for(version: int, plen: int) -> int:
    """The host mask (low ``bits - plen`` bits set) of a prefix length."""
    return _HOSTMASKS[version][plen]


_host_bits = _mask_for


def _fmt(i: int, version: int) -> str:
    return _fmt4(i) if version == 4 else _fmt6(i)


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


def _net6(value: str, addr: str, slash: str, ptext: str, strict: bool) -> tuple[int, int, int, str | None]:
    """``(network int, prefixlen, 6, None)`` of ``ipv6`` or ``ipv6/digits``; the stdlib decides the rest."""
    try:
        i = _from_bytes(_pton(_AF6, addr))
        plen = _PLEN6[ptext]  # canonical "0".."128" only; "" (no '/') -> 128
    except (OSError, ValueError, KeyError):
        return _net_parts(value, strict)
    if not ptext and slash:
        return _net_parts(value, strict)
    host = i & _HOST6[plen]
    if host:
        if strict:
            raise _host_bits_error(value, i, plen, 6)
        i ^= host
    return i, plen, 6, None


def _host_bits_error(value: Any, i: int, plen: int, version: int, what: str = "IP network") -> NetworkError:
    masked = f"{_fmt(i & ~_HOSTMASKS[version][plen], version)}/{plen}"
    return NetworkError(
        f"invalid {what} {shorten(value)}: host bits set (use strict=False to mask them, or write {masked})"
    )


class IPNet(_Ordered):
    """An IPv4 or IPv6 network in CIDR form, immutable and hashable.

    Attributes the class does not define are read from the stdlib network
    (``IPNet("10.0.0.0/8").is_private``); order is IPv4 before IPv6, then network
    address, then prefix length.
    """

    __slots__ = ("_int", "_plen", "_ver", "_zone", "_str", "_obj")

    _int: int
    _plen: int
    _ver: int
    _zone: str | None
    _str: str | None
    _obj: ipaddress.IPv4Network | ipaddress.IPv6Network | None

    def __init__(self, value: Any, *, strict: bool = True) -> None:
        # Hot path first and inline: ``a.b.c.d`` or ``a.b.c.d/digits``. (Blocks are kept
        # short so that CPython 3.11 can specialise the comparisons and jumps.)
        if type(value) is not str or len(value) > MAX_TEXT:
            self._int, self._plen, self._ver, self._zone = _net_parts(value, strict)
            self._str = self._obj = None
            return
        addr, slash, ptext = value.partition("/")
        if ":" in addr:
            self._int, self._plen, self._ver, self._zone = _net6(value, addr, slash, ptext, strict)
            self._str = self._obj = None
            return
        try:
            i = _from_bytes(_pton(_AF4, addr))
            plen, host = _PREFIX4[ptext]  # canonical "0".."32" only; "" (no '/') -> 32
        except (OSError, ValueError, KeyError):
            self._int, self._plen, self._ver, self._zone = _net_parts(value, strict)
            self._str = self._obj = None
            return
        if i & host:
            if strict:
                raise _host_bits_error(value, i, plen, 4)
            self._int = i & ~host
            self._str = None
        elif ptext:
            self._int = i
            self._str = value  # canonical dotted quad and prefix: this is str()
        elif slash:  # "a.b.c.d/" with nothing after the '/'
            raise NetworkError(f"invalid IP network {shorten(value)}: {_net_reason(value, strict)}")
        else:
            self._int = i
            self._str = None
        self._plen = plen
        self._ver = 4
        self._zone = None
        self._obj = None

    def _parts(self) -> tuple[int, int, int, str | None]:
        return self._int, self._plen, self._ver, self._zone

    _json_what = "an IP network"
    _json_error = NetworkError

    # -- the stdlib object ------------------------------------------------------
    @property
    def network(self) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
        """The stdlib ``IPv4Network`` / ``IPv6Network`` (built on first use)."""
        obj = self._obj
        if obj is None:
            arg = (self._int, self._plen)
            obj = self._obj = _stdlib(self, self._ver, self._zone, arg, ipaddress.IPv4Network, ipaddress.IPv6Network)
        return obj

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
        if type(item) is IP:
            return item._ver == self._ver and item._int & ~_HOSTMASKS[self._ver][self._plen] == self._int
        if type(item) is IPNet:
            return (
                item._ver == self._ver and item._plen >= self._plen
                and item._int & ~_HOSTMASKS[self._ver][self._plen] == self._int
            )
        if isinstance(item, str):
            other: Any = IPNet(item, strict=False) if "/" in item else IP(item)
            return other in self
        if isinstance(item, IP):  # subclasses
            return _make(item._int, item._ver) in self
        if isinstance(item, IPNet):
            return _make_net(item._int, item._plen, item._ver) in self
        if isinstance(item, IPInterface):
            return item._ip in self
        if isinstance(item, _NETWORK_TYPES):
            return IPNet(item) in self
        if isinstance(item, _ADDRESS_TYPES):  # stdlib interfaces count as their address, as in ipaddress
            return _make(int(item), item.version) in self
        raise TypeError(f"'in <IPNet>' needs an IP, IPNet or address string, not {type(item).__name__}")

    def overlaps(self, other: Any) -> bool:
        """True if the two networks share any address (False across IPv4/IPv6)."""
        if type(other) is not IPNet:
            other = IPNet(other, strict=False) if not isinstance(other, IP) else IPNet(other)
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
                raise NetworkError(f"new prefix /{new_prefix} must be longer than /{self._plen} of {self}")
            if prefixlen_diff != 1:
                raise NetworkError("cannot set both prefixlen_diff and new_prefix")
        else:
            prefixlen_diff = _check_plen(prefixlen_diff, "prefixlen_diff")
            if prefixlen_diff < 0:
                raise NetworkError(f"prefixlen_diff must be >= 0, not {prefixlen_diff}")
            new_prefix = self._plen + prefixlen_diff
        if self._plen == bits:
            return iter((self,))
        if new_prefix > bits:
            raise NetworkError(f"new prefix /{new_prefix} is longer than /{bits}, the longest IPv{self._ver} prefix")
        return _subnets(self._int, self._last_int(), new_prefix, self._ver)

    def supernet(self, new_prefix: int | None = None, *, prefixlen_diff: int = 1) -> IPNet:
        """The network of ``new_prefix`` bits (default: one bit shorter) holding this one.

        As in ``ipaddress``: the supernet of a /0 is itself.
        """
        if new_prefix is not None:
            new_prefix = _check_plen(new_prefix, "new_prefix")
            if new_prefix > self._plen:
                raise NetworkError(f"new prefix /{new_prefix} must be shorter than /{self._plen} of {self}")
            if prefixlen_diff != 1:
                raise NetworkError("cannot set both prefixlen_diff and new_prefix")
        else:
            new_prefix = self._plen - _check_plen(prefixlen_diff, "prefixlen_diff")
        if self._plen == 0:
            return self
        if new_prefix < 0:
            raise NetworkError(f"cannot make a supernet shorter than /0 from {self} (prefixlen_diff {prefixlen_diff})")
        if new_prefix > self._plen:
            raise NetworkError(f"new prefix /{new_prefix} must be shorter than /{self._plen} of {self}")
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
            addr = _fmt(self._int, self._ver)
            if self._zone is not None:
                addr = f"{addr}%{self._zone}"
            text = self._str = f"{addr}/{self._plen}"
        return text

    def to_netaddr(self) -> Any:
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
        return (_make_net, (self._int, self._plen, self._ver, self._zone))


promote(IPNet, "network", ipaddress.IPv4Network, ipaddress.IPv6Network)


def _subnets(first: int, last: int, plen: int, version: int) -> Iterator[IPNet]:
    for i in range(first, last + 1, 1 << (_BITS[version] - plen)):
        yield _make_net(i, plen, version)


def _check_plen(value: Any, name: str) -> int:
    if type(value) is int:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    raise TypeError(f"{name} must be an int, not {type(value).__name__}")


class IPInterface(_Ordered):
    """An address with the prefix of its network (``10.0.0.5/24``), like ``ipaddress.ip_interface``."""

    __slots__ = ("_ip", "_plen", "_str", "_obj")

    _ip: IP
    _plen: int
    _str: str | None
    _obj: ipaddress.IPv4Interface | ipaddress.IPv6Interface | None

    def __init__(self, value: Any) -> None:
        # Hot path first and inline, as in IPNet: ``addr`` or ``addr/digits``.
        if type(value) is not str or len(value) > MAX_TEXT:
            self._ip, self._plen = _interface_parts(value)
            self._str = self._obj = None
            return
        addr, slash, ptext = value.partition("/")
        try:
            if ":" in addr:
                ip = _make(_from_bytes(_pton(_AF6, addr)), 6)
                plen = _PLEN6[ptext]  # canonical "0".."128" only; "" (no '/') -> 128
            else:
                ip = _make(_from_bytes(_pton(_AF4, addr)), 4, None, addr)
                plen = _PLEN4[ptext]  # canonical "0".."32" only; "" (no '/') -> 32
        except (OSError, ValueError, KeyError):
            self._ip, self._plen = _interface_parts(value)
            self._str = self._obj = None
            return
        if slash and not ptext:  # "addr/" with nothing after the '/'
            raise NetworkError(f"invalid IP interface {shorten(value)}: {_net_reason(value, False, True)}")
        self._ip = ip
        self._plen = plen
        self._str = value if slash and ip._str is not None else None
        self._obj = None

    _json_what = "an IP interface"
    _json_error = NetworkError

    @property
    def interface(self) -> ipaddress.IPv4Interface | ipaddress.IPv6Interface:
        """The stdlib ``IPv4Interface`` / ``IPv6Interface`` (built on first use)."""
        obj = self._obj
        if obj is None:
            ip, arg = self._ip, (self._ip._int, self._plen)
            obj = self._obj = _stdlib(self, ip._ver, ip._zone, arg, ipaddress.IPv4Interface, ipaddress.IPv6Interface)
        return obj

    @property
    def ip(self) -> IP:
        """The address (with its zone, if any)."""
        return self._ip

    @property
    def network(self) -> IPNet:
        """The network this interface is on. As in ``ipaddress``, it keeps the address's zone
        only when no host bits had to be cleared (``fe80::1%eth0/128``, not ``.../64``)."""
        ip = self._ip
        host = ip._int & _HOSTMASKS[ip._ver][self._plen]
        if host:
            return _make_net(ip._int ^ host, self._plen, ip._ver)
        return _make_net(ip._int, self._plen, ip._ver, ip._zone)

    @property
    def prefixlen(self) -> int:
        """The prefix length: ``24`` for ``10.0.0.5/24``."""
        return self._plen

    @property
    def version(self) -> int:
        """4 or 6."""
        return self._ip._ver

    @property
    def zone(self) -> str | None:
        """The IPv6 zone of the address, or None."""
        return self._ip._zone

    @property
    def netmask(self) -> IP:
        """The netmask as an ``IP``."""
        return self.network.netmask

    @property
    def hostmask(self) -> IP:
        """The host mask as an ``IP``."""
        return self.network.hostmask

    def __str__(self) -> str:
        text = self._str
        if text is None:
            text = self._str = f"{self._ip}/{self._plen}"
        return text

    def to_netaddr(self) -> Any:
        """This interface as a ``netaddr.IPNetwork`` (which keeps host bits; zones are dropped)."""
        import netaddr

        return netaddr.IPNetwork((self._ip._int, self._plen), self._ip._ver)

    def _key(self) -> tuple[tuple[int, int, str], int]:
        return (self._ip._key(), self._plen)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, IPInterface):
            return NotImplemented
        return self._plen == other._plen and self._ip == other._ip

    def __hash__(self) -> int:
        return hash((self._ip, self._plen))

    def __reduce__(self) -> tuple[Any, ...]:
        ip = self._ip
        return (_restore_interface, (ip._int, ip._ver, ip._zone, self._plen))


promote(IPInterface, "interface", ipaddress.IPv4Interface, ipaddress.IPv6Interface)


def _restore_interface(i: int, version: int, zone: str | None, plen: int) -> IPInterface:
    """Unpickle an ``IPInterface``."""
    iface = _new(IPInterface)
    iface._ip = _make(i, version, zone)
    iface._plen = plen
    iface._str = None
    iface._obj = None
    return iface


# -- the slow paths: every form but the common strings ---------------------------
def _net_reason(text: str, strict: bool, interface: bool = False) -> str:
    """What is wrong with a network / interface text (called only after the stdlib refused it)."""
    if not text:
        return "empty string"
    if len(text) > MAX_TEXT:
        return f"longer than {MAX_TEXT} characters"
    addr, slash, ptext = text.partition("/")
    if "/" in ptext:
        return "more than one '/'"
    if not addr:
        return "no address before the '/'"
    try:
        ip = parse_ip(addr)
    except AddressError:
        return _reason(addr)
    bits = _BITS[ip._ver]
    if slash:
        if not ptext:
            return "nothing after the '/' (expected a prefix length)"
        if ptext.isascii() and ptext.isdigit():
            if len(ptext) > 4 or int(ptext) > bits:
                return f"prefix length /{ptext if len(ptext) <= 12 else ptext[:12] + '...'} is out of range for IPv{ip._ver} (0 to {bits})"
        elif ip._ver == 6:
            return f"prefix length {shorten(ptext)} is not a number (IPv6 takes 0 to 128)"
        else:
            return f"{shorten(ptext)} is neither a prefix length (0 to 32) nor a valid netmask"
    if strict and not interface:
        try:
            net = ipaddress.ip_network(text, strict=False)
        except ValueError:
            pass
        else:
            return f"host bits set (use strict=False to mask them, or write {net})"
    family: Any = ipaddress.IPv6Interface if ip._ver == 6 else ipaddress.IPv4Interface
    if not interface:
        family = ipaddress.IPv6Network if ip._ver == 6 else ipaddress.IPv4Network
    try:
        family(text) if interface else family(text, strict=strict)
    except ValueError as exc:
        return _strip_echo(str(exc), text)
    return "not valid"  # pragma: no cover - the family accepted what the generic parser refused


def _from_stdlib(net: ipaddress.IPv4Network | ipaddress.IPv6Network) -> tuple[int, int, int, str | None]:
    return int(net.network_address), net.prefixlen, net.version, getattr(net.network_address, "scope_id", None)


def _stdlib_network(value: Any, strict: bool) -> tuple[int, int, int, str | None]:
    try:
        return _from_stdlib(ipaddress.ip_network(value, strict=strict))
    except ValueError as exc:
        if isinstance(value, str):
            reason = _net_reason(value, strict)
        else:
            reason = _strip_echo(str(exc), repr(value))
        raise NetworkError(f"invalid IP network {shorten(value)}: {reason}") from None


def _tuple_address(addr: Any) -> tuple[int, int, str | None] | None:
    """``(int, version, zone)`` of a tuple's address part when netx can read it directly."""
    if isinstance(addr, IP):
        return addr._int, addr._ver, addr._zone
    if isinstance(addr, str):
        try:
            ip = IP(addr)
        except AddressError as exc:
            raise NetworkError(str(exc)) from None
        return ip._int, ip._ver, ip._zone
    if isinstance(addr, _ADDRESS_TYPES) and not isinstance(addr, _INTERFACE_TYPES):
        return int(addr), addr.version, getattr(addr, "scope_id", None)
    return None


def _tuple_parts(value: tuple[Any, ...], strict: bool, what: str) -> tuple[int, int, int, str | None]:
    """An ``(address, prefixlen)`` tuple, as ``ipaddress`` reads it."""
    if len(value) not in (1, 2):
        raise NetworkError(f"invalid {what} {shorten(value)}: expected an (address, prefixlen) pair")
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
            raise NetworkError(f"invalid {what} {shorten(value)}: prefix length {plen} is out of range for IPv{ver} (0 to {bits})")
        host = i & _HOSTMASKS[ver][plen]
        if host:
            if strict:
                raise _host_bits_error(value, i, plen, ver, what)
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
        raise NetworkError(f"invalid {what} {shorten(value)}: {_strip_echo(str(exc), repr(arg))}") from None


def _net_parts(value: Any, strict: bool) -> tuple[int, int, int, str | None]:
    """``(network int, prefixlen, version, zone)`` of any value ``IPNet`` accepts."""
    if isinstance(value, str):
        value = str(value)
        if len(value) > MAX_TEXT:
            raise NetworkError(f"invalid IP network {shorten(value)}: longer than {MAX_TEXT} characters")
        return _stdlib_network(value, strict)
    if isinstance(value, IPNet):
        return value._int, value._plen, value._ver, value._zone
    if isinstance(value, _NETWORK_TYPES):
        return _from_stdlib(value)
    if isinstance(value, tuple):
        return _tuple_parts(value, strict, "IP network")
    if isinstance(value, (IPInterface, *_INTERFACE_TYPES)):
        return _stdlib_network(str(value), strict)
    if isinstance(value, IP):
        return value._int, _BITS[value._ver], value._ver, value._zone
    if isinstance(value, _ADDRESS_TYPES):
        return int(value), value.max_prefixlen, value.version, getattr(value, "scope_id", None)
    kind = _netaddr_type("IPNetwork")
    if kind is not None and isinstance(value, kind):
        i, plen, ver = value.value, value.prefixlen, value.version
        host = i & _HOSTMASKS[ver][plen]
        if host:
            if strict:
                raise _host_bits_error(str(value), i, plen, ver)
            i ^= host
        return i, plen, ver, None
    kind = _netaddr_type("IPAddress")
    if kind is not None and isinstance(value, kind):
        return int(value), _BITS[value.version], value.version, None
    raise TypeError(f"cannot make an IPNet from {type(value).__name__} {shorten(value)}")


def _interface_parts(value: Any) -> tuple[IP, int]:
    """``(IP, prefixlen)`` of any value ``IPInterface`` accepts."""
    if isinstance(value, str):
        value = str(value)
        if len(value) > MAX_TEXT:
            raise NetworkError(f"invalid IP interface {shorten(value)}: longer than {MAX_TEXT} characters")
        try:
            iface = ipaddress.ip_interface(value)
        except ValueError:
            raise NetworkError(f"invalid IP interface {shorten(value)}: {_net_reason(value, False, True)}") from None
        return _make(int(iface), iface.version, getattr(iface, "scope_id", None)), iface.network.prefixlen
    if isinstance(value, IPInterface):
        return value._ip, value._plen
    if isinstance(value, _INTERFACE_TYPES):
        return _make(int(value), value.version, getattr(value, "scope_id", None)), value.network.prefixlen
    if isinstance(value, tuple):
        if len(value) == 2 and type(value[1]) is int:
            parts = _tuple_address(value[0])
            if parts is not None:
                i, ver, zone = parts
                if not 0 <= value[1] <= _BITS[ver]:
                    raise NetworkError(
                        f"invalid IP interface {shorten(value)}: prefix length {value[1]} is out of range "
                        f"for IPv{ver} (0 to {_BITS[ver]})"
                    )
                return _make(i, ver, zone), value[1]
        i, plen, ver, zone = _tuple_parts(value, False, "IP interface")
        # the stdlib keeps host bits in an interface: ask it for the address itself
        addr = value[0].address if isinstance(value[0], IP) else value[0]
        try:
            iface = ipaddress.ip_interface((addr, value[1]) if len(value) == 2 else (addr,))
        except ValueError as exc:  # pragma: no cover - _tuple_parts already refused it
            raise NetworkError(f"invalid IP interface {shorten(value)}: {exc}") from None
        return _make(int(iface), iface.version, getattr(iface, "scope_id", None)), plen
    if isinstance(value, (IPNet, *_NETWORK_TYPES)):
        net = IPNet(value)
        return _make(net._int, net._ver, net._zone), net._plen
    if isinstance(value, IP):
        return value, _BITS[value._ver]
    if isinstance(value, _ADDRESS_TYPES):
        return IP(value), value.max_prefixlen
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
    if len(text) <= MAX_TEXT and "/" not in text:
        raise NetworkError(f"invalid CIDR {shorten(text)}: no '/' and prefix length")
    iface = IPInterface(text)
    return iface._ip, iface.network


def ip_version(text: str) -> int:
    """4 or 6 for any valid address, network or interface string; ``AddressError`` otherwise."""
    if not isinstance(text, str):
        raise TypeError(f"ip_version takes a str, not {type(text).__name__}")
    try:
        if "/" in text:
            return IPInterface(text)._ip._ver
        return IP(text)._ver
    except (AddressError, NetworkError):
        reason = _net_reason(text, False, True) if "/" in text else _reason(text)
        raise AddressError(f"invalid IP address, network or interface {shorten(text)}: {reason}") from None
