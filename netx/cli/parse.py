"""``netx parse VALUE``: what an address, network, interface, range, MAC or ``ip:port`` endpoint is."""

from __future__ import annotations

from typing import Any

import click

from .._errors import NetxError
from .._ip import IP
from .._net import IPInterface, IPNet
from . import output
from .app import cli, global_options, guard, json_mode

__all__ = ["describe_value", "parse_command"]

_FLAGS = ("private", "global", "loopback", "link_local", "multicast", "reserved", "unspecified", "site_local")


def _flags(obj: Any) -> list[str]:
    found = [flag for flag in _FLAGS if getattr(obj, f"is_{flag}", False)]
    if getattr(obj, "ipv4_mapped", None) is not None:
        found.append("ipv4_mapped")
    return found


def describe_value(text: str) -> dict[str, Any]:
    """What ``netx parse`` reports about ``text``: its kind (address, network, interface, range) and facts."""
    if "/" in text:
        try:
            net = IPNet(text)
        except NetxError as net_error:
            try:
                iface = IPInterface(text)
            except NetxError:
                raise net_error from None
            net = iface.network
            return {
                "input": text, "kind": "interface", "version": iface.version, "canonical": str(iface),
                "address": iface.ip, "network": net, "prefixlen": net.prefixlen, "netmask": net.netmask,
                "first": net.ip, "last": net.last, "size": net.size, "flags": _flags(iface.ip.address),
            }
        return {
            "input": text, "kind": "network", "version": net.version, "canonical": str(net),
            "network": net, "prefixlen": net.prefixlen, "netmask": net.netmask, "hostmask": net.hostmask,
            "first": net.ip, "last": net.last, "size": net.size, "flags": _flags(net.network),
        }
    try:
        ip = IP(text)
    except NetxError as ip_error:
        from .lookup import describe_other  # MACs and ip:port endpoints

        if "-" not in text:
            return describe_other(text, ip_error)
        from .._range import IPRange

        try:
            rng = IPRange(text)  # also with a '-' in a zone: 'fe80::1-fe80::5%br-0'
        except NetxError as range_error:
            one_dash = text.count("-") == 1
            try:
                return describe_other(text, range_error if one_dash else ip_error)
            except NetxError:
                if not one_dash:
                    raise
                raise range_error from ip_error
        return {
            "input": text, "kind": "range", "version": rng.first.version, "canonical": str(rng),
            "first": rng.first, "last": rng.last, "size": rng.size, "cidrs": list(rng.cidrs()),
        }
    info: dict[str, Any] = {"input": text, "kind": "address", "version": ip.version, "canonical": str(ip)}
    if ip.zone is not None:
        info["zone"] = ip.zone
    info.update({
        "network": IPNet(ip), "first": ip, "last": ip, "size": 1, "integer": int(ip),
        # the zone is dropped for reverse_pointer: Python 3.11's stdlib fails on zoned addresses there
        "reverse_pointer": ip.with_zone(None).address.reverse_pointer, "flags": _flags(ip.address),
    })
    return info



@cli.command("parse", short_help="Describe an address, network, interface, range, MAC or endpoint.")
@click.argument("value")
@global_options
@guard
def parse_command(value: str) -> None:
    """Describe an address, network, interface (address/prefix), range, MAC address or
    ip:port endpoint.

    Prints its version, canonical form, network, first and last address, size and,
    for addresses, networks and interfaces, the ipaddress flags (private, global,
    loopback, link_local, multicast, reserved, unspecified, site_local, ipv4_mapped).

    \b
    Examples:
      netx parse 10.0.0.5
      netx parse 2001:db8::/32
      netx parse 192.168.1.7/24
      netx parse 10.0.0.10-10.0.0.20 -o json
      netx parse 00:1a:2b:3c:4d:5e
      netx parse '[2001:db8::1]:443'
    """
    info = describe_value(value)
    if json_mode():
        output.emit_json(info)
    else:
        output.fields((key, val) for key, val in info.items() if key != "input")
