"""The ``netx`` command line: ``netx VERB NOUN [ARGS] --FLAGS`` over netx values and IPAM stores.

A thin adapter over the IPAM service layer (``netx.ipam.service``):

    app.py       the root group, global options (--db, -o), errors -> one line, exit 1
    params.py    click types for addresses, networks, ranges, strategies (bad value: exit 2)
    output.py    text and JSON renderers (text escapes control characters)
    parse.py     netx parse
    create.py    netx create pool|subnet-pool
    get.py       netx get pools|pool|allocations|leases|store
    allocate.py  netx allocate ip|subnet
    release.py   netx release ip|subnet
    renew.py     netx renew ip (leases)
    delete.py    netx delete pool
    lookup.py    netx lookup (longest-prefix match over a file of CIDRs); MACs and endpoints for parse
    transfer.py  netx export, netx import

A new verb is a new module here defining its group with ``app.group(...)`` (or a
command on ``app.cli``), imported below. Errors print one ``netx: error: ...`` line on
stderr and exit 1; usage errors exit 2 (click's convention).
"""

from __future__ import annotations

from typing import Sequence

from . import allocate, create, delete, get, lookup, parse, reconcile, release, renew, transfer  # noqa: F401 - each registers its commands
from ..ipam._coerce import STRATEGIES as _STRATEGIES
from .app import cli
from .parse import describe_value

__all__ = ["cli", "main", "describe_value"]


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``netx`` script and ``python -m netx``."""
    cli.main(args=list(argv) if argv is not None else None, prog_name="netx")
