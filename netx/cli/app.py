"""The root of the ``netx`` command: the group, the global options, error handling, and how
commands reach the IPAM service layer (``netx.ipam.service.Service``)."""

from __future__ import annotations

import functools
import os
from typing import TYPE_CHECKING, Any, Callable, ParamSpec, TypeVar

import click

from .. import __version__
from .._errors import Error
from ..ipam.errors import WrongPoolKind
from .output import escape

if TYPE_CHECKING:
    from ..ipam.service import Service

__all__ = ["cli", "CONTEXT", "CLIError", "guard", "global_options", "json_mode", "service", "group"]

F = TypeVar("F", bound=Callable[..., Any])
P = ParamSpec("P")
R = TypeVar("R")

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
_DB = "netx.db"
_OUTPUT = "netx.output"


class CLIError(click.ClickException):
    """A failure reported as one ``netx: error: ...`` line on stderr, exit status 1."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(escape(" ".join(str(message).split())))

    def show(self, file: Any = None) -> None:
        click.echo(f"netx: error: {self.message}", err=True)


def _is_database_error(exc: BaseException) -> bool:
    module = type(exc).__module__ or ""
    return module.split(".")[0] in ("sqlite3", "psycopg", "psycopg2", "psycopg_binary")


def _a(kind: str | None) -> str:
    return "a subnet" if kind == "subnet" else "an address"


def _wrong_kind(exc: WrongPoolKind) -> str:
    """What to say when a command met the other kind of pool: the same command for that kind, if it exists."""
    said = f"pool {exc.pool!r} is {_a(exc.kind)} pool"
    ctx = click.get_current_context(silent=True)
    if ctx is None or ctx.parent is None or not isinstance(ctx.parent.command, click.Group):
        return said
    twin = "subnet" if exc.kind == "subnet" else "ip"
    if ctx.parent.command.get_command(ctx.parent, twin) is not None and ctx.info_name in ("ip", "subnet"):
        return f"{said}: use {ctx.parent.command_path} {twin}"
    return f"{said}; {ctx.command_path} works on {_a(exc.wanted)} pool"


def guard(func: Callable[P, R]) -> Callable[P, R]:
    """Turn every error of a command into one line on stderr (exit 1); set NETX_DEBUG=1 for tracebacks."""

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except (click.ClickException, click.exceptions.Exit, click.Abort, BrokenPipeError, KeyboardInterrupt):
            raise
        except WrongPoolKind as exc:
            raise CLIError(_wrong_kind(exc)) from None
        except Error as exc:  # bad input (netx.NetxError) and store outages (netx.ipam.StoreError)
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


# -- global options --------------------------------------------------------------------
def _remember(key: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if value is not None:  # the later position (after the command) wins
            ctx.meta[key] = value
        return value

    return callback


def stacked(*decorators: Callable[[Any], Any]) -> Callable[[F], F]:
    """One decorator applying ``decorators`` as if written one above the other (the first outermost)."""
    def apply(func: F) -> F:
        for decorate in reversed(decorators):
            func = decorate(func)
        return func
    return apply


def global_options(func: F) -> F:
    """Add ``--db`` and ``-o/--output`` to a group or command (values shared through ``ctx.meta``)."""
    func = click.option(
        "-o", "--output", type=click.Choice(["text", "json"]), default=None, expose_value=False,
        callback=_remember(_OUTPUT), help="Output format: text (default) or json.",
    )(func)
    func = click.option(
        "--db", metavar="URL", default=None, expose_value=False, callback=_remember(_DB),
        help="Store URL (sqlite:///file.db, postgresql://..., memory://) or a SQLite file path. "
        "Default: $NETX_IPAM_URL, else a SQLite file in the user data directory.",
    )(func)
    return func


def json_mode() -> bool:
    output: str = click.get_current_context().meta.get(_OUTPUT, "text")
    return output == "json"


_PATH_ENDINGS = (".db", ".sqlite", ".sqlite3")


def store_url() -> str | None:
    """The ``--db`` value as a store URL (a plain file path means that SQLite file), or None for the default."""
    value: str | None = click.get_current_context().meta.get(_DB)
    if value is None or "://" in value:
        return value
    if value.startswith(("/", "./", "../", "~")) or value.endswith(_PATH_ENDINGS):
        from ..ipam.store.url import sqlite_url

        return sqlite_url(os.path.expanduser(value))
    return value  # netx.ipam.open says what a URL looks like


def service(*, create: bool = False) -> Service:
    """The service on the store named by --db (else ``netx.ipam.open(None)``'s default); use it in a ``with``.

    Only commands that create something pass ``create=True``: the others never create a store."""
    from ..ipam.service import Service

    return Service.open(store_url(), create=create)


# -- the root group ----------------------------------------------------------------------
@click.group(name="netx", context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="netx", message="%(prog)s %(version)s")
@global_options
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


def group(name: str, doc: str) -> click.Group:
    """A verb group (``create``, ``get``, ...) under the root, with the global options."""

    def verb() -> None:
        pass

    verb.__doc__ = doc
    return cli.group(name, context_settings=CONTEXT)(global_options(verb))
