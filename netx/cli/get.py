"""``netx get pools|pool|allocations|leases|store``: read-only, so they never create a store."""

from __future__ import annotations

import itertools
from typing import Any

import click

from . import output
from .app import global_options, group, guard, json_mode, service

__all__ = ["get_group"]


def _show(info: dict[str, Any]) -> None:
    """One object: JSON, or aligned ``key  value`` lines."""
    if json_mode():
        output.emit_json(info)
    else:
        output.fields(info.items())

get_group = group("get", """Show pools, allocations, leases and the store: `netx get pools|pool|allocations|leases|store`.

    \b
    Examples:
      netx get pools
      netx get pool lab -o json
      netx get allocations lab --owner web
      netx get leases lab
      netx get store
    """)


@get_group.command("pools", short_help="List the pools.")
@global_options
@guard
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
    with service() as ipam:
        infos = ipam.list_pools()
    if json_mode():
        output.emit_json([i.to_dict() for i in infos])
    elif infos:
        rows = [[i.name, i.kind, i.strategy, i.size, i.allocated, i.free, i.ranges] for i in infos]
        output.table(["NAME", "KIND", "STRATEGY", "SIZE", "ALLOCATED", "FREE", "RANGES"], rows, right=(3, 4, 5))
    else:
        output.note("no pools")


@get_group.command("pool", short_help="Show one pool.")
@click.argument("name")
@global_options
@guard
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
    with service() as ipam:
        _show(ipam.get_pool(name).to_dict())


@get_group.command("allocations", short_help="List a pool's allocations.")
@click.argument("pool_name", metavar="POOL")
@click.option("--owner", metavar="O", help="Only the addresses allocated to this owner.")
@global_options
@guard
def get_allocations(pool_name: str, owner: str | None) -> None:
    """List the allocated addresses (or subnets, of a subnet pool) of POOL and their owners, in order.

    An allocation without an owner shows `-` as its owner (null in JSON). JSON items
    are `{"ip": ..., "owner": ...}`, for a subnet pool `{"subnet": ..., "owner": ...}`.
    Any number of allocations is listed in bounded memory, a page of rows at a time.

    \b
    Examples:
      netx get allocations lab
      netx get allocations lab --owner web
      netx get allocations lab -o json
    """
    with service() as ipam:
        kind = ipam.get_pool(pool_name).kind
        items = ipam.allocations(pool_name, owner=owner)
        if json_mode():
            output.stream_json(a.to_dict() for a in items)
            return
        header = "SUBNET" if kind == "subnet" else "ADDRESS"
        first = next(items, None)
        if first is None:
            output.note(f"no allocations in pool {pool_name}" + (f" for owner {owner}" if owner is not None else ""))
            return
        rows = ([a.item, a.owner] for a in itertools.chain([first], items))
        output.table([header, "OWNER"], rows)


@get_group.command("leases", short_help="List a pool's addresses with their lease expiry.")
@click.argument("pool_name", metavar="POOL")
@global_options
@guard
def get_leases(pool_name: str) -> None:
    """List the allocated addresses of POOL with their owners and when each lease expires, in order.

    EXPIRES is a UTC time (ISO 8601, to the second; JSON has it exactly), `-` (null in
    JSON) for an address allocated without --ttl, which is held until released. An
    expired lease is free again and is not listed. JSON items are
    `{"ip": ..., "owner": ..., "expires": ...}`.

    \b
    Examples:
      netx get leases lab
      netx get leases lab -o json
    """
    with service() as ipam:
        items = ipam.leases(pool_name)
        if json_mode():
            output.stream_json(a.to_dict() for a in items)
            return
        first = next(items, None)
        if first is None:
            output.note(f"no allocations in pool {pool_name}")
            return
        rows = (
            [a.item, a.owner, None if a.expires is None else a.expires.isoformat(timespec="seconds")]
            for a in itertools.chain([first], items)
        )
        output.table(["ADDRESS", "OWNER", "EXPIRES"], rows)


@get_group.command("store", short_help="Show which store is in use.")
@global_options
@guard
def get_store() -> None:
    """Show the store the other commands use: its URL (password hidden), backend, file or schema,
    whether it exists yet, its schema version and how many pools it holds. Nothing is created.

    \b
    Examples:
      netx get store
      netx get store -o json
    """
    with service() as ipam:
        _show(ipam.store_info().to_dict())
