"""``netx lookup FILE [ADDRESS...]``: which prefix of a file of CIDRs holds each address
(``netx.PrefixMap``), and what ``netx parse`` says about MACs and ``ip:port`` endpoints."""

from __future__ import annotations

import sys
from typing import Any, Iterator

import click

from .._errors import AddressError, NetworkError, NetxError, shorten
from . import output
from .app import CLIError, cli, global_options, guard, json_mode

__all__ = ["describe_mac", "describe_endpoint", "describe_other", "load_table", "lookup_command"]


def describe_mac(text: str) -> dict[str, Any]:
    """What ``netx parse`` reports about a MAC address."""
    from .._mac import MAC

    mac = MAC(text)
    info: dict[str, Any] = {
        "input": text, "kind": "mac", "bits": mac.bits, "canonical": str(mac),
        "oui": mac.packed[:3].hex(":"), "integer": int(mac),
        "multicast": mac.is_multicast, "local": mac.is_local, "eui64": str(mac.eui64()),
    }
    if mac.bits == 48:
        info["link_local"] = str(mac.link_local())
    return info


def describe_endpoint(text: str) -> dict[str, Any]:
    """What ``netx parse`` reports about an ``ip:port`` endpoint."""
    from .._ipport import IPPort

    ep = IPPort(text)
    info: dict[str, Any] = {"input": text, "kind": "endpoint", "version": ep.version, "canonical": str(ep),
                            "address": ep.ip, "port": ep.port}
    if ep.ip.zone is not None:
        info["zone"] = ep.ip.zone
    return info


def _looks_like_mac(text: str) -> bool:
    """Hex digits in one MAC-like layout (however wrong the count): then a MAC error fits best."""
    if not 0 < len(text) <= 64 or not all(c in "0123456789abcdefABCDEF:-." for c in text):
        return False
    seps = {c for c in text if c in ":-."}
    if not seps:
        return len(text) in (12, 16)
    if len(seps) > 1:
        return False
    groups = text.split(seps.pop())
    if "." in text:
        return all(len(g) == 4 for g in groups)
    return len(groups) >= 5 and all(1 <= len(g) <= 2 for g in groups)


def describe_other(text: str, ip_error: NetxError) -> dict[str, Any]:
    """A value that is no address, network, interface or range: a MAC or an endpoint, or else
    the error that fits it best (the address error when it looks like neither)."""
    if _looks_like_mac(text):
        return describe_mac(text)
    if ":" in text and len(text) <= 300:
        try:
            return describe_endpoint(text)
        except NetxError as exc:
            host = text.rpartition(":")[0]
            if host.startswith("[") or ("." in host and ":" not in host):  # it looks like an endpoint
                raise exc from None
    raise ip_error


# -- netx lookup ----------------------------------------------------------------------------
def load_table(path: str) -> Any:
    """A ``PrefixMap`` of the CIDRs in a file: one per line, optionally followed by a value
    (the rest of the line); blank lines and ``#`` comments are skipped; later lines win."""
    from .._net import IPNet
    from .._prefixmap import PrefixMap

    items: list[tuple[str, str | None]] = []
    numbers: list[int] = []
    try:
        with click.open_file(path, encoding="utf-8-sig", errors="strict") as f:  # a byte order mark is no text
            for number, line in enumerate(f, 1):
                body = line.split("#", 1)[0].strip()
                if body:
                    cidr, *rest = body.split(None, 1)  # the CIDR, then the rest of the line as written
                    items.append((cidr, rest[0] if rest else None))
                    numbers.append(number)
    except UnicodeDecodeError as exc:
        raise CLIError(f"{path}: not UTF-8 text ({exc.reason})") from None
    try:
        return PrefixMap(items)
    except (NetxError, TypeError):
        for (cidr, _), number in zip(items, numbers):  # name the first bad line
            try:
                IPNet(cidr)
            except (NetxError, TypeError) as exc:
                raise CLIError(f"{path}, line {number}: {exc}") from None
        raise


def _addresses(given: tuple[str, ...]) -> Iterator[str]:
    if given:
        yield from given
        return
    for number, line in enumerate(sys.stdin):
        line = (line.lstrip("\ufeff") if number == 0 else line).strip()  # a byte order mark is no text
        if line and not line.startswith("#"):
            yield line


@cli.command("lookup", short_help="Which prefix of a file of CIDRs holds each address.")
@click.argument("table", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.argument("addresses", nargs=-1)
@global_options
@guard
def lookup_command(table: str, addresses: tuple[str, ...]) -> None:
    """Longest-prefix match of each ADDRESS against the CIDRs in TABLE.

    TABLE holds one CIDR per line (IPv4 and IPv6 mixed), optionally followed by a value
    (the rest of the line, e.g. a site name or next hop); blank lines and # comments are
    skipped. ADDRESSES come from the command line, or one per line from stdin. Each
    answer is the most specific prefix holding the address (an address, or a network
    written as a CIDR), with its value; "-" when none does. Answers are printed as they
    come (text columns are sized by the first 1,000).

    \b
    Examples:
      netx lookup routes.txt 10.1.2.3 2001:db8::1
      cat ips.txt | netx lookup routes.txt -o json
    """
    prefixes = load_table(table)

    def answers() -> Iterator[tuple[str, Any]]:  # streamed: stdin may hold millions of addresses
        for text in _addresses(addresses):
            try:
                found = prefixes.longest(text, None)
            except (AddressError, NetworkError) as exc:
                raise CLIError(str(exc)) from None
            except TypeError:  # pragma: no cover - text is always a str
                raise CLIError(f"not an address: {shorten(text)}") from None
            yield text, found

    if json_mode():
        output.stream_json(
            {"address": text, "prefix": None if found is None else found[0], "value": None if found is None else found[1]}
            for text, found in answers()
        )
        return
    output.table(
        ["address", "prefix", "value"],
        ((text, "-" if found is None else found[0], "-" if found is None or found[1] is None else found[1])
         for text, found in answers()),
    )
