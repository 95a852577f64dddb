"""``IPNet`` (a CIDR network) and ``IPInterface`` (an address with its prefix).

Both compose the stdlib objects the way ``IP`` does: fast parsing of the common
forms, the stdlib deciding everything else, and the stdlib object built lazily.
"""

from __future__ import annotations

import ipaddress
from socket import AF_INET, AF_INET6, inet_pton
from typing import Any, Iterator

from ._errors import AddressError, NetworkError, shorten
from ._ip import IP, MAX_TEXT, _fmt4, _fmt6, _make, _netaddr_type, iter_ips

__all__ = ["IPNet", "IPInterface", "parse_net", "parse_cidr", "ip_version"]

_from_bytes = int.from_bytes
_new = object.__new__
_BITS = {4: 32, 6: 128}
_NETWORK_TYPES = (ipaddress.IPv4Network, ipaddress.IPv6Network)
_INTERFACE_TYPES = (ipaddress.IPv4Interface, ipaddress.IPv6Interface)
_ADDRESS_TYPES = (ipaddress.IPv4Address, ipaddress.IPv6Address)


def _stdlib_reason(exc: Exception, text: str) -> str:
    msg = str(exc)
    for tail in (f" in {text!r}", f" in {text}"):
        if msg.endswith(tail):
            msg = msg[: -len(tail)]
    return msg


def _split(text: str, what: str) -> tuple[int, int, int] | None:
    """Fast path for ``addr[/digits]`` without zones: ``(int, version, prefixlen)``.

    Returns None when the stdlib must decide (netmask forms, zones, anything odd).
    """
    if len(text) > MAX_TEXT:
        raise NetworkError(f"invalid {what} {shorten(text)}: longer than {MAX_TEXT} characters")
    addr, slash, plen_text = text.partition("/")
    if ":" in addr:
        if "%" in addr:
            return None
        try:
            i = _from_bytes(inet_pton(AF_INET6, addr), "big")
        except (OSError, ValueError):
            return None
        ver = 6
    else:
        try:
            i = _from_bytes(inet_pton(AF_INET, addr), "big")
        except (OSError, ValueError):
            return None
        ver = 4
    if not slash:
        return i, ver, _BITS[ver]
    if not (plen_text.isascii() and plen_text.isdigit()):
        return None
    plen = int(plen_text)
    if plen > _BITS[ver]:
        return None
    return i, ver, plen


def _make_net(i: int, plen: int, version: int, zone: str | None = None) -> IPNet:
    net = _new(IPNet)
    net._int = i
    net._plen = plen
    net._ver = version
    net._zone = zone
    net._str = None
    net._obj = None
    return net


def _host_bits(version: int, plen: int) -> int:
    return (1 << (_BITS[version] - plen)) - 1


class IPNet:
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
        if type(value) is str:
            parts = _split(value, "IP network")
            if parts is not None:
                i, ver, plen = parts
                host = i & _host_bits(ver, plen)
                if host:
                    if strict:
                        raise NetworkError(
                            f"invalid IP network {shorten(value)}: has host bits set "
                            f"(use strict=False, or {_fmt(i ^ host, ver)}/{plen})"
                        )
                    i ^= host
                zone = None
            else:
                i, plen, ver, zone = _from_stdlib(_stdlib_network(value, strict))
        elif type(value) is IPNet:
            i, plen, ver, zone = value._int, value._plen, value._ver, value._zone
        elif isinstance(value, _NETWORK_TYPES):
            i, plen, ver, zone = _from_stdlib(value)
        elif isinstance(value, tuple):
            i, plen, ver, zone = _from_stdlib(_stdlib_network(_tuple_arg(value), strict))
        elif type(value) is IP or (isinstance(value, _ADDRESS_TYPES) and not isinstance(value, _INTERFACE_TYPES)):
            ip = IP(value)
            i, plen, ver, zone = ip._int, _BITS[ip._ver], ip._ver, ip._zone
        else:
            kind = _netaddr_type("IPNetwork")
            if kind is not None and isinstance(value, kind):
                i, plen, ver, zone = _from_stdlib(_stdlib_network(str(value), strict))
            elif isinstance(value, str):
                i, plen, ver, zone = IPNet(str(value), strict=strict)._parts()
            else:
                raise TypeError(f"cannot make an IPNet from {type(value).__name__} {shorten(value)}")
        self._int = i
        self._plen = plen
        self._ver = ver
        self._zone = zone
        self._str = None
        self._obj = None

    def _parts(self) -> tuple[int, int, int, str | None]:
        return self._int, self._plen, self._ver, self._zone

    @classmethod
    def from_json(cls, data: str | bytes) -> IPNet:
        """Parse JSON text holding one network string (``'"10.0.0.0/24"'``)."""
        return cls(_json_string(data, "IP network"))

    # -- the stdlib object ------------------------------------------------------
    @property
    def network(self) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
        """The stdlib ``IPv4Network`` / ``IPv6Network`` (built on first use)."""
        obj = self._obj
        if obj is None:
            obj = self._obj = ipaddress.ip_network(str(self))
        return obj

    def __getattr__(self, name: str) -> Any:
        if name[:1] == "_":
            raise AttributeError(name)
        try:
            return getattr(self.network, name)
        except AttributeError:
            raise AttributeError(f"'IPNet' object has no attribute {name!r}") from None

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(dir(self.network)))

    # -- properties -------------------------------------------------------------
    @property
    def version(self) -> int:
        return self._ver

    @property
    def prefixlen(self) -> int:
        return self._plen

    @property
    def max_prefixlen(self) -> int:
        return _BITS[self._ver]

    @property
    def ip(self) -> IP:
        """The network address."""
        return _make(self._int, self._ver, self._zone)

    first = ip

    @property
    def last(self) -> IP:
        """The last address (IPv4: the broadcast address)."""
        return _make(self._int | _host_bits(self._ver, self._plen), self._ver, self._zone)

    @property
    def netmask(self) -> IP:
        bits = _BITS[self._ver]
        return _make(((1 << bits) - 1) ^ _host_bits(self._ver, self._plen), self._ver)

    @property
    def hostmask(self) -> IP:
        return _make(_host_bits(self._ver, self._plen), self._ver)

    @property
    def size(self) -> int:
        """How many addresses the network holds (exact, even for IPv6)."""
        return 1 << (_BITS[self._ver] - self._plen)

    @property
    def zone(self) -> str | None:
        return self._zone

    # -- membership and relations -----------------------------------------------
    def __contains__(self, item: Any) -> bool:
        if type(item) is IP:
            return item._ver == self._ver and (item._int ^ self._int) >> (_BITS[self._ver] - self._plen) == 0
        if type(item) is IPNet:
            return item._ver == self._ver and item._plen >= self._plen and (
                (item._int ^ self._int) >> (_BITS[self._ver] - self._plen) == 0
            )
        if isinstance(item, str):
            try:
                other: IP | IPNet = IPNet(item, strict=False) if "/" in item else IP(item)
            except (AddressError, NetworkError):
                return False
            return other in self
        if isinstance(item, _NETWORK_TYPES):
            return IPNet(item) in self
        if isinstance(item, _ADDRESS_TYPES) and not isinstance(item, _INTERFACE_TYPES):
            return IP(item) in self
        if type(item) is IPInterface:
            return item._ip in self
        return False

    def overlaps(self, other: Any) -> bool:
        """True if the two networks share any address."""
        other = other if type(other) is IPNet else IPNet(other)
        if other._ver != self._ver:
            return False
        return self._int <= other._last_int() and other._int <= self._last_int()

    def _last_int(self) -> int:
        return self._int | _host_bits(self._ver, self._plen)

    def subnets(self, new_prefix: int | None = None) -> Iterator[IPNet]:
        """The subnets of ``new_prefix`` bits (default: one bit longer), in order."""
        bits = _BITS[self._ver]
        if new_prefix is None:
            new_prefix = self._plen + 1
        if not self._plen <= new_prefix <= bits:
            raise NetworkError(f"new prefix /{new_prefix} is not between /{self._plen} and /{bits} for {self}")
        step = 1 << (bits - new_prefix)
        ver, zone = self._ver, self._zone
        for i in range(self._int, self._last_int() + 1, step):
            yield _make_net(i, new_prefix, ver, zone)

    def supernet(self, new_prefix: int | None = None) -> IPNet:
        """The network of ``new_prefix`` bits (default: one bit shorter) holding this one."""
        if new_prefix is None:
            new_prefix = self._plen - 1
        if not 0 <= new_prefix <= self._plen:
            raise NetworkError(f"new prefix /{new_prefix} is not between /0 and /{self._plen} for {self}")
        mask = _host_bits(self._ver, new_prefix)
        return _make_net(self._int & ~mask, new_prefix, self._ver)

    def masked(self) -> IPNet:
        """This network without its zone (networks are always stored masked)."""
        return self if self._zone is None else _make_net(self._int, self._plen, self._ver)

    def __iter__(self) -> Iterator[IP]:
        return iter_ips(self._int, self._last_int(), self._ver)

    def hosts(self) -> Iterator[IP]:
        """Usable host addresses, as the stdlib defines them (no IPv4 network/broadcast,
        no IPv6 Subnet-Router anycast; /31, /32, /127, /128 keep all their addresses)."""
        first, last, bits = self._int, self._last_int(), _BITS[self._ver]
        if self._plen == bits:
            pass
        elif self._ver == 4:
            if self._plen < 31:
                first, last = first + 1, last - 1
        elif self._plen < 127:
            first += 1
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

    def __repr__(self) -> str:
        return f"IPNet({str(self)!r})"

    def to_json(self) -> str:
        """This network as JSON text: ``'"10.0.0.0/24"'``."""
        return _json_text(str(self))

    def to_netaddr(self) -> Any:
        """This network as a ``netaddr.IPNetwork``."""
        import netaddr

        return netaddr.IPNetwork((self._int, self._plen), self._ver)

    # -- comparison -------------------------------------------------------------
    def _key(self) -> tuple[int, int, int, str]:
        return (self._ver, self._int, self._plen, self._zone or "")

    def __eq__(self, other: object) -> bool:
        if type(other) is not IPNet:
            return NotImplemented
        return (
            self._int == other._int and self._plen == other._plen
            and self._ver == other._ver and self._zone == other._zone
        )

    def __hash__(self) -> int:
        return hash((self._int, self._plen, self._ver, self._zone))

    def __lt__(self, other: IPNet) -> bool:
        if type(other) is not IPNet:
            return NotImplemented
        return self._key() < other._key()

    def __le__(self, other: IPNet) -> bool:
        if type(other) is not IPNet:
            return NotImplemented
        return self._key() <= other._key()

    def __gt__(self, other: IPNet) -> bool:
        if type(other) is not IPNet:
            return NotImplemented
        return self._key() > other._key()

    def __ge__(self, other: IPNet) -> bool:
        if type(other) is not IPNet:
            return NotImplemented
        return self._key() >= other._key()

    def __reduce__(self) -> tuple[Any, ...]:
        return (_make_net, (self._int, self._plen, self._ver, self._zone))

    def __copy__(self) -> IPNet:
        return self

    def __deepcopy__(self, memo: Any) -> IPNet:
        return self

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        from ._pydantic import core_schema_for

        return core_schema_for(cls)

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: Any, handler: Any) -> Any:
        from ._pydantic import json_schema_for

        return json_schema_for(cls)


class IPInterface:
    """An address with the prefix of its network (``10.0.0.5/24``), like ``ipaddress.ip_interface``."""

    __slots__ = ("_ip", "_plen", "_str", "_obj")

    _ip: IP
    _plen: int
    _str: str | None
    _obj: ipaddress.IPv4Interface | ipaddress.IPv6Interface | None

    def __init__(self, value: Any) -> None:
        if type(value) is str:
            parts = _split(value, "IP interface")
            if parts is not None:
                i, ver, plen = parts
                ip = _make(i, ver)
            else:
                ip, plen = _from_stdlib_interface(_stdlib_interface(value))
        elif type(value) is IPInterface:
            ip, plen = value._ip, value._plen
        elif isinstance(value, _INTERFACE_TYPES):
            ip, plen = _from_stdlib_interface(value)
        elif isinstance(value, tuple):
            ip, plen = _from_stdlib_interface(_stdlib_interface(_tuple_arg(value)))
        elif type(value) is IP or isinstance(value, _ADDRESS_TYPES):
            ip = IP(value)
            plen = _BITS[ip._ver]
        else:
            kind = _netaddr_type("IPNetwork")
            if kind is not None and isinstance(value, kind):
                ip, plen = _make(int(value.ip), value.version), value.prefixlen
            elif isinstance(value, str):
                other = IPInterface(str(value))
                ip, plen = other._ip, other._plen
            else:
                raise TypeError(f"cannot make an IPInterface from {type(value).__name__} {shorten(value)}")
        self._ip = ip
        self._plen = plen
        self._str = None
        self._obj = None

    @classmethod
    def from_json(cls, data: str | bytes) -> IPInterface:
        """Parse JSON text holding one interface string (``'"10.0.0.5/24"'``)."""
        return cls(_json_string(data, "IP interface"))

    @property
    def interface(self) -> ipaddress.IPv4Interface | ipaddress.IPv6Interface:
        """The stdlib ``IPv4Interface`` / ``IPv6Interface`` (built on first use)."""
        obj = self._obj
        if obj is None:
            obj = self._obj = ipaddress.ip_interface(str(self))
        return obj

    def __getattr__(self, name: str) -> Any:
        if name[:1] == "_":
            raise AttributeError(name)
        try:
            return getattr(self.interface, name)
        except AttributeError:
            raise AttributeError(f"'IPInterface' object has no attribute {name!r}") from None

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(dir(self.interface)))

    @property
    def ip(self) -> IP:
        return self._ip

    @property
    def network(self) -> IPNet:
        """The network this interface is on (host bits masked, zone dropped as the stdlib does)."""
        ip = self._ip
        return _make_net(ip._int & ~_host_bits(ip._ver, self._plen), self._plen, ip._ver)

    @property
    def prefixlen(self) -> int:
        return self._plen

    @property
    def version(self) -> int:
        return self._ip._ver

    @property
    def netmask(self) -> IP:
        return self.network.netmask

    @property
    def hostmask(self) -> IP:
        return self.network.hostmask

    def __str__(self) -> str:
        text = self._str
        if text is None:
            text = self._str = f"{self._ip}/{self._plen}"
        return text

    def __repr__(self) -> str:
        return f"IPInterface({str(self)!r})"

    def to_json(self) -> str:
        return _json_text(str(self))

    def to_netaddr(self) -> Any:
        """This interface as a ``netaddr.IPNetwork`` (which keeps host bits)."""
        import netaddr

        return netaddr.IPNetwork((self._ip._int, self._plen), self._ip._ver)

    def _key(self) -> tuple[tuple[int, int, str], int]:
        return (self._ip._key(), self._plen)

    def __eq__(self, other: object) -> bool:
        if type(other) is not IPInterface:
            return NotImplemented
        return self._plen == other._plen and self._ip == other._ip

    def __hash__(self) -> int:
        return hash((self._ip, self._plen))

    def __lt__(self, other: IPInterface) -> bool:
        if type(other) is not IPInterface:
            return NotImplemented
        return self._key() < other._key()

    def __le__(self, other: IPInterface) -> bool:
        if type(other) is not IPInterface:
            return NotImplemented
        return self._key() <= other._key()

    def __gt__(self, other: IPInterface) -> bool:
        if type(other) is not IPInterface:
            return NotImplemented
        return self._key() > other._key()

    def __ge__(self, other: IPInterface) -> bool:
        if type(other) is not IPInterface:
            return NotImplemented
        return self._key() >= other._key()

    def __reduce__(self) -> tuple[Any, ...]:
        return (IPInterface, (str(self),))

    def __copy__(self) -> IPInterface:
        return self

    def __deepcopy__(self, memo: Any) -> IPInterface:
        return self

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        from ._pydantic import core_schema_for

        return core_schema_for(cls)

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: Any, handler: Any) -> Any:
        from ._pydantic import json_schema_for

        return json_schema_for(cls)


# -- helpers -------------------------------------------------------------------
def _fmt(i: int, version: int) -> str:
    return _fmt4(i) if version == 4 else _fmt6(i)


def _json_text(text: str) -> str:
    if '"' in text or "\\" in text or not text.isprintable():
        import orjson

        return orjson.dumps(text).decode()
    return f'"{text}"'


def _json_string(data: Any, what: str) -> str:
    import orjson

    try:
        value = orjson.loads(data)
    except (orjson.JSONDecodeError, TypeError):
        raise NetworkError(f"invalid JSON for an {what}: {shorten(data)}") from None
    if type(value) is not str:
        raise NetworkError(f"expected a JSON string holding an {what}, got {shorten(data)}")
    return value


def _tuple_arg(value: tuple[Any, ...]) -> tuple[Any, Any]:
    """A ``(address, prefix)`` tuple with netx addresses turned into stdlib ones."""
    if len(value) != 2:
        raise NetworkError(f"expected an (address, prefixlen) pair, got {shorten(value)}")
    addr, plen = value
    if type(addr) is IP:
        addr = addr.address
    elif isinstance(addr, str):
        addr = IP(addr).address
    if type(plen) is bool:
        raise TypeError(f"prefix length must be an int or a netmask string, not {plen!r}")
    return addr, plen


def _stdlib_network(value: Any, strict: bool) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    try:
        return ipaddress.ip_network(value, strict=strict)
    except ValueError as exc:
        text = value if isinstance(value, str) else repr(value)
        raise NetworkError(f"invalid IP network {shorten(value)}: {_stdlib_reason(exc, text)}") from None
    except TypeError:
        raise TypeError(f"cannot make an IPNet from {shorten(value)}") from None


def _stdlib_interface(value: Any) -> ipaddress.IPv4Interface | ipaddress.IPv6Interface:
    if isinstance(value, str) and len(value) > MAX_TEXT:
        raise NetworkError(f"invalid IP interface {shorten(value)}: longer than {MAX_TEXT} characters")
    try:
        return ipaddress.ip_interface(value)
    except ValueError as exc:
        text = value if isinstance(value, str) else repr(value)
        raise NetworkError(f"invalid IP interface {shorten(value)}: {_stdlib_reason(exc, text)}") from None
    except TypeError:
        raise TypeError(f"cannot make an IPInterface from {shorten(value)}") from None


def _from_stdlib(net: ipaddress.IPv4Network | ipaddress.IPv6Network) -> tuple[int, int, int, str | None]:
    return int(net.network_address), net.prefixlen, net.version, getattr(net.network_address, "scope_id", None)


def _from_stdlib_interface(iface: ipaddress.IPv4Interface | ipaddress.IPv6Interface) -> tuple[IP, int]:
    return IP(iface.ip), iface.network.prefixlen


def parse_net(text: str, *, strict: bool = True) -> IPNet:
    """Parse a network string (exactly what ``ipaddress.ip_network(text, strict=strict)`` takes)."""
    if not isinstance(text, str):
        raise TypeError(f"parse_net takes a str, not {type(text).__name__}")
    return IPNet(text, strict=strict)


def parse_cidr(text: str) -> tuple[IP, IPNet]:
    """Go's ``net.ParseCIDR``: ``"10.1.2.3/24"`` -> ``(IP('10.1.2.3'), IPNet('10.1.2.0/24'))``."""
    if not isinstance(text, str):
        raise TypeError(f"parse_cidr takes a str, not {type(text).__name__}")
    if "/" not in text:
        raise NetworkError(f"invalid CIDR {shorten(text)}: no '/' and prefix length")
    iface = IPInterface(text)
    return iface.ip, iface.network


def ip_version(text: str) -> int:
    """4 or 6 for any valid address, network or interface string."""
    if not isinstance(text, str):
        raise TypeError(f"ip_version takes a str, not {type(text).__name__}")
    try:
        if "/" in text:
            return IPInterface(text).version
        return IP(text).version
    except NetworkError as exc:
        raise AddressError(str(exc).replace("invalid IP interface", "invalid IP address, network or interface", 1)) from None
