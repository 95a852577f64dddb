"""``netx renew ip``: extend leases (addresses allocated with ``--ttl``)."""

from __future__ import annotations

from typing import Any

import click

from . import output
from .app import CLIError, global_options, group, guard, json_mode, service
from .params import IP_ADDRESS, TTL

__all__ = ["renew_group"]

renew_group = group("renew", """Renew leases: `netx renew ip POOL IP... --ttl SECONDS`.

    \b
    Examples:
      netx renew ip lab 10.0.0.50 --ttl 3600
    """)


@renew_group.command("ip", short_help="Extend the leases of allocated addresses.")
@click.argument("pool_name", metavar="POOL")
@click.argument("addresses", nargs=-1, required=True, metavar="IP...", type=IP_ADDRESS)
@click.option("--ttl", type=TTL, required=True, metavar="SECONDS", help="The leases end SECONDS from now.")
@global_options
@guard
def renew_ip(pool_name: str, addresses: tuple[Any, ...], ttl: float) -> None:
    """Make the leases of the given addresses of POOL end SECONDS from now; print those renewed.

    An allocation without a lease becomes one. An address that is not allocated (an
    expired lease is not: it may have been handed out again) is reported in one
    `netx: error: not allocated ...` line and the exit status is 1 (the others are
    still renewed).

    \b
    Examples:
      netx renew ip lab 10.0.0.50 --ttl 3600
      netx renew ip lab 10.0.0.50 10.0.0.2 --ttl 600
    """
    with service() as ipam:
        done = ipam.renew(pool_name, list(addresses), ttl=ttl)
    if json_mode():
        output.emit_json(done.to_dict())
    else:
        output.lines(done.renewed)
    if done.not_allocated:
        raise CLIError(f"not allocated in pool {pool_name!r}: {output.some(done.not_allocated)}")
