"""``netx release ip|subnet``."""

from __future__ import annotations

from typing import Any, Callable, Literal

import click

from . import output
from .app import CLIError, global_options, group, guard, json_mode, service, stacked
from .params import IP_ADDRESS, NETWORK, once

__all__ = ["release_group"]

release_group = group("release", """Release addresses or subnets: `netx release ip|subnet POOL ITEM...|--owner O`.

    \b
    Examples:
      netx release ip lab 10.0.0.2 10.0.0.3
      netx release ip lab --owner web
      netx release subnet nodes 10.244.1.0/24
    """)


def _release(pool: str, kind: Literal["address", "subnet"], items: tuple[Any, ...], owner: str | None,
             ignore_missing: bool) -> None:
    """Release ``items`` or every one of ``owner``; print those released, then report the ones that were not
    allocated (exit 1 unless ``ignore_missing``)."""
    noun = "addresses" if kind == "address" else "subnets"
    if items and owner is not None:
        raise click.UsageError(f"give {noun} or --owner, not both")
    if not items and owner is None:
        raise click.UsageError(f"give the {noun} to release, or --owner O to release all of an owner's")
    with service() as ipam:
        done = ipam.release(pool, list(items), owner=owner, kind=kind)
    if json_mode():
        output.emit_json(done.to_dict())
    else:
        output.lines(done.released)
    if owner is not None and not done.released:
        output.note(f"nothing allocated to owner {owner} in pool {pool}")
    if done.not_allocated and not ignore_missing:
        raise CLIError(f"not allocated in pool {pool!r}: {output.some(done.not_allocated)}")


def _command(name: str, short_help: str, one: str, items: str, metavar: str, kind: click.ParamType[Any]
             ) -> Callable[[Callable[..., None]], click.Command]:
    """``release ip`` / ``release subnet``: the pool, the items (``one`` each), --owner, --ignore-missing."""
    options = stacked(
        click.argument("pool_name", metavar="POOL"),
        click.argument(items, nargs=-1, metavar=f"[{metavar}]...", type=kind),
        click.option("--owner", metavar="O", multiple=True, callback=once, help=f"Release every {one} allocated to this owner."),
        click.option("--ignore-missing", is_flag=True, help=f"Exit 0 even when a given {one} was not allocated."),
        global_options,
        guard,
    )

    def make(fn: Callable[..., None]) -> click.Command:
        return release_group.command(name, short_help=short_help)(options(fn))

    return make


@_command("ip", "Release addresses of a pool.", "address", "addresses", "IP", IP_ADDRESS)
def release_ip(pool_name: str, addresses: tuple[Any, ...], owner: str | None, ignore_missing: bool) -> None:
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
    _release(pool_name, "address", addresses, owner, ignore_missing)


@_command("subnet", "Release subnets of a subnet pool.", "subnet", "subnets", "CIDR", NETWORK)
def release_subnet(pool_name: str, subnets: tuple[Any, ...], owner: str | None, ignore_missing: bool) -> None:
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
    _release(pool_name, "subnet", subnets, owner, ignore_missing)
