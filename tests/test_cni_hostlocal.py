"""netx-ipam is a drop-in for host-local: the same config and the same ADD/DEL sequence give the same results.

Side by side with the real ``/usr/lib/cni/host-local`` (Debian's containernetworking-plugins;
``.ci/run`` installs it): random configurations (single and split ranges, several subnets
in a set, also listed out of address order, dual stack, two sets of one family, the legacy
single range, gateways inside a range, IPv6 defaults) and random sequences of ADD (sometimes with a requested ``IP=``),
DEL (also of unknown attachments) and CHECK, compared call by call: exit status and the
whole result JSON. Bounded: a fixed number of sequences of a fixed length.
"""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Any

import pytest

from _cni import HOST_LOCAL, env, host_local, invoke, netconf, spawn

if not os.access(HOST_LOCAL, os.X_OK):  # .ci/run installs it; elsewhere say why
    if os.environ.get("CI"):
        pytest.fail(f"{HOST_LOCAL} is required in CI (apt-get install containernetworking-plugins)", pytrace=False)
    pytest.skip(f"{HOST_LOCAL} is not installed (apt-get install containernetworking-plugins)", allow_module_level=True)

SEQUENCES = 20
STEPS = 24


def _v4_range(rng: random.Random, base: str, prefix: int) -> dict[str, Any]:
    """A range of a small IPv4 subnet, with or without rangeStart/rangeEnd/gateway."""
    r: dict[str, Any] = {"subnet": f"{base}/{prefix}"}
    a, b, c, d = (int(x) for x in base.split("."))
    size = 2 ** (32 - prefix)
    host = lambda i: f"{a}.{b}.{c}.{d + i}"  # noqa: E731
    if rng.random() < 0.4:
        r["rangeStart"] = host(rng.randrange(1, size // 2))
    if rng.random() < 0.4:
        r["rangeEnd"] = host(rng.randrange(size // 2, size - 1))
    if rng.random() < 0.35:  # a gateway anywhere in the subnet (inside the range is skipped)
        r["gateway"] = host(rng.randrange(1, size - 1))
    return r


def _v6_range(rng: random.Random, base: str) -> dict[str, Any]:
    r: dict[str, Any] = {"subnet": f"{base}/125"}
    if rng.random() < 0.4:
        r["rangeStart"] = base + str(rng.randrange(0, 3))
    if rng.random() < 0.4:
        r["rangeEnd"] = base + str(rng.randrange(5, 8))
    if rng.random() < 0.3:
        r["gateway"] = base + str(rng.randrange(0, 8))
    return r


def random_ipam(rng: random.Random) -> dict[str, Any]:
    kind = rng.choice(["single", "split", "two-subnets", "dual", "two-sets", "legacy", "v6"])
    prefix = rng.choice([28, 29])
    ipam: dict[str, Any] = {"type": "host-local"}
    if kind == "single":
        ipam["ranges"] = [[_v4_range(rng, "10.1.0.0", prefix)]]
    elif kind == "split":  # two ranges of one subnet, ascending
        ipam["ranges"] = [[
            {"subnet": "10.2.0.0/27", "rangeStart": "10.2.0.2", "rangeEnd": f"10.2.0.{rng.randrange(3, 7)}"},
            {"subnet": "10.2.0.0/27", "rangeStart": f"10.2.0.{rng.randrange(9, 12)}", "rangeEnd": "10.2.0.14",
             **({"gateway": "10.2.0.12"} if rng.random() < 0.5 else {})},
        ]]
    elif kind == "two-subnets":
        ipam["ranges"] = [[_v4_range(rng, "10.3.0.0", 29), _v4_range(rng, "10.3.0.16", prefix)]]
    elif kind == "dual":
        ipam["ranges"] = [[_v4_range(rng, "10.4.0.0", prefix)], [_v6_range(rng, "fd00:4::")]]
    elif kind == "two-sets":
        ipam["ranges"] = [[_v4_range(rng, "10.5.0.0", 29)], [_v4_range(rng, "10.5.1.0", prefix)]]
    elif kind == "legacy":
        ipam.update(_v4_range(rng, "10.6.0.0", prefix))
    else:
        ipam["ranges"] = [[_v6_range(rng, "fd00:7::"), _v6_range(rng, "fd00:7::1:")]]
    if rng.random() < 0.5:
        ipam["routes"] = [{"dst": "0.0.0.0/0"}, {"dst": "192.168.0.0/16", "gw": "10.1.0.1"}][: rng.randrange(1, 3)]
    if "ranges" in ipam and rng.random() < 0.3:  # a set's ranges listed out of address order: walked as listed
        for ranges in ipam["ranges"]:
            rng.shuffle(ranges)
    return ipam


def _some_address(ipam: dict[str, Any], rng: random.Random) -> str:
    """An address of the first range (maybe the gateway, maybe taken): a requested IP."""
    first = ipam["ranges"][0][0] if "ranges" in ipam else ipam
    net, _, prefix = first["subnet"].partition("/")
    if ":" in net:
        return net + str(rng.randrange(0, 8))
    a, b, c, d = (int(x) for x in net.split("."))
    return f"{a}.{b}.{c}.{d + rng.randrange(1, 2 ** (32 - int(prefix)) - 1)}"


def _configs(ipam: dict[str, Any], version: str, tmp: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    ref = netconf({**ipam, "dataDir": str(tmp / "host-local")}, version=version)
    ours = netconf({**ipam, "type": "netx-ipam", "dataDir": str(tmp / "netx")}, version=version)
    return ref, ours


def _same(what: str, ref: tuple[int, Any], ours: tuple[int, Any]) -> None:
    assert (ref[0] == 0) == (ours[0] == 0), f"{what}: host-local {ref}, netx-ipam {ours}"
    if ref[0] == 0:
        assert ours[1] == ref[1], f"{what}: host-local {ref[1]}, netx-ipam {ours[1]}"
    else:
        assert ours[1]["code"] and ours[1]["msg"], ours


def run_sequence(seed: int, tmp: Path, steps: int, ours_run: Any = invoke) -> list[str]:
    """One random config and ADD/DEL/CHECK sequence through both plugins; the log of what ran."""
    rng = random.Random(seed)
    ipam = random_ipam(rng)
    version = rng.choice(["0.2.0", "0.3.1", "0.4.0", "1.0.0"])
    ref_conf, our_conf = _configs(ipam, version, tmp)
    live: list[tuple[str, str]] = []
    log = [f"ipam={ipam} version={version}"]
    serial = 0
    for step in range(steps):
        roll = rng.random()
        extra: dict[str, str] = {}
        if roll < 0.55 or not live:
            serial += 1
            ifname = "eth1" if live and rng.random() < 0.15 else "eth0"
            cid = live[-1][0] if ifname == "eth1" and all(a != (live[-1][0], "eth1") for a in live) else f"c{serial}"
            if (cid, ifname) in live:
                cid, ifname = f"c{serial}", "eth0"
            if rng.random() < 0.12:
                extra["CNI_ARGS"] = f"IP={_some_address(ipam, rng)}"
            command, attachment = "ADD", (cid, ifname)
        elif roll < 0.85:
            command, attachment = "DEL", live[rng.randrange(len(live))]
        elif roll < 0.92:
            command, attachment = "DEL", (f"gone{step}", "eth0")
        else:
            command, attachment = ("CHECK" if version >= "0.4.0" else "DEL"), live[rng.randrange(len(live))]
        e = env(command, *attachment, **extra)
        log.append(f"{command} {attachment} {extra}")
        ref = host_local(e, ref_conf)
        ours = ours_run(e, our_conf)
        _same(f"seed {seed} step {step} ({'; '.join(log)})", ref, ours)
        if command == "ADD" and ref[0] == 0:
            live.append(attachment)
        elif command == "DEL" and attachment in live:
            live.remove(attachment)
    return log


@pytest.mark.parametrize("seed", range(SEQUENCES))
def test_same_addresses_as_host_local(seed: int, tmp_path: Path) -> None:
    run_sequence(seed, tmp_path, STEPS)


def test_same_addresses_as_host_local_as_real_processes(tmp_path: Path) -> None:
    """The installed console script, each call its own process, against host-local."""
    run_sequence(1000, tmp_path, 14, ours_run=spawn)


def test_round_robin_after_del_continues_past_the_last_address(tmp_path: Path) -> None:
    """host-local's round robin: a freed address is handed out again only after the range wrapped."""
    ipam = {"type": "host-local", "ranges": [[{"subnet": "10.9.0.0/29"}, {"subnet": "10.9.0.16/30"}]]}
    ref_conf, our_conf = _configs(ipam, "1.0.0", tmp_path)
    got = []
    for step, (command, cid) in enumerate(
        [("ADD", "a"), ("ADD", "b"), ("DEL", "a"), ("ADD", "c"), ("ADD", "d"), ("ADD", "e"), ("ADD", "f"),
         ("DEL", "c"), ("ADD", "g"), ("ADD", "h"), ("ADD", "i"), ("ADD", "j")]
    ):
        ref, ours = host_local(env(command, cid), ref_conf), invoke(env(command, cid), our_conf)
        _same(f"step {step}", ref, ours)
        if command == "ADD" and ref[0] == 0:
            got.append(ref[1]["ips"][0]["address"])
    # .1 (the gateway) and .17 (the second subnet's gateway) skipped; .2 only after wrapping
    assert got[:7] == ["10.9.0.2/29", "10.9.0.3/29", "10.9.0.4/29", "10.9.0.5/29", "10.9.0.6/29",
                       "10.9.0.18/30", "10.9.0.2/29"]


def test_round_robin_walks_a_set_in_config_order(tmp_path: Path) -> None:
    """host-local walks a range set in the order the config lists it, not in address order."""
    ipam = {"type": "host-local", "ranges": [
        [{"subnet": "10.9.0.16/30"}, {"subnet": "10.9.0.0/29", "rangeStart": "10.9.0.5"}, {"subnet": "10.9.0.32/30"}],
        [{"subnet": "fd00:9::10/126"}, {"subnet": "fd00:9::/126"}],
    ]}
    ref_conf, our_conf = _configs(ipam, "1.0.0", tmp_path)
    for step, (command, cid) in enumerate(
        [("ADD", "a"), ("ADD", "b"), ("ADD", "c"), ("DEL", "a"), ("ADD", "d"), ("ADD", "e"), ("DEL", "c"),
         ("ADD", "f"), ("ADD", "g")]
    ):
        _same(f"step {step}", host_local(env(command, cid), ref_conf), invoke(env(command, cid), our_conf))


def test_ipv4_mapped_addresses_are_ipv4(tmp_path: Path) -> None:
    """Go's net.IP: ::ffff:10.9.0.5 is the IPv4 address 10.9.0.5, in a range's bounds, gateway and a requested IP."""
    ipam = {"type": "host-local", "ranges": [[{"subnet": "10.9.0.0/28", "rangeStart": "::ffff:10.9.0.5",
                                                "rangeEnd": "::ffff:10.9.0.9", "gateway": "::ffff:10.9.0.6"}]],
            "routes": [{"dst": "0.0.0.0/0", "gw": "::ffff:10.9.0.6"}]}
    ref_conf, our_conf = _configs(ipam, "1.0.0", tmp_path)
    for step, (command, cid, args) in enumerate(
        [("ADD", "a", ""), ("ADD", "b", "IP=::ffff:10.9.0.9"), ("ADD", "c", "IP=::ffff:10.9.0.8/28"), ("ADD", "d", "")]
    ):
        e = env(command, cid, CNI_ARGS=args or None)
        _same(f"step {step}", host_local(e, ref_conf), invoke(e, our_conf))


@pytest.mark.parametrize(
    "environ, conf",
    [
        ({"CNI_COMMAND": "ADD", "CNI_CONTAINERID": "c1", "CNI_IFNAME": "eth0", "CNI_PATH": "/x"}, None),
        ({"CNI_COMMAND": "DEL", "CNI_NETNS": "/x", "CNI_PATH": "/x"}, None),
        (env("ADD", container="bad id"), None),
        (env("ADD", ifname="a/b"), None),
        (env("ADD", ifname="x" * 16), None),
        (env("ADD", ifname=".."), None),
        (env("FROB"), None),
        (env("ADD"), b"{not json"),
        (env("ADD"), b"[1, 2]"),
        (env("ADD"), {"cniVersion": "1.0.0", "ipam": {}}),
        (env("ADD"), {"cniVersion": "1.0.0", "name": "bad name!", "ipam": {}}),
        (env("ADD"), {"cniVersion": "9.9.9", "name": "n", "ipam": {"ranges": [[{"subnet": "10.0.0.0/24"}]]}}),
        (env("CHECK"), {"cniVersion": "0.3.1", "name": "n", "ipam": {"ranges": [[{"subnet": "10.0.0.0/24"}]]}}),
    ],
)
def test_same_error_codes_as_host_local(environ: dict[str, str], conf: Any, tmp_path: Path) -> None:
    """Environment and input errors: the same code (and, where it comes from skel, the same message)."""
    if conf is None:
        conf = netconf({"type": "host-local", "ranges": [[{"subnet": "10.0.0.0/24"}]]})
    if isinstance(conf, dict) and isinstance(conf.get("ipam"), dict):
        conf["ipam"]["dataDir"] = str(tmp_path)
    ref, ours = host_local(environ, conf), invoke(environ, conf)
    assert ref[0] != 0 and ours[0] != 0
    assert ours[1]["code"] == ref[1]["code"], (ref, ours)
    if ref[1]["code"] in (1, 4) or ref[1]["msg"] in ("missing network name",):
        assert ours[1]["msg"] == ref[1]["msg"]
        assert ours[1].get("details", "") == ref[1].get("details", "").replace('"1.0.0"]', '"1.0.0" "1.1.0"]')


@pytest.mark.parametrize(
    "ipam",
    [
        {"ranges": [[{"subnet": "10.0.0.0/31"}]]},
        {"ranges": [[{"subnet": "10.0.0.1/24"}]]},
        {"ranges": [[{"subnet": "10.0.0.0/24", "rangeStart": "10.0.1.1"}]]},
        {"ranges": [[{"subnet": "10.0.0.0/24", "rangeEnd": "10.0.1.1"}]]},
        {"ranges": [[{"subnet": "10.0.0.0/24"}, {"subnet": "fd00::/64"}]]},
        {"ranges": [[{"subnet": "10.0.0.0/24"}, {"subnet": "10.0.0.0/25"}]]},
        {"ranges": [[{"subnet": "10.0.0.0/24"}], [{"subnet": "10.0.0.128/25"}]]},
        {"ranges": []},
        {"ranges": [[]]},
        {},
        {"ranges": [[{"subnet": "nonsense"}]]},
        {"ranges": [[{"subnet": "10.0.0.0/24", "gateway": "10.0.0.300"}]]},
        {"ranges": [[{"subnet": "::ffff:10.0.0.0/120"}]]},  # an IPv4 address with an IPv6 mask
    ],
)
def test_invalid_configs_fail_like_host_local(ipam: dict[str, Any], tmp_path: Path) -> None:
    """host-local rejects these (code 999, plain errors); netx-ipam rejects them as invalid config, code 7."""
    conf = netconf({"type": "host-local", "dataDir": str(tmp_path), **ipam})
    ref, ours = host_local(env("ADD"), conf), invoke(env("ADD"), conf)
    assert ref[0] != 0, ref
    assert ours[0] == 1 and ours[1]["code"] == 7, ours


@pytest.mark.parametrize(
    "ipam, top",
    [
        ({"ranges": [[{"subnet": "10.10.0.0/16"}], [{"subnet": "fd00:10::/64"}]],
          "routes": [{"dst": "0.0.0.0/0"}, {"dst": "::/0", "gw": "fd00:10::1"}, {"dst": "10.1.2.3/8"}]}, {}),
        ({"subnet": "10.11.0.0/24", "rangeStart": "10.11.0.100", "gateway": "10.11.0.254",
          "ranges": [[{"subnet": "fd00:11::/120"}]]}, {}),
        ({"ranges": [[{"subnet": "10.12.0.0/24"}]]},
         {"runtimeConfig": {"ipRanges": [[{"subnet": "10.13.0.0/28"}]], "ips": ["10.12.0.77/24"]}}),
        ({"ranges": [[{"subnet": "10.14.0.0/24"}], [{"subnet": "fd00:14::/64"}]]},
         {"args": {"cni": {"ips": ["fd00:14::99", "10.14.0.99"]}}}),
        ({"ranges": [[{"subnet": "10.15.0.0/30"}]]}, {}),
        ({"ranges": [[{"subnet": "fd00:16::/126"}]]}, {}),
    ],
)
def test_more_configs_side_by_side(ipam: dict[str, Any], top: dict[str, Any], tmp_path: Path) -> None:
    """Capabilities (ipRanges, ips), args.cni.ips, the legacy range with ranges, IPv6 /64 defaults, tiny subnets."""
    resolv = tmp_path / "resolv.conf"
    resolv.write_text("nameserver 10.0.0.53\nsearch example.org\noptions ndots:2\n")
    ipam = {"type": "host-local", "resolvConf": str(resolv), **ipam}
    ref_conf, our_conf = _configs(ipam, "1.0.0", tmp_path)
    ref_conf.update(top)
    our_conf.update(top)
    for step, (command, cid) in enumerate(
        [("ADD", "a"), ("ADD", "b"), ("ADD", "c"), ("DEL", "b"), ("ADD", "d"), ("ADD", "e"), ("DEL", "a"), ("ADD", "f")]
    ):
        _same(f"{ipam} {top} step {step}", host_local(env(command, cid), ref_conf), invoke(env(command, cid), our_conf))


CNI_ARGS_CASES = [
    "ip=10.20.0.9",  # a mistyped key: an error, not silently another address
    "IgnoreUnknown=1;ip=10.20.0.9",
    "IgnoreUnknown=TRUE;K8S_POD_NAME=web;K8S_POD_NAMESPACE=default",  # what runtimes send
    "K8S_POD_NAME=web",
    "IgnoreUnknown=0;FOO=bar",
    "IgnoreUnknown=yes;FOO=1",
    "IgnoreUnknown=;FOO=1",
    "IgnoreUnknown=1;IgnoreUnknown=false;F=1",  # the last one counts
    "ip=x;FOO=y;IgnoreUnknown=0",
    "IP=",
    "IP=10.20.0.20;IP=10.20.0.21",  # the last IP wins
    "IP=10.20.0.50;IP=",
    "IP=10.20.0.30/16",
    "IgnoreUnknown=1;a=b=c",
    "IgnoreUnknown=1;x",
    ";",
    "IP=junk",
]


@pytest.mark.parametrize("args", CNI_ARGS_CASES)
def test_cni_args_read_like_host_local(args: str, tmp_path: Path) -> None:
    """``CNI_ARGS`` as the CNI library's ``LoadArgs`` reads it for host-local: the same address or a
    failure in both, and host-local's own message for the malformed and unknown pairs (netx-ipam's
    code is 7, invalid config, where host-local's plain Go error is 999)."""
    ref_conf, our_conf = _configs({"type": "host-local", "ranges": [[{"subnet": "10.20.0.0/16"}]]}, "1.0.0", tmp_path)
    for command in ("ADD", "DEL"):
        e = env(command, "c1", CNI_ARGS=args)
        ref, ours = host_local(e, ref_conf), invoke(e, our_conf)
        _same(f"{command} {args!r}", ref, ours)
        if ref[0] != 0:
            assert ours[1]["code"] == 7, ours
            if not ref[1]["msg"].startswith('ARGS: error parsing value of pair "IP='):
                assert ours[1]["msg"] == ref[1]["msg"], (ref, ours)
