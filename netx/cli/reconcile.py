"""``netx reconcile ip|subnet``: release every allocation whose owner is not on a list (leak clean-up)."""

from __future__ import annotations

from typing import BinaryIO, Literal

import click

from . import output
from .app import CLIError, global_options, group, guard, json_mode, service

__all__ = ["reconcile_group"]

reconcile_group = group("reconcile", """Release what no valid owner holds: `netx reconcile ip|subnet POOL --keep O...`.

    \b
    Examples:
      netx reconcile ip pods --keep web-1 --keep web-2 --dry-run
      kubectl get pods --no-headers -o custom-columns=:metadata.name | netx reconcile ip pods --keep-file -
    """)


def _owners(keep_file: BinaryIO) -> list[str]:
    """The owners of a keep file, one per line: UTF-8 (a leading byte order mark is not part of the first
    owner), any line ends, blank lines skipped; text that is not UTF-8 is an error naming the line."""
    owners = []
    for number, raw in enumerate(keep_file, 1):
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8").strip()
        except UnicodeDecodeError as exc:
            name = getattr(keep_file, "name", "-")
            where = "stdin" if name in ("-", "<stdin>") or not isinstance(name, str) else name
            raise CLIError(f"{where}: not UTF-8 text ({exc.reason} at line {number}); nothing released") from None
        if line:
            owners.append(line)
    return owners


def _reconcile(pool: str, kind: Literal["address", "subnet"], keep: tuple[str, ...], keep_file: BinaryIO | None,
               dry_run: bool) -> None:
    owners = list(keep)
    if keep_file is not None:
        owners += _owners(keep_file)
    if not owners and keep_file is None:
        raise click.UsageError("give the owners to keep (--keep O, --keep-file FILE): every other allocation is released")
    with service() as ipam:
        gone = ipam.reconcile(pool, owners, dry_run=dry_run, kind=kind)
    if json_mode():
        output.emit_json({"dry_run": dry_run, "released": [a.to_dict() for a in gone]})
        return
    if gone:
        output.table(["SUBNET" if kind == "subnet" else "ADDRESS", "OWNER"], ([a.item, a.owner] for a in gone))
    what = ("address" if len(gone) == 1 else "addresses") if kind == "address" else ("subnet" if len(gone) == 1 else "subnets")
    verb = "would release" if dry_run else "released"
    output.note(f"{verb} {len(gone)} {what} of pool {pool}" + (" (dry run: nothing changed)" if dry_run else ""))


def _command(noun: str, kind: Literal["address", "subnet"], doc: str) -> None:
    """Register ``netx reconcile NOUN`` (``ip`` / ``subnet``): the same options for both kinds of pool."""

    @reconcile_group.command(noun, short_help=f"Release the {'addresses' if kind == 'address' else 'subnets'} "
                             "of owners not listed.", help=doc)
    @click.argument("pool_name", metavar="POOL")
    @click.option("--keep", metavar="O", multiple=True, help="An owner whose allocations stay (repeatable).")
    @click.option("--keep-file", type=click.File("rb"), metavar="FILE",
                  help="Owners to keep, one per line ('-': stdin; an empty file keeps nothing).")
    @click.option("--dry-run", is_flag=True, help="Only list what would be released; change nothing.")
    @global_options
    @guard
    def reconcile(pool_name: str, keep: tuple[str, ...], keep_file: BinaryIO | None, dry_run: bool) -> None:
        _reconcile(pool_name, kind, keep, keep_file, dry_run)


_command("ip", "address", """Release, in one transaction, every address of POOL whose owner is not kept (ownerless
    ones too); print what was released. --dry-run only lists it (Calico's `ipam check`, CNI GC by hand).

    \b
    Examples:
      netx reconcile ip pods --keep web-1 --keep web-2 --dry-run
      netx reconcile ip pods --keep-file owners.txt
    """)
_command("subnet", "subnet", """Release, in one transaction, every subnet of POOL whose owner is not kept; print
    what was released.

    \b
    Examples:
      netx reconcile subnet nodes --keep node-1 --keep node-2 --dry-run
    """)
