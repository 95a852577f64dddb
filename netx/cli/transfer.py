"""``netx export`` and ``netx import``: a store's pools as JSON (``netx.ipam.transfer``).

    netx export [POOL...] [--file F]        the whole store (or those pools) as JSON, to stdout or F
    netx import FILE [--pool P]...          recreate the pools of an export (FILE '-': stdin); all or nothing
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile

import click

from ..ipam import transfer
from . import output
from .app import CONTEXT, cli, global_options, guard, json_mode, store_url

__all__ = ["export_command", "import_command"]


@cli.command("export", context_settings=CONTEXT, short_help="Write pools as JSON (backup, move between stores).")
@click.argument("pools", nargs=-1)
@click.option("--file", "path", metavar="FILE", default=None, help="Write to FILE instead of stdout.")
@global_options
@guard
def export_command(pools: tuple[str, ...], path: str | None) -> None:
    """Write the store's pools (or only POOLS) as JSON: definitions, allocations with owners, strategy state.

    `netx import` recreates them exactly, in the same store kind or another
    (SQLite -> PostgreSQL). Each pool is read in one consistent snapshot. The JSON
    is streamed (memory stays flat); a --file appears whole or not at all.

    \b
    Examples:
      netx export --db sqlite:///ipam.db --file ipam.json
      netx export lan nodes > two-pools.json
    """
    from ..ipam.store import open as open_store

    with open_store(store_url(), create=False) as store:
        if path is None:  # streamed: memory stays flat however big the store is
            transfer.write_export(store, sys.stdout.buffer, pools or None)
            sys.stdout.flush()
            return
        target = os.path.realpath(path)
        if os.path.exists(target) and not stat.S_ISREG(os.stat(target).st_mode):  # a FIFO, /dev/stdout: as given
            with open(target, "wb") as f:
                transfer.write_export(store, f, pools or None)
            return
        # a file appears whole or not at all: written beside it, then renamed over it
        fd, temp = tempfile.mkstemp(prefix=".netx-export-", dir=os.path.dirname(target))
        try:
            with os.fdopen(fd, "wb") as f:
                umask = os.umask(0)
                os.umask(umask)
                os.fchmod(f.fileno(), 0o666 & ~umask)  # the mode open() would have given it
                transfer.write_export(store, f, pools or None)
            os.replace(temp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise


@cli.command("import", context_settings=CONTEXT, short_help="Recreate pools from a JSON export.")
@click.argument("path", metavar="FILE")
@click.option("--pool", "pools", multiple=True, metavar="NAME", help="Import only this pool (repeatable).")
@global_options
@guard
def import_command(path: str, pools: tuple[str, ...]) -> None:
    """Recreate the pools of an export FILE (`-`: stdin) in the store: all of them, or none.

    A pool name the store already has is a conflict: nothing is imported, and the
    error names every conflicting pool.

    \b
    Examples:
      netx export --db sqlite:///ipam.db | netx import - --db postgresql://ipam@db/ipam
      netx import backup.json --pool lan
    """
    from ..ipam.store import open as open_store

    if path == "-":
        text = sys.stdin.buffer.read()
    else:
        with open(path, "rb") as f:
            text = f.read()
    data = transfer.loads(text)
    with open_store(store_url(), create=True) as store:
        names = transfer.import_store(store, data, pools or None)
    if json_mode():
        output.emit_json({"imported": names})
    else:
        for name in names:
            click.echo(f"imported pool {output.text(name)}")
