"""``netx allocate ip|subnet``."""

from __future__ import annotations

from typing import Any, Callable

import click

from . import output
from .app import global_options, group, guard, json_mode, service, stacked
from .params import IP_ADDRESS, NETWORK, TTL, VERSION, once

__all__ = ["allocate_group"]

allocate_group = group("allocate", """Allocate addresses or subnets: `netx allocate ip|subnet POOL`.

    \b
    Examples:
      netx allocate ip lab --owner web --count 3
      netx allocate ip lab --ip 10.0.0.50
      netx allocate subnet nodes --prefix 24 --owner node-1
    """)

_COUNT = click.IntRange(min=1)


def _options(one: str, what: str, flag: str, metavar: str, kind: click.ParamType[Any], owners: str, where: str,
             ensure: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """The options ``allocate ip`` and ``allocate subnet`` share, worded for ``one`` / ``what`` (address(es), subnet(s))."""
    return stacked(
        click.option("--owner", metavar="O", multiple=True, callback=once, help=f"Record this owner ({owners}...)."),
        click.option(flag, "wanted", metavar=metavar, type=kind, multiple=True, callback=once,
                     help=f"Allocate this particular {one}."),
        click.option("--count", type=_COUNT, default=1, show_default=True, metavar="N",
                     help=f"How many {what} (all or nothing)."),
        click.option("--version", "version", type=VERSION, help=f"Only from the pool's IPv4 or IPv6 {where}."),
        click.option("--ensure", is_flag=True,
                     help=f"Idempotent: make sure --owner holds N {ensure}, allocating only what is missing."),
    )


def _check(flag: str, wanted: Any, count: int, version: str | None, ensure: bool, owner: str | None) -> None:
    if wanted is not None and (count != 1 or version is not None or ensure):
        raise click.UsageError(f"{flag} cannot be combined with --count, --version or --ensure")
    if ensure and owner is None:
        raise click.UsageError("--ensure needs --owner: it ensures what that owner holds")


def _show(allocations: list[Any]) -> None:
    if json_mode():
        output.emit_json([a.to_dict() for a in allocations])
    else:
        output.lines(a.item for a in allocations)


@allocate_group.command("ip", short_help="Allocate addresses from a pool.")
@click.argument("pool_name", metavar="POOL")
@_options("address", "addresses", "--ip", "IP", IP_ADDRESS, "a host, container, interface", "ranges", "addresses")
@click.option("--ttl", type=TTL, metavar="SECONDS",
              help="Make them leases: free again SECONDS from now unless renewed (netx renew ip).")
@global_options
@guard
def allocate_ip(pool_name: str, owner: str | None, wanted: Any, count: int, version: str | None, ensure: bool,
                ttl: float | None) -> None:
    """Allocate addresses from POOL and print them, exactly one per line.

    The pool's strategy picks the addresses; --ip asks for one particular address
    instead. --count N allocates N addresses in one transaction, or none at all
    when fewer than N are free. With --ensure the command is safe to re-run: it
    prints the N lowest addresses --owner holds and allocates only the missing ones.
    --ttl SECONDS makes them leases (with --ensure the held ones are renewed): an
    expired lease is free again; `netx get leases POOL` shows when each one ends.

    \b
    Examples:
      netx allocate ip lab
      netx allocate ip lab --owner web --count 3
      netx allocate ip lab --owner web --count 3 --ensure
      netx allocate ip lab --owner laptop --ttl 3600
      netx allocate ip lab --owner db --ip 10.0.0.50
      netx allocate ip dual --version 6
      IP=$(netx allocate ip lab --owner vm-7)
    """
    _check("--ip", wanted, count, version, ensure, owner)
    with service() as ipam:
        family = None if version is None else int(version)
        if ensure:
            assert owner is not None
            got = ipam.ensure_ip(pool_name, owner=owner, count=count, version=family, ttl=ttl)
        else:
            got = ipam.allocate_ip(pool_name, owner=owner, ip=wanted, count=count, version=family, ttl=ttl)
    _show(got)


@allocate_group.command("subnet", short_help="Allocate subnets from a subnet pool.")
@click.argument("pool_name", metavar="POOL")
@click.option("--prefix", "prefixlen", type=click.IntRange(min=0, max=128), metavar="N",
              help="Prefix length of the subnet(s) to hand out (required unless --subnet).")
@_options("subnet", "subnets", "--subnet", "CIDR", NETWORK, "a node, a site, a tenant", "parents", "subnets of /--prefix")
@global_options
@guard
def allocate_subnet(pool_name: str, prefixlen: int | None, owner: str | None, wanted: Any, count: int,
                    version: str | None, ensure: bool) -> None:
    """Allocate aligned subnets from the subnet pool POOL and print them, one CIDR per line.

    --prefix N hands out the lowest free aligned /N of a parent at least that big;
    --subnet CIDR asks for one particular subnet instead. --count N allocates N
    subnets in one transaction, or none at all when fewer than N are free. With
    --ensure the command is safe to re-run: it prints the N lowest /--prefix subnets
    --owner holds and allocates only the missing ones.

    \b
    Examples:
      netx allocate subnet nodes --prefix 24 --owner node-1
      netx allocate subnet blocks --prefix 26 --count 4 --owner host-a
      netx allocate subnet blocks --prefix 26 --count 4 --owner host-a --ensure
      netx allocate subnet nodes --subnet 10.244.7.0/24 --owner node-7
      CIDR=$(netx allocate subnet nodes --prefix 24 --owner node-2)
    """
    _check("--subnet", wanted, count, version, ensure, owner)
    if wanted is None and prefixlen is None:
        raise click.UsageError("give --prefix N (or --subnet CIDR)")
    family = None if version is None else int(version)
    with service() as ipam:
        if ensure:
            assert owner is not None and prefixlen is not None
            got = ipam.ensure_subnet(pool_name, owner=owner, prefixlen=prefixlen, count=count, version=family)
        else:
            got = ipam.allocate_subnet(pool_name, prefixlen=prefixlen, owner=owner, subnet=wanted, count=count,
                                       version=family)
    _show(got)
