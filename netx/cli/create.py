"""``netx create pool|subnet-pool``."""

from __future__ import annotations

from typing import Any

import click

from . import output
from .app import global_options, group, guard, json_mode, service
from .params import NETWORK, POOL_RANGE, RESERVE_ITEM, STRATEGY, IP_ADDRESS, once

__all__ = ["create_group"]

create_group = group("create", """Create pools: `netx create pool NAME CIDR|RANGE...`, `netx create subnet-pool NAME CIDR...`.

    \b
    Examples:
      netx create pool lab 10.0.0.0/24 --gateway 10.0.0.1
      netx create pool lab 10.0.0.0/24 --gateway 10.0.0.1 --if-not-exists
      netx create subnet-pool nodes 10.244.0.0/16
    """)

_IF_NOT_EXISTS = (
    "Succeed without changes when a pool of that name and definition already exists "
    "(another definition is an error that shows both)."
)


def _show(created: Any, what: str) -> None:
    if json_mode():
        output.emit_json(created.to_dict())
    elif created.created:
        info = created.pool
        click.echo(f"created {what} {output.text(info.name)}: {output.text(info.ranges)} ({info.size} addresses)")
    else:
        click.echo(f"pool {output.text(created.pool.name)} already exists, left unchanged")


@create_group.command("pool", short_help="Create an address pool.")
@click.argument("name")
@click.argument("ranges", nargs=-1, required=True, metavar="CIDR|RANGE...", type=POOL_RANGE)
@click.option("--reserve", multiple=True, metavar="IP|CIDR|RANGE", type=RESERVE_ITEM,
              help="Never hand out these addresses (repeatable).")
@click.option("--gateway", metavar="IP", type=IP_ADDRESS, multiple=True, callback=once,
              help="The gateway address (never handed out).")
@click.option("--strategy", type=STRATEGY, default="lowest", show_default=True,
              help="Which free address to hand out next.")
@click.option("--if-not-exists", is_flag=True, help=_IF_NOT_EXISTS)
@global_options
@guard
def create_pool(name: str, ranges: tuple[Any, ...], reserve: tuple[Any, ...], gateway: Any, strategy: str,
                if_not_exists: bool) -> None:
    """Create the address pool NAME over one or more CIDRs or first-last ranges.

    IPv4 and IPv6 ranges may be mixed. For IPv4 CIDRs the network and broadcast
    addresses are never handed out, nor are the gateway and reserved addresses.
    With --if-not-exists an existing pool of that name and the same definition is
    left as it is and the command succeeds; one with another definition is an error.

    \b
    Examples:
      netx create pool lab 10.0.0.0/24 --gateway 10.0.0.1
      netx create pool dual 10.1.0.0/24 2001:db8::/120 --strategy round_robin
      netx create pool dhcp 192.168.1.100-192.168.1.199 --reserve 192.168.1.150
      netx create pool lab 10.0.0.0/24 --gateway 10.0.0.1 --if-not-exists
    """
    with service(create=True) as ipam:
        created = ipam.create_pool(
            name, ranges, reserve=reserve, gateway=gateway, strategy=strategy, if_not_exists=if_not_exists
        )
    _show(created, "pool")


@create_group.command("subnet-pool", short_help="Create a subnet pool.")
@click.argument("name")
@click.argument("cidrs", nargs=-1, required=True, metavar="CIDR...", type=NETWORK)
@click.option("--reserve", multiple=True, metavar="IP|CIDR|RANGE", type=RESERVE_ITEM,
              help="Never hand out subnets overlapping these addresses (repeatable).")
@click.option("--if-not-exists", is_flag=True, help=_IF_NOT_EXISTS)
@global_options
@guard
def create_subnet_pool(name: str, cidrs: tuple[Any, ...], reserve: tuple[Any, ...], if_not_exists: bool) -> None:
    """Create the subnet pool NAME, which carves aligned subnets out of parent CIDRs.

    `netx allocate subnet NAME --prefix N` then hands out the lowest free aligned /N
    (Kubernetes node CIDRs, Calico blocks, per-site prefixes). IPv4 and IPv6 parents
    may be mixed. With --if-not-exists an existing pool of that name and definition is
    left as it is.

    \b
    Examples:
      netx create subnet-pool nodes 10.244.0.0/16
      netx create subnet-pool blocks 10.0.0.0/16 fd00::/48 --reserve 10.0.0.0/24
    """
    with service(create=True) as ipam:
        created = ipam.create_subnet_pool(name, cidrs, reserve=reserve, if_not_exists=if_not_exists)
    _show(created, "subnet pool")
