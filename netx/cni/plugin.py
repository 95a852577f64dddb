"""``netx-ipam``: the CNI IPAM plugin's entry point (``ADD``, ``DEL``, ``CHECK``, ``GC``, ``STATUS``, ``VERSION``).

The runtime sets the CNI environment variables and pipes the network configuration on
stdin; the plugin prints a result (or an error result) as JSON on stdout and exits 0
(or 1). Checks run in the order of the reference ``skel`` package, so the same bad
input gets the same error code as from host-local; nothing ever prints a traceback.
"""

from __future__ import annotations

import os
import sys
from typing import IO, TYPE_CHECKING, Any, Mapping, Sequence

from .config import LATEST, SUPPORTED_VERSIONS, Env, NetConf, check_name, check_version, parse_netconf, read_env, version_tuple
from .errors import (
    DECODING_FAILURE, INTERNAL, INVALID_CONFIG, INVALID_ENV, IO_FAILURE, NOT_AVAILABLE, TRY_AGAIN_LATER, CNIError,
)

if TYPE_CHECKING:
    from .._ip import IP
    from ._store import Network

__all__ = ["main", "run", "ABOUT"]

ABOUT = "CNI plugin netx-ipam (netx IPAM: SQLite or PostgreSQL store)"
MAX_INPUT = 16 << 20
"""Bytes of stdin read at most: a network configuration is a few kilobytes."""


def _dumps(obj: Any) -> str:
    """JSON as the reference plugins print it (Go's ``MarshalIndent``: four spaces, ``": "``).

    Stdlib ``json``, not orjson: importing orjson (it pulls in dataclasses, inspect, uuid)
    costs this short-lived process more than everything it prints.
    """
    import json

    return json.dumps(obj, indent=4)


def _parse_json(data: bytes) -> Any:
    import json

    try:
        return json.loads(data)
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError
        raise CNIError(DECODING_FAILURE, f"error unmarshall network config: {exc}") from None
    except RecursionError:
        raise CNIError(DECODING_FAILURE, "error unmarshall network config: nested too deeply") from None


def _resolv_conf(path: str) -> dict[str, Any]:
    """host-local's ``parseResolvConf``: nameserver, domain, search and options lines of a resolv.conf."""
    dns: dict[str, Any] = {}
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = f.read(1 << 20).splitlines()
    except OSError as exc:
        raise CNIError(IO_FAILURE, f"cannot read resolvConf {path!r}: {exc.strerror or exc}") from None
    for line in lines:
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        fields = line.split()
        if len(fields) < 2:
            continue
        if fields[0] == "nameserver":
            dns.setdefault("nameservers", []).append(fields[1])
        elif fields[0] == "domain":
            dns["domain"] = fields[1]
        elif fields[0] in ("search", "options"):
            dns.setdefault(fields[0], []).extend(fields[1:])
    return {k: dns[k] for k in ("nameservers", "domain", "search", "options") if k in dns}


def _result(conf: NetConf, ips: Sequence[IP]) -> dict[str, Any]:
    """The IPAM result of ``ADD`` in the config's version: ``ips`` (address as CIDR, gateway), ``routes``, ``dns``.

    1.x: as the spec; 0.3.x / 0.4.0: each IP also says its ``version``; 0.1.0 / 0.2.0:
    ``ip4`` / ``ip6`` objects holding ``ip``, ``gateway`` and the routes of their family.
    """
    version = version_tuple(conf.cni_version)
    pairs = []
    for ip, ranges in zip(ips, conf.range_sets):
        r = next((r for r in ranges if r.holds(ip)), ranges[0])
        pairs.append((ip, f"{ip}/{r.subnet.prefixlen}", str(r.gateway)))
    out: dict[str, Any] = {"cniVersion": conf.cni_version}
    if version < (0, 3, 0):
        for ip, address, gateway in pairs:
            block: dict[str, Any] = {"ip": address, "gateway": gateway}
            routes = [dict(r) for r in conf.routes if (":" in r["dst"]) == (ip.version == 6)]
            if routes:
                block["routes"] = routes
            out[f"ip{ip.version}"] = block
    else:
        old = version < (1, 0, 0)
        out["ips"] = [
            {**({"version": str(ip.version)} if old else {}), "address": address, "gateway": gateway}
            for ip, address, gateway in pairs
        ]
        if conf.routes:
            out["routes"] = [dict(r) for r in conf.routes]
    out["dns"] = _resolv_conf(conf.resolv_conf) if conf.resolv_conf else {}
    return out


def _dispatch(env: Env, conf: NetConf, out: IO[str], err: IO[str]) -> None:
    from ._store import Network

    network = Network(conf)
    try:
        _command(network, env, conf, out, err)
    finally:
        network.close()


def _command(network: Network, env: Env, conf: NetConf, out: IO[str], err: IO[str]) -> None:
    command = env.command
    if command == "ADD":
        ips = network.add(network.owner(env.container_id, env.ifname), conf.requested)
        out.write(_dumps(_result(conf, ips)))
    elif command == "DEL":
        network.delete(network.owner(env.container_id, env.ifname))
    elif command == "CHECK":
        network.check(network.owner(env.container_id, env.ifname), conf.prev_ips)
    elif command == "GC":
        if conf.valid_attachments is None:  # a malformed request must not release every attachment
            raise CNIError(INVALID_CONFIG, "GC needs cni.dev/valid-attachments, the attachments to keep"
                                           " (an empty list keeps none); nothing was released")
        released = network.gc({network.owner(c, i) for c, i in conf.valid_attachments})
        for ip, owner in released:  # stderr is the runtime's log
            err.write(f"netx-ipam: GC released {ip} of {owner}\n")
    elif command == "STATUS":
        full = network.exhausted()
        if full:
            sets = ", ".join(str(i) for i in full)
            raise CNIError(NOT_AVAILABLE, f"no free address left in range set {sets} of network {conf.name!r}")


def _translate(exc: BaseException, command: str) -> CNIError:
    """An exception from below as a CNI error (the store's outages are transient: code 11, or 50 for STATUS)."""
    from ..ipam import IPAMError, PoolNotFound, StoreError

    from .._errors import Error

    if isinstance(exc, (StoreError, PoolNotFound)):
        code = NOT_AVAILABLE if command == "STATUS" else TRY_AGAIN_LATER
        return CNIError(code, f"netx-ipam: IPAM store unavailable: {exc}", type(exc).__name__)
    if isinstance(exc, IPAMError):
        return CNIError(INVALID_CONFIG, f"netx-ipam: {exc}", type(exc).__name__)
    if isinstance(exc, Error):
        return CNIError(INTERNAL, f"netx-ipam: {exc}", type(exc).__name__)
    if isinstance(exc, OSError):
        return CNIError(IO_FAILURE, f"netx-ipam: {exc}", type(exc).__name__)
    return CNIError(INTERNAL, f"netx-ipam: internal error: {exc}", type(exc).__name__)


def run(environ: Mapping[str, str], stdin: IO[bytes], out: IO[str], err: IO[str]) -> int:
    """One plugin invocation; returns the exit status (0 success, 1 error result printed)."""
    version = LATEST
    command = environ.get("CNI_COMMAND", "")
    try:
        try:
            env = read_env(environ)
        except CNIError as exc:
            if exc.code == INVALID_ENV and not command:  # run by hand: say what this is (as skel does)
                err.write(f"{ABOUT}\nCNI protocol versions supported: {', '.join(SUPPORTED_VERSIONS)}\n")
                return 0
            raise
        if command == "VERSION":
            data = b"" if stdin.isatty() else stdin.read(MAX_INPUT)
            asked = None
            try:
                asked = _parse_json(data).get("cniVersion") if data.strip() else None
            except (CNIError, AttributeError):
                pass
            version = asked if isinstance(asked, str) and asked else LATEST
            out.write(_dumps({"cniVersion": version, "supportedVersions": list(SUPPORTED_VERSIONS)}))
            return 0
        try:
            data = stdin.read(MAX_INPUT + 1)
        except OSError as exc:
            raise CNIError(IO_FAILURE, f"error reading from stdin: {exc}") from None
        if len(data) > MAX_INPUT:
            raise CNIError(DECODING_FAILURE, f"error unmarshall network config: more than {MAX_INPUT} bytes")
        raw = _parse_json(data)
        if type(raw) is not dict:
            raise CNIError(DECODING_FAILURE, "error unmarshall network config: not a JSON object")
        name = check_name(raw)
        if command not in ("ADD", "DEL", "CHECK", "GC", "STATUS"):
            raise CNIError(INVALID_ENV, f"unknown CNI_COMMAND: {command[:80]}")
        if isinstance(raw.get("cniVersion"), str) and raw["cniVersion"]:
            version = raw["cniVersion"]
        version = check_version(raw, command)
        conf = parse_netconf(raw, name, version, env.args)
        _dispatch(env, conf, out, err)
        return 0
    except CNIError as exc:
        failure = exc
    except Exception as exc:  # noqa: BLE001 - never a traceback: every failure is a CNI error result
        failure = _translate(exc, command)
    out.write(_dumps(failure.to_dict(version)))
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    """The console script ``netx-ipam`` (and ``python -m netx.cni``)."""
    del argv  # CNI passes everything in the environment and on stdin
    out = sys.stdout
    status = run(os.environ, sys.stdin.buffer, out, sys.stderr)
    try:
        out.flush()
    except OSError:
        status = status or 1
    return status
