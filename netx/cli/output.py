"""Every way the ``netx`` command prints: text (aligned fields and tables, notes) and JSON.

Text output escapes control characters and terminal escape sequences in whatever it
prints (pool names and owners come from the store and may hold anything): a name
like ``x\\x1b]0;PWNED\\x07`` prints as that escaped text, never as a command to the
terminal, and an owner with a newline cannot forge a table row. JSON output stays
exact (its encoder escapes control characters itself).
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Sequence

import click

__all__ = ["escape", "text", "fields", "table", "emit_json", "stream_json", "note", "lines"]

_U64 = (1 << 64) - 1
_I64_MIN = -(1 << 63)
# C0 and C1 controls, DEL, the Unicode line/paragraph separators, the bidi controls a terminal honours
# (Unicode's Bidi_Control set: the embeddings, overrides and isolates, and the marks ALM, LRM, RLM), and lone
# surrogates: the undecodable bytes of a command-line argument, which would go out raw (0x9b is an 8-bit CSI)
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\e"}


def _escaped(match: re.Match[str]) -> str:
    c = match.group()
    return _NAMED.get(c) or (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")


def escape(value: str) -> str:
    """``value`` with control characters and terminal escapes shown as ``\\n``, ``\\e``, ``\\x07``, ..."""
    return _UNSAFE.sub(_escaped, value)


def text(value: Any) -> str:
    """One value as text output shows it: ``-`` for None or empty, lists joined, escaped."""
    if value is None:
        return "-"
    if isinstance(value, (list, tuple)):
        return ", ".join(text(v) for v in value) if value else "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return escape(str(value))


def some(items: Sequence[Any], most: int = 20) -> str:
    """Up to ``most`` values joined for a one-line message, then how many more: an error about
    100,000 addresses stays one readable line."""
    shown = ", ".join(text(item) for item in items[:most])
    return shown if len(items) <= most else f"{shown} and {len(items) - most:,} more"


def lines(items: Iterable[Any]) -> None:
    """Print one value per line (nothing for none)."""
    out = "\n".join(text(item) for item in items)
    if out:
        click.echo(out)


def fields(pairs: Iterable[tuple[str, Any]]) -> None:
    """Print ``key  value`` lines with the values aligned."""
    items = list(pairs)
    width = max(len(key) for key, _ in items)
    click.echo("\n".join(f"{key.ljust(width)}  {text(value)}".rstrip() for key, value in items))


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], right: Iterable[int] = (), page: int = 1000) -> int:
    """Print an aligned table, streaming: columns are as wide as the widest cell of the first ``page`` rows
    (later, wider cells widen their row only); columns in ``right`` (numbers) are right-aligned.
    Returns the number of rows printed."""
    right = set(right)
    it = iter(rows)
    first: list[list[str]] = []
    for row in it:
        first.append([text(c) for c in row])
        if len(first) >= page:
            break
    widths = [max([len(h)] + [len(r[i]) for r in first]) for i, h in enumerate(headers)]

    def render(cells: Sequence[str]) -> str:
        parts = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))]
        return "  ".join(parts).rstrip()

    click.echo("\n".join(render(r) for r in [list(headers), *first]))
    count = len(first)
    for row in it:
        click.echo(render([text(c) for c in row]))
        count += 1
    return count


def _exact_ints(value: Any) -> Any:
    """Ints beyond 64 bits (IPv6 sizes) as raw JSON numbers: exact, where orjson alone would refuse."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if _I64_MIN <= value <= _U64:
            return value
        import orjson

        return orjson.Fragment(str(value).encode())
    if isinstance(value, dict):
        return {k: _exact_ints(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_exact_ints(v) for v in value]
    return value


def _dumps(data: Any) -> str:
    import orjson

    from .. import json as netx_json

    try:
        return netx_json.dumps(_exact_ints(data), option=orjson.OPT_INDENT_2).decode()
    except TypeError as exc:
        if "surrogates" not in str(exc):
            raise
        from .app import CLIError  # (app imports this module)

        raise CLIError(
            "the output holds text that is not valid UTF-8 (bytes of an argument that are not UTF-8), which JSON"
            " cannot carry; use -o text, which shows them escaped"
        ) from None


def emit_json(data: Any) -> None:
    """Print ``data`` as indented JSON through ``netx.json`` (netx values become strings)."""
    click.echo(_dumps(data))


def stream_json(items: Iterable[Any]) -> int:
    """Print a JSON list item by item (the same text ``emit_json(list(items))`` prints, in bounded memory).
    Returns the number of items."""
    count = 0
    for item in items:
        body = _dumps(item).replace("\n", "\n  ")
        click.echo(("[\n  " if count == 0 else ",\n  ") + body, nl=False)
        count += 1
    click.echo("\n]" if count else "[]")
    return count


def note(message: str) -> None:
    """A remark on stderr (``netx: ...``) that is not an error."""
    click.echo(f"netx: {escape(message)}", err=True)
