"""``netx delete pool``."""

from __future__ import annotations

import click

from ..ipam.errors import PoolInUse
from . import output
from .app import CLIError, global_options, group, guard, json_mode, service

__all__ = ["delete_group"]

delete_group = group("delete", """Delete pools: `netx delete pool NAME`.

    \b
    Examples:
      netx delete pool lab
      netx delete pool lab --force
    """)


@delete_group.command("pool", short_help="Delete a pool.")
@click.argument("name")
@click.option("--force", is_flag=True, help="Delete the pool even if it still has allocations.")
@click.option("--if-exists", is_flag=True, help="Succeed without changes when there is no such pool.")
@global_options
@guard
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
    with service() as ipam:
        try:
            done = ipam.delete_pool(name, force=force, if_exists=if_exists)
        except PoolInUse as exc:
            n = exc.allocated or 0
            what = "subnet" if ipam.get_pool(name).kind == "subnet" else "address"
            plural = what if n == 1 else what + ("es" if what == "address" else "s")
            raise CLIError(f"pool {name!r} still has {n} allocated {plural}; use --force to delete it anyway") from None
    if json_mode():
        output.emit_json(done.to_dict())
    elif done.deleted:
        click.echo(f"deleted pool {output.text(name)}")
    else:
        click.echo(f"pool {output.text(name)} does not exist, nothing deleted")
