"""The ``netx`` command line: ``netx VERB NOUN [ARGS] --FLAGS`` over netx values and IPAM stores.

Verbs: ``parse``, ``create pool|subnet-pool``, ``get pools|pool|allocations``,
``allocate ip|subnet``, ``release ip|subnet``, ``delete pool``. Global options ``--db URL`` and ``-o text|json`` are
accepted before the verb and after the command. Errors print one ``netx: error: ...``
line on stderr and exit 1; usage errors exit 2 (click's convention).
"""

from __future__ import annotations

import functools
import os
from typing import TYPE_CHECKING, Any, Callable, Iterable, Literal, ParamSpec, Sequence, TypeVar, overload

import click

from . import __version__
from ._errors import NetxError, shorten
from ._ip import IP
from ._net import IPInterface, IPNet

if TYPE_CHECKING:
    from .ipam import Pool, Store, SubnetPool

__all__ = ["cli", "main"]

F = TypeVar("F", bound=Callable[..., Any])
P = ParamSpec("P")
R = TypeVar("R")

_DB = "netx.db"
_OUTPUT = "netx.output"
_STRATEGIES = ("lowest", "round_robin", "random")  # = netx.ipam.pool.STRATEGIES, without importing IPAM at startup
_CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
_U64 = (1 << 64) - 1
_I64_MIN = -(1 << 63)


# -- errors ----------------------------------------------------------------------
class CLIError(click.ClickException):
    """A failure reported as one ``netx: error: ...`` line on stderr, exit status 1."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split()))

    def show(self, file: Any = None) -> None:
        click.echo(f"netx: error: {self.message}", err=True)


def _is_database_error(exc: BaseException) -> bool:
    module = type(exc).__module__ or ""
    return module.split(".")[0] in ("sqlite3", "psycopg", "psycopg2", "psycopg_binary")


def _guard(func: Callable[P, R]) -> Callable[P, R]:
    """Turn every error of a command into one line on stderr (exit 1); set NETX_DEBUG=1 for tracebacks."""

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except (click.ClickException, click.exceptions.Exit, click.Abort, BrokenPipeError, KeyboardInterrupt):
            raise
        except NetxError as exc:
            raise CLIError(str(exc)) from None
        except Exception as exc:
            if os.environ.get("NETX_DEBUG"):
                raise
            if _is_database_error(exc):
                raise CLIError(f"database error: {exc}") from None
            if isinstance(exc, OSError):
                raise CLIError(str(exc)) from None
            detail = f": {exc}" if str(exc) else ""
            raise CLIError(
                f"unexpected {type(exc).__name__}{detail} "
                "(probably a bug in netx; rerun with NETX_DEBUG=1 to see the traceback)"
            ) from None

    return run


# -- global options --------------------------------------------------------------
def _remember(key: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if value is not None:  # the later position (after the command) wins
            ctx.meta[key] = value
        return value

    return callback


def _global_options(func: F) -> F:
    """Add ``--db`` and ``-o/--output`` to a group or command (values shared through ``ctx.meta``)."""
    func = click.option(
        "-o", "--output", type=click.Choice(["text", "json"]), default=None, expose_value=False,
        callback=_remember(_OUTPUT), help="Output format: text (default) or json.",
    )(func)
    func = click.option(
        "--db", metavar="URL", default=None, expose_value=False, callback=_remember(_DB),
        help="Store URL (sqlite:///file.db, postgresql://..., memory://). "
        "Default: $NETX_IPAM_URL, else a SQLite file in the user data directory.",
    )(func)
    return func


def _json_mode() -> bool:
    output: str = click.get_current_context().meta.get(_OUTPUT, "text")
    return output == "json"


def _open_store() -> Store:
    """The store named by --db, else ``netx.ipam.open(None)``'s default; use it in a ``with``."""
    from . import ipam

    return ipam.open(click.get_current_context().meta.get(_DB))


# -- output ----------------------------------------------------------------------
def _text(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(v) for v in value) if value else "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _fields(pairs: Iterable[tuple[str, Any]]) -> None:
    """Print ``key  value`` lines with the values aligned."""
    items = list(pairs)
    width = max(len(key) for key, _ in items)
    click.echo("\n".join(f"{key.ljust(width)}  {_text(value)}".rstrip() for key, value in items))


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]], right: Iterable[int] = ()) -> None:
    """Print an aligned table; columns in ``right`` (numbers) are right-aligned."""
    right = set(right)
    cells = [list(headers)] + [[_text(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for row in cells:
        parts = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))]
        lines.append("  ".join(parts).rstrip())
    click.echo("\n".join(lines))


def _exact_ints(value: Any) -> Any:
    """Ints beyond 64 bits (IPv6 sizes) as raw JSON numbers: exact, where orjson alone would refuse."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if _I64_MIN <= value <= _U64:
            return value
        import orjson

        return orjson.Fragment(str(value).encode())
    if isinstance(value, dict):
        return {k: _exact_ints(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_exact_ints(v) for v in value]
    return value


def _emit_json(data: Any) -> None:
    """Print ``data`` as indented JSON through ``netx.json`` (netx values become strings)."""
    import orjson

    from . import json as netx_json

    payload = netx_json.dumps(_exact_ints(data), option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    click.echo(payload.decode(), nl=False)


def _note(message: str) -> None:
    click.echo(f"netx: {message}", err=True)


# -- argument conversion ---------------------------------------------------------
def _pool_range(text: str) -> Any:
    """A pool range argument: ``first-last`` is an IPRange, anything else a CIDR (bare address = /32, /128)."""
    if "-" in text:
        from ._range import IPRange

        return IPRange(text)
    return IPNet(text)


def _reserve_item(text: str) -> Any:
    """A ``--reserve`` value: an address, a CIDR or a ``first-last`` range."""
    if "/" in text:
        return IPNet(text)
    if "-" in text:
        try:
            return IP(text)  # an IPv6 zone may contain '-'
        except NetxError:
            from ._range import IPRange

            return IPRange(text)
    return IP(text)


# -- parse -----------------------------------------------------------------------
_FLAGS = ("private", "global", "loopback", "link_local", "multicast", "reserved", "unspecified", "site_local")


def _flags(obj: Any) -> list[str]:
    found = [flag for flag in _FLAGS if getattr(obj, f"is_{flag}", False)]
    if getattr(obj, "ipv4_mapped", None) is not None:
        found.append("ipv4_mapped")
    return found


def describe_value(text: str) -> dict[str, Any]:
    """What ``netx parse`` reports about ``text``: its kind (address, network, interface, range) and facts."""
    if "/" in text:
        try:
            net = IPNet(text)
        except NetxError as net_error:
            try:
                iface = IPInterface(text)
            except NetxError:
                raise net_error from None
            net = iface.network
            return {
                "input": text, "kind": "interface", "version": iface.version, "canonical": str(iface),
                "address": iface.ip, "network": net, "prefixlen": net.prefixlen, "netmask": net.netmask,
                "first": net.ip, "last": net.last, "size": net.size, "flags": _flags(iface.ip.address),
            }
        return {
            "input": text, "kind": "network", "version": net.version, "canonical": str(net),
            "network": net, "prefixlen": net.prefixlen, "netmask": net.netmask, "hostmask": net.hostmask,
            "first": net.ip, "last": net.last, "size": net.size, "flags": _flags(net.network),
        }
    try:
        ip = IP(text)
    except NetxError as ip_error:
        if "-" not in text:
            raise
        from ._range import IPRange

        try:
            rng = IPRange(text)
        except NetxError as range_error:
            raise range_error from ip_error
        return {
            "input": text, "kind": "range", "version": rng.first.version, "canonical": str(rng),
            "first": rng.first, "last": rng.last, "size": rng.size, "cidrs": list(rng.cidrs()),
        }
    info: dict[str, Any] = {"input": text, "kind": "address", "version": ip.version, "canonical": str(ip)}
    if ip.zone is not None:
        info["zone"] = ip.zone
    info.update({
        "network": IPNet(ip), "first": ip, "last": ip, "size": 1, "integer": int(ip),
        # the zone is dropped for reverse_pointer: Python 3.11's stdlib fails on zoned addresses there
        "reverse_pointer": ip.with_zone(None).address.reverse_pointer, "flags": _flags(ip.address),
    })
    return info


# -- pools -----------------------------------------------------------------------
_USE = {"address": "netx allocate ip / netx release ip", "subnet": "netx allocate subnet / netx release subnet"}


@overload
def _open_pool(store: Store, name: str, kind: Literal["address"]) -> Pool: ...
@overload
def _open_pool(store: Store, name: str, kind: Literal["subnet"]) -> SubnetPool: ...
@overload
def _open_pool(store: Store, name: str, kind: str | None = None) -> Pool | SubnetPool: ...


def _open_pool(store: Store, name: str, kind: str | None = None) -> Pool | SubnetPool:
    """The pool ``name`` of the store; of ``kind`` (``"address"``/``"subnet"``) unless None."""
    pool = store.get(name)
    found = pool.spec.kind
    if kind is not None and found != kind:
        article = "a subnet" if found == "subnet" else "an address"
        raise CLIError(f"pool {shorten(name)} is {article} pool: use {_USE[found]}")
    return pool


def _pool_info(pool: Pool | SubnetPool, name: str) -> dict[str, Any]:
    """What ``get pool`` shows: address pools with strategy and gateway, subnet pools without."""
    from .ipam import SubnetPool

    stats = pool.stats()
    if isinstance(pool, SubnetPool):
        info: dict[str, Any] = {"name": name, "kind": "subnet", "ranges": list(pool.parents)}
    else:
        info = {
            "name": name, "kind": "address", "ranges": list(pool.ranges), "strategy": pool.strategy,
            "gateway": pool.gateway,
        }
    info.update({"reserve": list(pool.reserve), "size": stats.size, "allocated": stats.allocated, "free": stats.free})
    return info


def _show_pools(infos: list[dict[str, Any]]) -> None:
    rows = [
        [i["name"], i["kind"], i.get("strategy"), i["size"], i["allocated"], i["free"], i["ranges"]] for i in infos
    ]
    _table(["NAME", "KIND", "STRATEGY", "SIZE", "ALLOCATED", "FREE", "RANGES"], rows, right=(3, 4, 5))


def _show_allocations(items: list[dict[str, Any]]) -> None:
    column = "subnet" if items and "subnet" in items[0] else "ip"
    header = "SUBNET" if column == "subnet" else "ADDRESS"
    _table([header, "OWNER"], [[item[column], item["owner"]] for item in items])


def _create(name: str, if_not_exists: bool, what: str, make: Callable[[Store], Pool | SubnetPool]) -> None:
    """Create a pool with ``make(store)`` (or, with --if-not-exists, keep the one there); print the outcome."""
    with _open_store() as store:
        created = True
        if if_not_exists and name in store.pools():
            pool, created = store.get(name), False
        else:
            try:
                pool = make(store)
            except NetxError:
                if not (if_not_exists and name in store.pools()):  # lost a race to a concurrent creator
                    raise
                pool, created = store.get(name), False
        info = _pool_info(pool, name)
    if _json_mode():
        _emit_json({**info, "created": created})
    elif created:
        click.echo(f"created {what} {name}: {_text(info['ranges'])} ({info['size']} addresses)")
    else:
        click.echo(f"pool {name} already exists, left unchanged")


def _release(pool_name: str, kind: str, items: list[Any], owner: str | None, ignore_missing: bool) -> None:
    """``release ip|subnet``: release ``items`` (all checked to be in the pool first) or every one of
    ``owner``; print those released, then report the ones that were not allocated (exit 1)."""
    if bool(items) == (owner is not None):
        noun = "addresses" if kind == "address" else "subnets"
        raise click.UsageError(f"give either {noun} or --owner (not both)")
    missing: list[Any] = []
    with _open_store() as store:
        pool = _open_pool(store, pool_name, kind)
        if owner is not None:
            released = list(pool.release_owner(owner))
        else:
            unique = list(dict.fromkeys(items))
            outside = [item for item in unique if item not in pool]
            if outside:
                raise CLIError(f"not in pool {shorten(pool_name)}: {', '.join(map(str, outside))}")
            released = []
            for item in unique:
                (released if pool.release(item) else missing).append(item)
    if _json_mode():
        _emit_json({"released": released, "not_allocated": missing})
    elif released:
        click.echo("\n".join(str(item) for item in released))
    if owner is not None and not released:
        _note(f"nothing allocated to owner {owner} in pool {pool_name}")
    if missing and not ignore_missing:
        raise CLIError(f"not allocated in pool {shorten(pool_name)}: {', '.join(map(str, missing))}")


# -- the command tree ------------------------------------------------------------
@click.group(name="netx", context_settings=_CONTEXT)
@click.version_option(__version__, "--version", prog_name="netx", message="%(prog)s %(version)s")
@_global_options
def cli() -> None:
    """netx: IP addresses, networks and address pools from the shell.

    Commands read `netx VERB NOUN [ARGS] --FLAGS`. Pools live in a store chosen by
    --db (default: $NETX_IPAM_URL, else a SQLite file in your user data directory).
    The global options --db and -o/--output work before the verb or after the
    command; errors print one `netx: error: ...` line and exit 1.

    \b
    Examples:
      netx parse 10.0.0.5/24
      netx create pool lab 10.0.0.0/24 --gateway 10.0.0.1
      netx allocate ip lab --owner web --count 3
      netx create subnet-pool nodes 10.244.0.0/16
      netx allocate subnet nodes --prefix 24 --owner node-1
      netx get pool lab -o json
      netx --db sqlite:///ipam.db get pools
    """


@cli.command("parse", short_help="Describe an address, network, interface or range.")
@click.argument("value")
@_global_options
@_guard
def parse_command(value: str) -> None:
    """Describe an address, network, interface (address/prefix) or range.

    Prints its version, canonical form, network, first and last address, size and,
    for addresses, networks and interfaces, the ipaddress flags (private, global,
    loopback, link_local, multicast, reserved, unspecified, site_local, ipv4_mapped).

    \b
    Examples:
      netx parse 10.0.0.5
      netx parse 2001:db8::/32
      netx parse 192.168.1.7/24
      netx parse 10.0.0.10-10.0.0.20 -o json
    """
    info = describe_value(value)
    if _json_mode():
        _emit_json(info)
    else:
        _fields((key, val) for key, val in info.items() if key != "input")


@cli.group("create", context_settings=_CONTEXT)
@_global_options
def create_group() -> None:
    """Create pools: `netx create pool NAME CIDR|RANGE...`, `netx create subnet-pool NAME CIDR...`.

    \b
    Examples:
      netx create pool lab 10.0.0.0/24 --gateway 10.0.0.1
      netx create pool lab 10.0.0.0/24 --if-not-exists
      netx create subnet-pool nodes 10.244.0.0/16
    """


@create_group.command("pool", short_help="Create an address pool.")
@click.argument("name")
@click.argument("ranges", nargs=-1, required=True, metavar="CIDR|RANGE...")
@click.option("--reserve", multiple=True, metavar="IP|CIDR|RANGE",
              help="Never hand out these addresses (repeatable).")
@click.option("--gateway", metavar="IP", help="The gateway address (never handed out).")
@click.option("--strategy", type=click.Choice(_STRATEGIES), default="lowest", show_default=True,
              help="Which free address to hand out next.")
@click.option("--if-not-exists", is_flag=True,
              help="Succeed without changes when a pool of that name already exists.")
@_global_options
@_guard
def create_pool(name: str, ranges: tuple[str, ...], reserve: tuple[str, ...], gateway: str | None,
                strategy: str, if_not_exists: bool) -> None:
    """Create the address pool NAME over one or more CIDRs or first-last ranges.

    IPv4 and IPv6 ranges may be mixed. For IPv4 CIDRs the network and broadcast
    addresses are never handed out, nor are the gateway and reserved addresses.
    With --if-not-exists an existing pool of that name is left as it is (its
    definition is not compared) and the command succeeds.

    \b
    Examples:
      netx create pool lab 10.0.0.0/24 --gateway 10.0.0.1
      netx create pool dual 10.1.0.0/24 2001:db8::/120 --strategy round_robin
      netx create pool dhcp 192.168.1.100-192.168.1.199 --reserve 192.168.1.150
      netx create pool lab 10.0.0.0/24 --if-not-exists
    """
    items = [_pool_range(text) for text in ranges]
    reserved = [_reserve_item(text) for text in reserve]
    gateway_ip = IP(gateway) if gateway is not None else None
    _create(name, if_not_exists, "pool",
            lambda store: store.create_pool(name, *items, reserve=reserved, gateway=gateway_ip, strategy=strategy))


@create_group.command("subnet-pool", short_help="Create a subnet pool.")
@click.argument("name")
@click.argument("cidrs", nargs=-1, required=True, metavar="CIDR...")
@click.option("--reserve", multiple=True, metavar="IP|CIDR|RANGE",
              help="Never hand out subnets overlapping these addresses (repeatable).")
@click.option("--if-not-exists", is_flag=True,
              help="Succeed without changes when a pool of that name already exists.")
@_global_options
@_guard
def create_subnet_pool(name: str, cidrs: tuple[str, ...], reserve: tuple[str, ...], if_not_exists: bool) -> None:
    """Create the subnet pool NAME, which carves aligned subnets out of parent CIDRs.

    `netx allocate subnet NAME --prefix N` then hands out the lowest free aligned /N
    (Kubernetes node CIDRs, Calico blocks, per-site prefixes). IPv4 and IPv6 parents
    may be mixed. With --if-not-exists an existing pool of that name is left as it is.

    \b
    Examples:
      netx create subnet-pool nodes 10.244.0.0/16
      netx create subnet-pool blocks 10.0.0.0/16 fd00::/48 --reserve 10.0.0.0/24
    """
    parents = [IPNet(text) for text in cidrs]
    reserved = [_reserve_item(text) for text in reserve]
    _create(name, if_not_exists, "subnet pool",
            lambda store: store.create_subnet_pool(name, *parents, reserve=reserved))


@cli.group("get", context_settings=_CONTEXT)
@_global_options
def get_group() -> None:
    """Show pools and allocations: `netx get pools|pool|allocations`.

    \b
    Examples:
      netx get pools
      netx get pool lab -o json
      netx get allocations lab --owner web
    """


@get_group.command("pools", short_help="List the pools.")
@_global_options
@_guard
def get_pools() -> None:
    """List every pool with its kind, strategy, size, allocated and free counts and ranges.

    KIND is `address` (addresses one by one) or `subnet` (aligned subnets); a subnet
    pool has no strategy (`-`: always the lowest aligned free block) and its RANGES
    are its parent CIDRs; counts are in addresses for both.

    \b
    Examples:
      netx get pools
      netx get pools -o json
    """
    with _open_store() as store:
        infos = [_pool_info(store.get(name), name) for name in store.pools()]
    if _json_mode():
        _emit_json(infos)
    elif infos:
        _show_pools(infos)
    else:
        _note("no pools")


@get_group.command("pool", short_help="Show one pool.")
@click.argument("name")
@_global_options
@_guard
def get_pool(name: str) -> None:
    """Show the pool NAME: kind, ranges, strategy, gateway, reserved addresses, size, allocated, free.

    `size` counts the addresses that can be handed out (without network, broadcast,
    gateway and reserved addresses); `free` is size minus allocated. A subnet pool
    shows its parent CIDRs as ranges and has no strategy or gateway; its counts are
    addresses too (an allocated /24 counts 256).

    \b
    Examples:
      netx get pool lab
      netx get pool lab -o json
    """
    with _open_store() as store:
        info = _pool_info(store.get(name), name)
    if _json_mode():
        _emit_json(info)
    else:
        _fields(info.items())


@get_group.command("allocations", short_help="List a pool's allocations.")
@click.argument("pool_name", metavar="POOL")
@click.option("--owner", metavar="O", help="Only the addresses allocated to this owner.")
@_global_options
@_guard
def get_allocations(pool_name: str, owner: str | None) -> None:
    """List the allocated addresses (or subnets, of a subnet pool) of POOL and their owners, in order.

    An allocation without an owner shows `-` as its owner (null in JSON). JSON items
    are `{"ip": ..., "owner": ...}`, for a subnet pool `{"subnet": ..., "owner": ...}`.

    \b
    Examples:
      netx get allocations lab
      netx get allocations lab --owner web
      netx get allocations lab -o json
    """
    from .ipam import SubnetPool

    with _open_store() as store:
        pool = _open_pool(store, pool_name)
        column = "subnet" if isinstance(pool, SubnetPool) else "ip"
        if owner is None:
            items = [{column: item, "owner": who} for item, who in pool.allocations()]
        else:
            held = pool.subnets_of(owner) if isinstance(pool, SubnetPool) else pool.addresses_of(owner)
            items = [{column: item, "owner": owner} for item in held]
    if _json_mode():
        _emit_json(items)
    elif items:
        _show_allocations(items)
    else:
        _note(f"no allocations in pool {pool_name}" + (f" for owner {owner}" if owner is not None else ""))


@cli.group("allocate", context_settings=_CONTEXT)
@_global_options
def allocate_group() -> None:
    """Allocate addresses or subnets: `netx allocate ip|subnet POOL`.

    \b
    Examples:
      netx allocate ip lab --owner web --count 3
      netx allocate ip lab --ip 10.0.0.50
      netx allocate subnet nodes --prefix 24 --owner node-1
    """


@allocate_group.command("ip", short_help="Allocate addresses from a pool.")
@click.argument("pool_name", metavar="POOL")
@click.option("--owner", metavar="O", help="Record this owner (a host, container, interface...).")
@click.option("--ip", "wanted", metavar="IP", help="Allocate this particular address.")
@click.option("--count", type=click.IntRange(min=1), default=1, show_default=True, metavar="N",
              help="How many addresses (all or nothing).")
@click.option("--version", "version", type=click.Choice(["4", "6"]),
              help="Only from the pool's IPv4 or IPv6 ranges.")
@_global_options
@_guard
def allocate_ip(pool_name: str, owner: str | None, wanted: str | None, count: int, version: str | None) -> None:
    """Allocate addresses from POOL and print them, exactly one per line.

    The pool's strategy picks the addresses; --ip asks for one particular address
    instead. --count N allocates N addresses in one transaction, or none at all
    when fewer than N are free.

    \b
    Examples:
      netx allocate ip lab
      netx allocate ip lab --owner web --count 3
      netx allocate ip lab --owner db --ip 10.0.0.50
      netx allocate ip dual --version 6
      IP=$(netx allocate ip lab --owner vm-7)
    """
    if wanted is not None and (count != 1 or version is not None):
        raise click.UsageError("--ip cannot be combined with --count or --version")
    ver = int(version) if version is not None else None
    with _open_store() as store:
        pool = _open_pool(store, pool_name, "address")
        if wanted is not None:
            ips = [pool.allocate(owner, ip=IP(wanted))]
        elif count == 1:
            ips = [pool.allocate(owner, version=ver)]
        else:
            ips = list(pool.allocate_many(count, owner, version=ver))
    if _json_mode():
        _emit_json([{"ip": ip, "owner": owner} for ip in ips])
    else:
        click.echo("\n".join(str(ip) for ip in ips))


@allocate_group.command("subnet", short_help="Allocate subnets from a subnet pool.")
@click.argument("pool_name", metavar="POOL")
@click.option("--prefix", "prefixlen", type=click.IntRange(min=0, max=128), metavar="N",
              help="Prefix length of the subnet(s) to hand out (required unless --subnet).")
@click.option("--owner", metavar="O", help="Record this owner (a node, a site, a tenant...).")
@click.option("--subnet", "wanted", metavar="CIDR", help="Allocate this particular subnet.")
@click.option("--count", type=click.IntRange(min=1), default=1, show_default=True, metavar="N",
              help="How many subnets (all or nothing).")
@click.option("--version", "version", type=click.Choice(["4", "6"]),
              help="Only from the pool's IPv4 or IPv6 parents.")
@_global_options
@_guard
def allocate_subnet(pool_name: str, prefixlen: int | None, owner: str | None, wanted: str | None, count: int,
                    version: str | None) -> None:
    """Allocate aligned subnets from the subnet pool POOL and print them, one CIDR per line.

    --prefix N hands out the lowest free aligned /N of a parent at least that big;
    --subnet CIDR asks for one particular subnet instead. --count N allocates N
    subnets in one transaction, or none at all when fewer than N are free.

    \b
    Examples:
      netx allocate subnet nodes --prefix 24 --owner node-1
      netx allocate subnet blocks --prefix 26 --count 4 --owner host-a
      netx allocate subnet nodes --subnet 10.244.7.0/24 --owner node-7
      CIDR=$(netx allocate subnet nodes --prefix 24 --owner node-2)
    """
    if wanted is not None and (count != 1 or version is not None):
        raise click.UsageError("--subnet cannot be combined with --count or --version")
    if wanted is None and prefixlen is None:
        raise click.UsageError("give --prefix N (or --subnet CIDR)")
    ver = int(version) if version is not None else None
    with _open_store() as store:
        pool = _open_pool(store, pool_name, "subnet")
        if wanted is not None:
            nets = [pool.allocate(prefixlen, owner, subnet=IPNet(wanted))]
        elif count > 1 and prefixlen is not None:  # prefixlen is set here: checked above
            nets = pool.allocate_many(count, prefixlen, owner, version=ver)
        else:
            nets = [pool.allocate(prefixlen, owner, version=ver)]
    if _json_mode():
        _emit_json([{"subnet": net, "owner": owner} for net in nets])
    else:
        click.echo("\n".join(str(net) for net in nets))


@cli.group("release", context_settings=_CONTEXT)
@_global_options
def release_group() -> None:
    """Release addresses or subnets: `netx release ip|subnet POOL ITEM...|--owner O`.

    \b
    Examples:
      netx release ip lab 10.0.0.2 10.0.0.3
      netx release ip lab --owner web
      netx release subnet nodes 10.244.1.0/24
    """


@release_group.command("ip", short_help="Release addresses of a pool.")
@click.argument("pool_name", metavar="POOL")
@click.argument("addresses", nargs=-1, metavar="[IP]...")
@click.option("--owner", metavar="O", help="Release every address allocated to this owner.")
@click.option("--ignore-missing", is_flag=True,
              help="Exit 0 even when a given address was not allocated.")
@_global_options
@_guard
def release_ip(pool_name: str, addresses: tuple[str, ...], owner: str | None, ignore_missing: bool) -> None:
    """Release the given addresses (or every address of --owner) in POOL; print those released.

    Every address is checked to lie in POOL before any is released. An address
    that was not allocated is reported in one `netx: error: not allocated ...`
    line and the exit status is 1 (the others are still released); with
    --ignore-missing that is not an error. Releasing --owner O when O holds
    nothing is not an error (a note goes to stderr).

    \b
    Examples:
      netx release ip lab 10.0.0.2
      netx release ip lab 10.0.0.3 10.0.0.4
      netx release ip lab --owner web
    """
    _release(pool_name, "address", [IP(text) for text in addresses], owner, ignore_missing)


@release_group.command("subnet", short_help="Release subnets of a subnet pool.")
@click.argument("pool_name", metavar="POOL")
@click.argument("subnets", nargs=-1, metavar="[CIDR]...")
@click.option("--owner", metavar="O", help="Release every subnet allocated to this owner.")
@click.option("--ignore-missing", is_flag=True,
              help="Exit 0 even when a given subnet was not allocated.")
@_global_options
@_guard
def release_subnet(pool_name: str, subnets: tuple[str, ...], owner: str | None, ignore_missing: bool) -> None:
    """Release the given subnets (or every subnet of --owner) in POOL; print those released.

    A subnet is released only as it was handed out (the same CIDR). Every CIDR is
    checked to lie in POOL before any is released; one that was not allocated is
    reported in one `netx: error: not allocated ...` line and the exit status is 1
    (the others are still released), unless --ignore-missing.

    \b
    Examples:
      netx release subnet nodes 10.244.1.0/24
      netx release subnet nodes --owner node-1
    """
    _release(pool_name, "subnet", [IPNet(text) for text in subnets], owner, ignore_missing)


@cli.group("delete", context_settings=_CONTEXT)
@_global_options
def delete_group() -> None:
    """Delete pools: `netx delete pool NAME`.

    \b
    Examples:
      netx delete pool lab
      netx delete pool lab --force
    """


@delete_group.command("pool", short_help="Delete a pool.")
@click.argument("name")
@click.option("--force", is_flag=True, help="Delete the pool even if it still has allocations.")
@click.option("--if-exists", is_flag=True, help="Succeed without changes when there is no such pool.")
@_global_options
@_guard
def delete_pool(name: str, force: bool, if_exists: bool) -> None:
    """Delete the pool NAME with its allocations.

    Works for address and subnet pools. A pool that still has allocated addresses
    (or subnets) is only deleted with --force.

    \b
    Examples:
      netx delete pool dhcp
      netx delete pool lab --force
      netx delete pool lab --if-exists
    """
    with _open_store() as store:
        if if_exists and name not in store.pools():
            deleted = False
        else:
            if not force:
                pool = store.get(name)
                if pool.spec.kind == "subnet":
                    allocated, what = len(list(pool.allocations())), "subnet"
                else:
                    allocated, what = pool.stats().allocated, "address"
                if allocated:
                    plural = what + ("es" if what == "address" else "s") if allocated != 1 else what
                    raise CLIError(
                        f"pool {shorten(name)} still has {allocated} allocated {plural}; use --force to delete it anyway"
                    )
            store.delete_pool(name, force=force)
            deleted = True
    if _json_mode():
        _emit_json({"name": name, "deleted": deleted})
    elif deleted:
        click.echo(f"deleted pool {name}")
    else:
        click.echo(f"pool {name} does not exist, nothing deleted")


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``netx`` script and ``python -m netx``."""
    cli.main(args=list(argv) if argv is not None else None, prog_name="netx")
