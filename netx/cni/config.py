"""The plugin's input: CNI environment variables and the network configuration on stdin.

Parsed exactly as the reference plugins parse them (``skel`` for the environment and
the order of checks, host-local's ``LoadIPAMConfig`` and ``Range.Canonicalize`` for
the ``ipam`` section), so a host-local configuration means the same thing here:

- range defaults: ``gateway`` = network + 1, ``rangeStart`` = network + 1, ``rangeEnd``
  = the last address before the IPv4 broadcast / the last IPv6 address, both inclusive;
- the legacy single range (``ipam.subnet``...) and ``runtimeConfig.ipRanges`` are
  prepended to ``ranges``; requested addresses come from ``CNI_ARGS`` ``IP=``,
  ``args.cni.ips`` and ``runtimeConfig.ips``.

netx-ipam's own keys: ``store`` (a netx store URL), ``strategy`` and ``node``.
"""

from __future__ import annotations

import ipaddress
import json
import re
from typing import Any, Mapping, NamedTuple

from .._ip import IP
from .._net import IPNet
from .errors import DECODING_FAILURE, INCOMPATIBLE_VERSION, INVALID_CONFIG, INVALID_ENV, CNIError

__all__ = [
    "SUPPORTED_VERSIONS", "LATEST", "DEFAULT_DATA_DIR", "Range", "NetConf", "Env",
    "read_env", "parse_netconf", "check_version", "version_tuple",
]

SUPPORTED_VERSIONS = ("0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0")
LATEST = SUPPORTED_VERSIONS[-1]
DEFAULT_DATA_DIR = "/var/lib/cni/networks"
COMMANDS = ("ADD", "DEL", "CHECK", "GC", "STATUS", "VERSION")

_NAME = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_.\-]*")
_VERSION = re.compile(r"(\d+)\.(\d+)\.(\d+)")
_MAX_IFNAME = 15

# skel: which variables each command requires (CNI_COMMAND always).
_REQUIRED = {
    "CNI_CONTAINERID": ("ADD", "CHECK", "DEL"),
    "CNI_NETNS": ("ADD", "CHECK"),
    "CNI_IFNAME": ("ADD", "CHECK", "DEL"),
    "CNI_PATH": ("ADD", "CHECK", "DEL", "GC", "STATUS"),
}


# -- environment ------------------------------------------------------------------------
class Env(NamedTuple):
    """The CNI environment variables of one invocation (a NamedTuple: no ``dataclasses`` import at start-up)."""

    command: str
    container_id: str
    netns: str
    ifname: str
    args: str
    path: str


def read_env(environ: Mapping[str, str]) -> Env:
    """The CNI variables, checked in skel's order (missing -> code 4, a bad container ID -> 3/4, bad ifname -> 4)."""
    command = environ.get("CNI_COMMAND", "")
    values = {name: environ.get(name, "") for name in ("CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME", "CNI_ARGS", "CNI_PATH")}
    missing = [] if command else ["CNI_COMMAND"]
    for name in ("CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME", "CNI_ARGS", "CNI_PATH"):
        required = command in _REQUIRED.get(name, ())
        if not values[name]:
            if required:
                missing.append(name)
        elif required and name == "CNI_CONTAINERID":
            _check_container_id(values[name])
        elif required and name == "CNI_IFNAME":
            _check_ifname(values[name])
    if missing:
        raise CNIError(INVALID_ENV, f"required env variables [{','.join(missing)}] missing")
    return Env(
        command, values["CNI_CONTAINERID"], values["CNI_NETNS"], values["CNI_IFNAME"], values["CNI_ARGS"],
        values["CNI_PATH"],
    )


def _check_container_id(container_id: str) -> None:
    if not _NAME.fullmatch(container_id):
        raise CNIError(INVALID_ENV, "invalid characters in containerID", container_id)


def _check_ifname(ifname: str) -> None:
    if len(ifname.encode()) > _MAX_IFNAME:
        raise CNIError(INVALID_ENV, "interface name is too long", f"interface name should be less than {_MAX_IFNAME + 1} characters")
    if ifname in (".", ".."):
        raise CNIError(INVALID_ENV, "interface name is . or ..")
    if any(c in "/:" or c.isspace() for c in ifname):
        raise CNIError(INVALID_ENV, "interface name contains / or : or whitespace characters")


def check_name(conf: Any) -> str:
    """skel's ``validateConfig``: the configuration is a JSON object with a valid network ``name`` (code 7)."""
    name = conf.get("name") if type(conf) is dict else None
    if name is None or name == "":
        raise CNIError(INVALID_CONFIG, "missing network name")
    if type(name) is not str:
        raise CNIError(DECODING_FAILURE, f"error unmarshall network config: name is a {type(name).__name__}, not a string")
    if not _NAME.fullmatch(name):
        raise CNIError(INVALID_CONFIG, "invalid characters found in network name", name)
    return name


# -- versions ---------------------------------------------------------------------------
def version_tuple(version: str) -> tuple[int, int, int]:
    """``"1.0.0"`` -> ``(1, 0, 0)``; anything else -> code 6 (as the runtime's version decoder)."""
    m = _VERSION.fullmatch(version)
    if m is None:
        raise CNIError(DECODING_FAILURE, f"unable to parse CNI version {version!r}")
    return int(m[1]), int(m[2]), int(m[3])


def check_version(conf: dict[str, Any], command: str) -> str:
    """The configuration's ``cniVersion`` (default ``0.1.0``), which this plugin must support for ``command``."""
    version = conf.get("cniVersion", "")
    if type(version) is not str:
        raise CNIError(DECODING_FAILURE, "cniVersion must be a string")
    version = version or "0.1.0"
    wanted = version_tuple(version)
    minimum = {"CHECK": "0.4.0", "GC": "1.1.0", "STATUS": "1.1.0"}.get(command)
    if minimum is not None and wanted < version_tuple(minimum):
        raise CNIError(INCOMPATIBLE_VERSION, f"config version does not allow {command}")
    if version not in SUPPORTED_VERSIONS:
        supported = " ".join(f'"{v}"' for v in SUPPORTED_VERSIONS)
        raise CNIError(INCOMPATIBLE_VERSION, "incompatible CNI versions", f'config is "{version}", plugin supports [{supported}]')
    return version


# -- the ipam section ---------------------------------------------------------------------
class Range(NamedTuple):
    """One host-local range, canonical: every field set, ``start..end`` inclusive inside ``subnet``."""

    subnet: IPNet
    start: IP
    end: IP
    gateway: IP

    def holds(self, ip: IP) -> bool:
        """host-local's ``Range.Contains``: inside the subnet and between start and end."""
        return ip in self.subnet and self.start <= ip <= self.end

    def __str__(self) -> str:
        return f"{self.start}-{self.end}"


class NetConf(NamedTuple):
    """What the plugin needs from the network configuration."""

    cni_version: str
    name: str
    range_sets: tuple[tuple[Range, ...], ...]
    routes: tuple[dict[str, Any], ...]
    data_dir: str
    resolv_conf: str
    store: str | None
    strategy: str
    node: str | None
    requested: tuple[IP, ...]
    valid_attachments: tuple[tuple[str, str], ...] | None
    """``cni.dev/valid-attachments`` (GC), None when the request has no such key."""
    prev_ips: tuple[IP, ...] | None
    """Addresses in ``prevResult.ips`` (CHECK), None without a ``prevResult``."""


def _bad(msg: str, details: str = "") -> CNIError:
    return CNIError(INVALID_CONFIG, msg, details)


def _ip(value: Any, what: str, *, cidr_ok: bool = False) -> IP:
    """An address as Go's ``net.ParseIP`` reads it (``pkg/ip.ParseIP`` also takes a CIDR when ``cidr_ok``);
    an IPv4-mapped IPv6 address is the IPv4 address, as every Go ``net.IP`` of 16 bytes that ``To4`` takes."""
    if type(value) is not str:
        raise _bad(f"{what}: expected an IP address string, got {_json_type(value)}")
    text = value.split("/", 1)[0] if cidr_ok else value
    if "%" in text:
        raise _bad(f"{what}: invalid IP address {value!r}")
    try:
        ip = IP(text)
        if cidr_ok and "/" in value:
            ipaddress.ip_interface(value)
    except ValueError:
        raise _bad(f"{what}: invalid IP address {value[:80]!r}") from None
    return ip.unmap()


def _json_type(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number"
    )


def _subnet(value: Any, what: str) -> IPNet:
    if type(value) is not str:
        raise _bad(f"{what}: subnet must be a CIDR string, got {_json_type(value)}")
    try:
        iface = ipaddress.ip_interface(value)
    except ValueError:
        raise _bad(f"{what}: invalid CIDR address: {value[:80]}") from None
    if "/" not in value or "%" in value:
        raise _bad(f"{what}: invalid CIDR address: {value[:80]}")
    net = iface.network
    if net.version == 6 and net.network_address.ipv4_mapped is not None:  # host-local: To4 makes the IP 4 bytes
        raise _bad(f"{what}: IPNet IP and Mask version mismatch ({value[:80]} is an IPv4 address with an IPv6 mask)")
    if net.max_prefixlen - net.prefixlen < 2:
        raise _bad(f"{what}: Network {net} too small to allocate from")
    if iface.ip != net.network_address:
        raise _bad(
            f"{what}: Network has host bits set. For a subnet mask of length {net.prefixlen} "
            f"the network address is {net.network_address}"
        )
    return IPNet(net)


def _range(raw: Any, what: str) -> Range:
    """host-local's ``Range.Canonicalize``."""
    if type(raw) is not dict:
        raise _bad(f"{what}: a range must be an object with a subnet, got {_json_type(raw)}")
    if raw.get("subnet") in (None, ""):
        raise _bad(f"{what}: a range needs a subnet")
    subnet = _subnet(raw["subnet"], what)
    first = subnet.first + 1
    gateway = first if raw.get("gateway") in (None, "") else _ip(raw["gateway"], f"{what}: gateway")
    start = first if raw.get("rangeStart") in (None, "") else _ip(raw["rangeStart"], f"{what}: rangeStart")
    given_end = None if raw.get("rangeEnd") in (None, "") else _ip(raw["rangeEnd"], f"{what}: rangeEnd")
    last = subnet.last - 1 if subnet.version == 4 else subnet.last

    def inside(ip: IP) -> bool:
        return ip.version == subnet.version and ip in subnet and start <= ip and (given_end is None or ip <= given_end)

    if not inside(start):
        raise _bad(f"{what}: RangeStart {start} not in network {subnet}")
    if given_end is not None and not inside(given_end):
        raise _bad(f"{what}: RangeEnd {given_end} not in network {subnet}")
    end = last if given_end is None else given_end
    if end < start:  # host-local leaves this unchecked (an empty range); say so instead
        raise _bad(f"{what}: rangeStart {start} is after the range's end {end}")
    return Range(subnet, start, end, gateway)


def _overlaps(a: Range, b: Range) -> bool:
    return a.start.version == b.start.version and (
        a.holds(b.start) or a.holds(b.end) or b.holds(a.start) or b.holds(a.end)
    )


def _range_set(raw: Any, index: int) -> tuple[Range, ...]:
    what = f"invalid range set {index}"
    if type(raw) is not list:
        raise _bad(f"{what}: a range set must be an array of ranges, got {_json_type(raw)}")
    if not raw:
        raise _bad(f"{what}: empty range set")
    ranges = tuple(_range(r, what) for r in raw)
    if len({r.start.version for r in ranges}) > 1:
        raise _bad(f"{what}: mixed address families")
    for i, a in enumerate(ranges):
        for b in ranges[i + 1 :]:
            if _overlaps(a, b):
                raise _bad(f"{what}: subnets {a} and {b} overlap")
    return ranges


def _go_quote(pair: str) -> str:
    """A ``CNI_ARGS`` pair as Go's ``%q`` shows it (shortened; every non-ASCII or control character escaped)."""
    return json.dumps(pair if len(pair) <= 80 else pair[:77] + "...")


def _env_ip(cni_args: str) -> IP | None:
    """The address ``CNI_ARGS`` requests, read as host-local reads it (the CNI library's ``LoadArgs``
    into ``IgnoreUnknown`` and ``IP``): ``;``-separated ``KEY=VALUE`` pairs, keys exact; the last
    ``IP`` wins (empty: none); any other key is an error unless ``IgnoreUnknown`` is true
    (``1`` / ``true`` / ``0`` / ``false``, any case; the last one counts), so a mistyped ``ip=``
    fails instead of silently getting another address. Same messages as host-local."""
    ip: IP | None = None
    ignore = False
    unknown: list[str] = []
    for pair in cni_args.split(";") if cni_args else ():
        kv = pair.split("=")
        if len(kv) != 2:
            raise CNIError(INVALID_CONFIG, f"ARGS: invalid pair {_go_quote(pair)}")
        key, value = kv
        if key == "IgnoreUnknown":
            flag = value.lower()
            if flag not in ("1", "true", "0", "false"):
                raise CNIError(INVALID_CONFIG, f"ARGS: error parsing value of pair {_go_quote(pair)}:"
                                               f" boolean unmarshal error: invalid input {_go_quote(flag)[1:-1]}")
            ignore = flag in ("1", "true")
        elif key == "IP":
            ip = _ip(value, "CNI_ARGS IP", cidr_ok=True) if value else None
        else:
            unknown.append(pair)
    if unknown and not ignore:
        raise CNIError(INVALID_CONFIG, f"ARGS: unknown args [{' '.join(map(_go_quote, unknown[:10]))}"
                                       f"{' ...' if len(unknown) > 10 else ''}]")
    return ip


def _requested(conf: dict[str, Any], cni_args: str) -> tuple[IP, ...]:
    """Requested addresses: ``CNI_ARGS`` ``IP=``, then ``args.cni.ips``, then ``runtimeConfig.ips``."""
    requested = _env_ip(cni_args)
    out: list[IP] = [] if requested is None else [requested]
    args = conf.get("args")
    cni = args.get("cni") if type(args) is dict else None
    for where, holder in (("args.cni.ips", cni), ("runtimeConfig.ips", conf.get("runtimeConfig"))):
        ips = holder.get("ips") if type(holder) is dict else None
        if ips is None:
            continue
        if type(ips) is not list:
            raise _bad(f"{where} must be an array of IP addresses")
        out.extend(_ip(v, where, cidr_ok=True) for v in ips)
    return tuple(out)


def _routes(raw: Any) -> tuple[dict[str, Any], ...]:
    """``ipam.routes`` as the result prints them: ``dst`` (CIDR, host bits kept, as Go does) and ``gw``."""
    if raw is None:
        return ()
    if type(raw) is not list:
        raise _bad("ipam.routes must be an array of routes")
    out = []
    for i, route in enumerate(raw):
        if type(route) is not dict or type(route.get("dst")) is not str:
            raise _bad(f"ipam.routes[{i}] needs a dst (a CIDR string)")
        try:
            dst = ipaddress.ip_interface(route["dst"])
        except ValueError:
            raise _bad(f"ipam.routes[{i}]: invalid CIDR address: {route['dst'][:80]}") from None
        item: dict[str, Any] = {"dst": f"{dst.ip}/{dst.network.prefixlen}"}
        if route.get("gw") not in (None, ""):
            item["gw"] = str(_ip(route["gw"], f"ipam.routes[{i}].gw"))
        for key in ("mtu", "advmss", "priority", "table", "scope"):
            value = route.get(key)
            if value is not None:
                if type(value) is not int or value < 0:
                    raise _bad(f"ipam.routes[{i}].{key} must be a non-negative integer")
                if value or key in ("table", "scope"):
                    item[key] = value
        out.append(item)
    return tuple(out)


def _opt_str(ipam: dict[str, Any], key: str) -> str | None:
    value = ipam.get(key)
    if value is None or value == "":
        return None
    if type(value) is not str:
        raise _bad(f"ipam.{key} must be a string")
    return value


_ATTACHMENT_KEYS = ("cni.dev/valid-attachments", "cni.dev/attachments")  # libcni sends both (the spec's first name)


def _attachments(conf: dict[str, Any]) -> tuple[tuple[str, str], ...] | None:
    """The attachments a ``GC`` keeps; None when the request names none at all (no key: a ``GC``
    refuses it rather than release everything), ``()`` for an empty list or ``null`` (what libcni
    sends for a node without containers)."""
    key = next((k for k in _ATTACHMENT_KEYS if k in conf), None)
    if key is None:
        return None
    raw = conf[key]
    if raw is None:
        return ()
    if type(raw) is not list:
        raise _bad(f"{key} must be an array")
    out = []
    for item in raw:
        if type(item) is not dict or type(item.get("containerID")) is not str or type(item.get("ifname")) is not str:
            raise _bad(f"{key} entries must be objects with string containerID and ifname")
        out.append((item["containerID"], item["ifname"]))
    return tuple(out)


def _prev_ips(conf: dict[str, Any]) -> tuple[IP, ...] | None:
    prev = conf.get("prevResult")
    if type(prev) is not dict:
        return None
    ips = prev.get("ips") or []
    if type(ips) is not list:
        raise _bad("prevResult.ips must be an array")
    out = []
    for item in ips:
        if type(item) is not dict:
            raise _bad("prevResult.ips entries must be objects")
        out.append(_ip(item.get("address"), "prevResult.ips address", cidr_ok=True))
    return tuple(out)


def parse_netconf(conf: dict[str, Any], name: str, version: str, cni_args: str = "") -> NetConf:
    """host-local's ``LoadIPAMConfig`` plus netx-ipam's keys; anything invalid -> ``CNIError`` code 7."""
    ipam = conf.get("ipam")
    if ipam is None:
        raise _bad("IPAM config missing 'ipam' key")
    if type(ipam) is not dict:
        raise _bad("ipam must be an object")
    requested = _requested(conf, cni_args)

    raw_sets: list[Any] = []
    runtime = conf.get("runtimeConfig")
    if type(runtime) is dict and runtime.get("ipRanges"):
        if type(runtime["ipRanges"]) is not list:
            raise _bad("runtimeConfig.ipRanges must be an array of range sets")
        raw_sets.extend(runtime["ipRanges"])
    if ipam.get("subnet") not in (None, ""):  # the legacy single range
        raw_sets.append([{k: ipam.get(k) for k in ("subnet", "rangeStart", "rangeEnd", "gateway")}])
    ranges = ipam.get("ranges")
    if ranges is not None:
        if type(ranges) is not list:
            raise _bad("ipam.ranges must be an array of range sets")
        raw_sets.extend(ranges)
    if not raw_sets:
        raise _bad("no IP ranges specified")
    sets = tuple(_range_set(raw, i) for i, raw in enumerate(raw_sets))
    for i, a in enumerate(sets):
        for j in range(i + 1, len(sets)):
            if any(_overlaps(x, y) for x in a for y in sets[j]):
                raise _bad(f"range set {i} overlaps with {j}")

    if version_tuple(version) < (0, 3, 0):
        families = [ranges[0].start.version for ranges in sets]
        if families.count(4) > 1 or families.count(6) > 1:
            raise _bad(f"CNI version {version} does not support more than 1 address per family")

    strategy = _opt_str(ipam, "strategy") or "round_robin"
    if strategy not in ("lowest", "round_robin", "random"):
        raise _bad(f"unknown ipam.strategy {strategy[:80]!r}: expected lowest, round_robin or random")
    node = _opt_str(ipam, "node")
    if node is not None and ("/" in node or len(node) > 253):
        raise _bad(f"ipam.node {node[:80]!r} must be a host name (no '/')")
    return NetConf(
        cni_version=version,
        name=name,
        range_sets=sets,
        routes=_routes(ipam.get("routes")),
        data_dir=_opt_str(ipam, "dataDir") or DEFAULT_DATA_DIR,
        resolv_conf=_opt_str(ipam, "resolvConf") or "",
        store=_opt_str(ipam, "store"),
        strategy=strategy,
        node=node,
        requested=requested,
        valid_attachments=_attachments(conf),
        prev_ips=_prev_ips(conf),
    )

