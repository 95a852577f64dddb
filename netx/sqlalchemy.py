"""SQLAlchemy 2 column types whose values are netx objects: ``IPType``, ``IPNetType``, ``IPInterfaceType``.

On PostgreSQL they are the native ``INET`` / ``CIDR`` / ``INET`` (selected as text and
parsed by netx, which is faster than the drivers' ``ipaddress`` loaders). Everywhere else
(SQLite, ...) a value is stored as a binary key whose byte order is netx's order: the
17-byte big-endian integer the IPAM stores use (IPv4 value, or ``2**128 +`` IPv6 value),
then for networks and interfaces the prefix length (one byte) and, for interfaces, the
address's 17-byte key; an IPv6 zone follows as UTF-8. So ``ORDER BY``, ``<``, ``>`` and
``BETWEEN`` give netx order (IPv4 before IPv6, then numeric; networks then by prefix
length; interfaces by network, then address) and use an ordinary index.

Columns get the comparators ``.within(net)``, ``.contains_ip(ip)`` and ``.overlaps(net)``:
PostgreSQL's ``<<=``, ``>>=`` and ``&&``, and elsewhere a union of key ranges an index
serves. PostgreSQL's ``inet`` has no zones: binding a zoned value there raises the value's
netx error (``AddressError`` / ``NetworkError``), never drops the zone silently.

``NetxType(kind)`` is a column of any other netx type, stored as text through the type's
own description (``__netx__``), so a new type needs nothing here.

Alembic: pass ``render_item=netx.sqlalchemy.render_item`` to ``context.configure()`` so
autogenerate writes ``netx.sqlalchemy.IPType()`` *and* ``import netx.sqlalchemy``.
"""

from __future__ import annotations

import ipaddress
import json
from typing import TYPE_CHECKING, Any, Callable, Generic, Optional, TypeVar, cast

from sqlalchemy import and_, func, or_
from sqlalchemy import cast as sql_cast
from sqlalchemy.dialects.postgresql import CIDR, INET
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import BindParameter, ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import Boolean, LargeBinary, String, TypeDecorator, TypeEngine

import netx

from ._desc import TypeDesc, desc_of
from ._ip import IP, _make
from ._keys import V6_BASE
from ._net import IPInterface, IPNet, _make_net
from ._pgwire import pg_text

if TYPE_CHECKING:
    from sqlalchemy.engine import Dialect
    from sqlalchemy.sql.compiler import SQLCompiler
    from sqlalchemy.sql.operators import OperatorType

__all__ = ["IPType", "IPNetType", "IPInterfaceType", "NetxType", "render_item"]

_V = TypeVar("_V", IP, IPNet, IPInterface)
_BITS = {4: 32, 6: 128}
_KEY = 17  # bytes of one address key
_from_bytes = int.from_bytes
_INTERFACES = (ipaddress.IPv4Interface, ipaddress.IPv6Interface)


# -- the binary key (non-PostgreSQL storage) ------------------------------------------------
_NET_KEY = _KEY + 1  # a network key: address key, prefix length (then the zone, if any)
_IFACE = 2 * _KEY + 1  # an interface key: network key, prefix length, address key (then the zone, if any)
# A key read whole as one int is at least this when a zone follows it (a zoned key is IPv6: its first
# byte is 1), so the loaders tell the two apart without len(): the common case is one from_bytes call.
_ZONED_IP = 1 << 8 * _KEY
_ZONED_NET = 1 << 8 * _NET_KEY
_ZONED_IFACE = 1 << 8 * _IFACE
_ADDR_BITS = 8 * _KEY
_ADDR_MASK = (1 << _ADDR_BITS) - 1
_NOT_HOST = {v: [~((1 << (b - p)) - 1) for p in range(b + 1)] for v, b in _BITS.items()}  # & clears host bits


def _k17(version: int, i: int) -> bytes:
    """The 17-byte key of address ``i``: IPv4 keys all sort below IPv6 ones."""
    return (i + V6_BASE if version == 6 else i).to_bytes(_KEY, "big")


def _zone_of(key: bytes, start: int) -> str | None:
    return key[start:].decode("utf-8", "surrogatepass") if len(key) > start else None


# The processors: one call per value, None in and out, coercing anything the type takes.
# Keys are bound as bytearray: Python's sqlite3 binds it directly, while ``bytes`` first go
# through its adapter lookup (about 0.5 µs a value). ``_join`` (an empty bytearray's join) builds
# one from its parts in one allocation: fewer instructions than ``bytearray(...)`` and appends.
_new = object.__new__
_join = bytearray().join
_PLEN_BYTE = [bytes((p,)) for p in range(129)]


def _ip_bind(value: Any) -> bytearray | None:
    if value is None:
        return None
    ip = value if type(value) is IP else IP(value)
    if ip._zone:
        return _join((ip._key4.to_bytes(_KEY), ip._zone.encode("utf-8", "surrogatepass")))
    return _join((ip._key4.to_bytes(_KEY),))  # IP's sort key is the stored key (big-endian)


def _ip_load(key: Any) -> IP | None:
    if key is None:
        return None
    k = _from_bytes(key)
    if k < V6_BASE:
        ip = _new(IP)
        ip._key4 = ip._int = k
        ip._ver = 4
    elif k < _ZONED_IP:
        ip = _new(IP)
        ip._key4 = k
        ip._int = k - V6_BASE
        ip._ver = 6
    else:
        return _make(_from_bytes(key[:_KEY]) - V6_BASE, 6, _zone_of(key, _KEY))
    ip._zone = ip._str = ip._obj = None
    return ip


def _net_bind(value: Any) -> bytearray | None:
    if value is None:
        return None
    net = value if type(value) is IPNet else IPNet(value)
    k = net._int + V6_BASE if net._ver == 6 else net._int  # address key, then the prefix length's byte
    if net._zone:
        return _join((k.to_bytes(_KEY), _PLEN_BYTE[net._plen], net._zone.encode("utf-8", "surrogatepass")))
    return _join((k.to_bytes(_KEY), _PLEN_BYTE[net._plen]))


def _net_load(key: Any) -> IPNet | None:
    if key is None:
        return None
    c = _from_bytes(key)
    net = _new(IPNet)
    if c < _ZONED_NET:
        net._zone = None
    else:
        c = _from_bytes(key[:_NET_KEY])
        net._zone = _zone_of(key, _NET_KEY)
    k = c >> 8
    if k < V6_BASE:
        net._int = k
        net._ver = 4
    else:
        net._int = k - V6_BASE
        net._ver = 6
    net._plen = c & 0xFF
    net._str = net._obj = None
    return net


def _iface_bind(value: Any) -> bytearray | None:
    if value is None:
        return None
    iface = value if type(value) is IPInterface else IPInterface(value)
    plen = iface._plen
    addr = iface._int + V6_BASE if iface._ver == 6 else iface._int  # the address key (IP's sort key)
    # network key (the address key without its host bits), prefix length, address key: fewer
    # instructions as two 17-byte keys than as one 280-bit int
    net = (addr & _NOT_HOST[iface._ver][plen]).to_bytes(_KEY)
    if iface._zone:
        return _join((net, _PLEN_BYTE[plen], addr.to_bytes(_KEY), iface._zone.encode("utf-8", "surrogatepass")))
    return _join((net, _PLEN_BYTE[plen], addr.to_bytes(_KEY)))


def _iface_load(key: Any) -> IPInterface | None:
    if key is None:
        return None
    c = _from_bytes(key)
    iface = _new(IPInterface)
    if c < _ZONED_IFACE:
        iface._zone = None
    else:
        c = _from_bytes(key[:_IFACE])
        iface._zone = _zone_of(key, _IFACE)
    k = c & _ADDR_MASK
    if k < V6_BASE:
        iface._int = k
        iface._ver = 4
    else:
        iface._int = k - V6_BASE
        iface._ver = 6
    iface._plen = key[_KEY]
    iface._str = iface._obj = None
    return iface


# -- key ranges: what the comparators compile to off PostgreSQL ------------------------------
Ranges = list[tuple[bytes, bytes]]  # [low, high) byte ranges of keys


def _masked(version: int, i: int, plen: int) -> int:
    return i & _NOT_HOST[version][plen]


def _inside(net: IPNet, plen_byte: bool) -> tuple[bytes, bytes]:
    """Keys of the values whose (network) address lies in ``net`` with a prefix at least as long."""
    low = _k17(net._ver, net._int) + (bytes((net._plen,)) if plen_byte else b"")
    return low, _k17(net._ver, net._last_int() + 1)


def _supernets(version: int, i: int, upto: int) -> Ranges:
    """Key prefixes of the networks ``i/q`` for every ``q < upto``: the networks holding ``i`` that are shorter."""
    out = []
    for q in range(upto):
        base = _k17(version, _masked(version, i, q))
        out.append((base + bytes((q,)), base + bytes((q + 1,))))
    return out


# -- one SQL expression per dialect family ---------------------------------------------------
class _Dialected(ColumnElement[bool]):
    """A boolean expression written twice: with PostgreSQL's operators, and as key ranges."""

    __visit_name__ = "netx_dialected"
    inherit_cache = True
    _is_implicitly_boolean = True  # no "= 1" appended on SQLite: that would hide the ranges from the index
    _traverse_internals = [
        ("pg", InternalTraversal.dp_clauseelement),
        ("generic", InternalTraversal.dp_clauseelement),
    ]
    type = Boolean()

    def __init__(self, pg: ColumnElement[bool], generic: ColumnElement[bool]) -> None:
        self.pg = pg
        self.generic = generic


@compiles(_Dialected)
def _compile_generic(element: _Dialected, compiler: SQLCompiler, **kw: Any) -> str:
    return "(" + str(compiler.process(element.generic, **kw)) + ")"


@compiles(_Dialected, "postgresql")
def _compile_pg(element: _Dialected, compiler: SQLCompiler, **kw: Any) -> str:
    return "(" + str(compiler.process(element.pg, **kw)) + ")"


def _key_param(key: bytes) -> BindParameter[bytes]:
    return BindParameter(None, key, type_=LargeBinary(), unique=True)


def _in_ranges(col: ColumnElement[Any], ranges: Ranges) -> ColumnElement[bool]:
    terms = [and_(col >= _key_param(lo), col < _key_param(hi)) for lo, hi in ranges]
    return terms[0] if len(terms) == 1 else or_(*terms)


def _pg_value(value: IP | IPNet, column_type: TypeEngine[Any]) -> ColumnElement[Any]:
    """``CAST(:value AS INET)``, bound through a netx type (which refuses zones on PostgreSQL)."""
    kind: TypeEngine[Any] = IPType() if isinstance(value, IP) else IPNetType()
    return sql_cast(BindParameter(None, value, type_=kind, unique=True), INET)


# -- the column types ---------------------------------------------------------------------------
class _Comparator(TypeDecorator.Comparator[_V]):
    """The operators of netx columns: ``within``, ``contains_ip``, ``overlaps`` (and the usual ``==``, ``<`` ...)."""

    def within(self, net: Any) -> ColumnElement[bool]:
        """The value lies inside ``net`` (``net`` itself included), as ``value in net`` in Python.

        For an interface column that is its *address*: ``10.0.0.5/8`` is within ``10.0.0.0/24``."""
        return cast("_NetxType[Any]", self.type)._within(self.expr, IPNet(net))

    def contains_ip(self, ip: Any) -> ColumnElement[bool]:
        """The network (of an interface; the address of an address column) holds ``ip``."""
        return cast("_NetxType[Any]", self.type)._contains_ip(self.expr, IP(ip))

    def overlaps(self, net: Any) -> ColumnElement[bool]:
        """The network (of an interface; the address of an address column) shares an address with ``net``."""
        return cast("_NetxType[Any]", self.type)._overlaps(self.expr, IPNet(net))


class NetxType(TypeDecorator[Any]):
    """A column of any netx value type, read from the type's description (``__netx__``):
    ``NetxType(netx.IPRange)`` stores each value as its JSON value, as text (a list value,
    ``IPSet``'s, as JSON text), and loads it back through the description. Order is text
    order. ``IPType``, ``IPNetType`` and ``IPInterfaceType`` specialise it with PostgreSQL's
    native types and netx-ordered keys; a new netx type works here with nothing but its
    description."""

    impl: type[TypeEngine[Any]] = String
    cache_ok = True

    def __init__(self, kind: type[Any]) -> None:
        super().__init__()
        self.kind = kind
        self._desc: TypeDesc[Any] = desc_of(kind)

    @property
    def python_type(self) -> type[Any]:
        return self._desc.cls

    def __repr__(self) -> str:
        kind = self.kind
        where = "netx." if kind.__module__ == "netx" or getattr(netx, kind.__name__, None) is kind else f"{kind.__module__}."
        return f"{type(self).__name__}({where}{kind.__name__})"

    def _coerce(self, value: Any) -> Any:
        desc = self._desc
        return value if type(value) is desc.cls else desc.from_python(value)

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        out = self._desc.to_json_value(self._coerce(value))
        return out if type(out) is str else json.dumps(out)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        desc = self._desc
        return desc.from_json_value(value if desc.json_input == "string" else json.loads(value))


class _NetxType(NetxType, Generic[_V]):
    """What the three IP column types share: the dialect switch and the value processors."""

    impl = LargeBinary
    cache_ok = True
    comparator_factory = _Comparator

    _kind: type[_V]
    _pg_type: type[TypeEngine[Any]] = INET
    _pg_text: Callable[[ColumnElement[Any], TypeEngine[Any]], ColumnElement[Any]]

    def __init__(self) -> None:
        super().__init__(self._kind)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(self._pg_type())
        return dialect.type_descriptor(LargeBinary())

    def _on_pg(self) -> bool:
        return isinstance(self.impl_instance, (INET, CIDR))

    # -- values ------------------------------------------------------------------------------
    _bind_key: Callable[[Any], Any]  # value -> key, None -> None (see _ip_bind)
    _load_key: Callable[[Any], Any]  # key -> value, None -> None

    def _to_pg(self, value: Any) -> str:
        return pg_text(self._coerce(value))

    def _from_pg(self, value: Any) -> _V:
        if isinstance(value, _INTERFACES) and self._kind is IP:
            value = value.ip
        return self._desc.from_python(value)  # type: ignore[no-any-return]

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], Any]:
        if dialect.name == "postgresql":
            to_pg = self._to_pg

            def bind_pg(value: Any) -> Any:
                return None if value is None else to_pg(value)

            return bind_pg
        return self._bind_key

    def result_processor(self, dialect: Dialect, coltype: object) -> Callable[[Any], Any]:
        if dialect.name == "postgresql":
            from_text, from_pg = self._desc.from_python, self._from_pg

            def result_pg(value: Any) -> Any:
                if value is None:
                    return None
                return from_text(value) if type(value) is str else from_pg(value)

            return result_pg
        return self._load_key

    def literal_processor(self, dialect: Dialect) -> Callable[[Any], str]:
        """Values inlined into SQL text (``literal_binds``, Alembic's offline mode)."""
        bind = self.bind_processor(dialect)
        if dialect.name == "postgresql":
            return lambda value: f"'{bind(value)}'"  # address text: hex digits, '.', ':' and '/' only
        return lambda value: f"X'{bind(value).hex()}'"

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        return self.bind_processor(dialect)(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return self.result_processor(dialect, None)(value)

    def column_expression(self, colexpr: ColumnElement[Any]) -> Optional[ColumnElement[Any]]:
        """On PostgreSQL, select the value as text: netx parses it faster than drivers build ``ipaddress`` objects."""
        if self._on_pg():
            return self._pg_text(colexpr, self)
        return colexpr

    def coerce_compared_value(self, op: Optional[OperatorType], value: Any) -> TypeEngine[Any]:
        return self

    # -- comparators (see _Comparator) ---------------------------------------------------------
    def _within(self, col: ColumnElement[Any], net: IPNet) -> ColumnElement[bool]:
        pg = col.op("<<=", is_comparison=True)(_pg_value(net, self))
        return _Dialected(pg, _in_ranges(col, [_inside(net, False)]))

    def _contains_ip(self, col: ColumnElement[Any], ip: IP) -> ColumnElement[bool]:
        pg = col.op(">>=", is_comparison=True)(_pg_value(ip, self))
        return _Dialected(pg, _in_ranges(col, [(_k17(ip._ver, ip._int), _k17(ip._ver, ip._int + 1))]))

    def _overlaps(self, col: ColumnElement[Any], net: IPNet) -> ColumnElement[bool]:
        pg = col.op("&&", is_comparison=True)(_pg_value(net, self))
        return _Dialected(pg, self._within(col, net).generic)


class _PrefixedType(_NetxType[_V]):
    """Networks and interfaces: keys start with the network's key and prefix length."""

    def _contains_ip(self, col: ColumnElement[Any], ip: IP) -> ColumnElement[bool]:
        pg = col.op(">>=", is_comparison=True)(_pg_value(ip, self))
        return _Dialected(pg, _in_ranges(col, _supernets(ip._ver, ip._int, _BITS[ip._ver] + 1)))

    def _overlaps(self, col: ColumnElement[Any], net: IPNet) -> ColumnElement[bool]:
        pg = col.op("&&", is_comparison=True)(_pg_value(net, self))
        ranges = [_inside(net, True), *_supernets(net._ver, net._int, net._plen)]
        return _Dialected(pg, _in_ranges(col, ranges))


def _host(col: ColumnElement[Any], type_: TypeEngine[Any]) -> ColumnElement[Any]:
    return func.host(col, type_=type_)


def _text(col: ColumnElement[Any], type_: TypeEngine[Any]) -> ColumnElement[Any]:
    return func.text(col, type_=type_)


class IPType(_NetxType[IP]):
    """A column of ``netx.IP`` addresses: PostgreSQL ``INET``, elsewhere a 17-byte key (+ zone)."""

    cache_ok = True
    _kind = IP
    _pg_text = staticmethod(_host)

    _bind_key = staticmethod(_ip_bind)
    _load_key = staticmethod(_ip_load)


class IPNetType(_PrefixedType[IPNet]):
    """A column of ``netx.IPNet`` networks: PostgreSQL ``CIDR``, elsewhere key + prefix length (+ zone)."""

    cache_ok = True
    _kind = IPNet
    _pg_type = CIDR
    _pg_text = staticmethod(_text)

    _bind_key = staticmethod(_net_bind)
    _load_key = staticmethod(_net_load)

    def _within(self, col: ColumnElement[Any], net: IPNet) -> ColumnElement[bool]:
        pg = col.op("<<=", is_comparison=True)(_pg_value(net, self))
        return _Dialected(pg, _in_ranges(col, [_inside(net, True)]))


class IPInterfaceType(_PrefixedType[IPInterface]):
    """A column of ``netx.IPInterface`` values (``10.0.0.5/24``): PostgreSQL ``INET``, elsewhere
    network key + prefix length + address key (+ zone), so rows sort by network, then address."""

    cache_ok = True
    _kind = IPInterface
    _pg_text = staticmethod(_text)

    _bind_key = staticmethod(_iface_bind)
    _load_key = staticmethod(_iface_load)

    def _within(self, col: ColumnElement[Any], net: IPNet) -> ColumnElement[bool]:
        # the address is in ``net``: the interface's network lies inside ``net``, or it is a
        # shorter network holding ``net`` whose address falls inside (one key range per length)
        value = _pg_value(net, self)
        pg = and_(col.op("&&", is_comparison=True)(value),
                  sql_cast(func.host(col), INET).op("<<=", is_comparison=True)(value))
        low, high = _k17(net._ver, net._int), _k17(net._ver, net._last_int() + 1)
        ranges = [_inside(net, True)] + [(p + low, p + high) for p, _ in _supernets(net._ver, net._int, net._plen)]
        return _Dialected(pg, _in_ranges(col, ranges))


# -- Alembic ------------------------------------------------------------------------------------
def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Alembic ``render_item`` hook: render netx column types importably.

    ``context.configure(..., render_item=netx.sqlalchemy.render_item)`` in ``env.py``; other
    objects are left to Alembic (``False``)."""
    if type_ == "type" and isinstance(obj, NetxType):
        autogen_context.imports.add("import netx.sqlalchemy")
        if type(obj) is NetxType:
            module = "netx" if repr(obj).startswith("NetxType(netx.") else obj.kind.__module__
            autogen_context.imports.add(f"import {module}")
        return f"netx.sqlalchemy.{obj!r}"
    return False
