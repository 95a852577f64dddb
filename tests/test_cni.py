"""netx-ipam's CNI protocol: ADD/DEL/CHECK/GC/STATUS/VERSION, error results, stores, config changes.

Most tests run the plugin's entry point in this process (``_cni.invoke``: the exact code of
the console script with the environment and stdin given); ``test_cni_processes.py`` runs it
as real processes, ``test_cni_hostlocal.py`` side by side with host-local.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

import pytest

import netx.ipam as ipam
from netx import IP

from _cni import env, invoke, netconf, spawn


def _conf(tmp: Path, *sets: list[dict[str, Any]], version: str = "1.1.0", **ipam_keys: Any) -> dict[str, Any]:
    ranges = list(sets) or [[{"subnet": "10.22.0.0/29"}]]
    return netconf({"type": "netx-ipam", "dataDir": str(tmp), "ranges": ranges, **ipam_keys}, version=version)


def _ips(result: tuple[int, Any]) -> list[str]:
    status, body = result
    assert status == 0, body
    return [entry["address"] for entry in body["ips"]]


def _gc(conf: dict[str, Any], *attachments: tuple[str, str]) -> tuple[int, Any]:
    valid = [{"containerID": c, "ifname": i} for c, i in attachments]
    return invoke(env("GC", container="", ifname="", CNI_NETNS=""), {**conf, "cni.dev/valid-attachments": valid})


# -- the lifecycle ---------------------------------------------------------------------------
def test_add_prints_the_spec_result(tmp_path: Path) -> None:
    conf = _conf(tmp_path, [{"subnet": "10.22.0.0/24"}], [{"subnet": "fd00:22::/64"}], routes=[{"dst": "0.0.0.0/0"}])
    status, body = invoke(env("ADD"), conf)
    assert status == 0
    assert body == {
        "cniVersion": "1.1.0",
        "ips": [{"address": "10.22.0.2/24", "gateway": "10.22.0.1"}, {"address": "fd00:22::2/64", "gateway": "fd00:22::1"}],
        "routes": [{"dst": "0.0.0.0/0"}],
        "dns": {},
    }


def test_add_is_idempotent_per_attachment_and_del_too(tmp_path: Path) -> None:
    conf = _conf(tmp_path)
    first = _ips(invoke(env("ADD", "c1"), conf))
    assert _ips(invoke(env("ADD", "c1"), conf)) == first  # a retried ADD: the same address
    assert _ips(invoke(env("ADD", "c1", ifname="eth1"), conf)) == ["10.22.0.3/29"]  # another attachment
    assert invoke(env("CHECK", "c1"), conf) == (0, None)
    assert invoke(env("DEL", "c1", CNI_NETNS=""), conf) == (0, None)
    assert invoke(env("DEL", "c1"), conf) == (0, None)  # DEL is idempotent
    assert invoke(env("DEL", "never-added"), conf) == (0, None)
    status, body = invoke(env("CHECK", "c1"), conf)
    assert status == 1 and body["code"] == 101 and "c1/eth0" in body["msg"]
    assert invoke(env("CHECK", "c1", ifname="eth1"), conf) == (0, None)


def test_check_compares_with_the_previous_result(tmp_path: Path) -> None:
    conf = _conf(tmp_path)
    _ips(invoke(env("ADD"), conf))
    good = {**conf, "prevResult": {"cniVersion": "1.1.0", "ips": [{"address": "10.22.0.2/29"}]}}
    assert invoke(env("CHECK"), good) == (0, None)
    bad = {**conf, "prevResult": {"cniVersion": "1.1.0", "ips": [{"address": "10.22.0.5/29"}]}}
    status, body = invoke(env("CHECK"), bad)
    assert status == 1 and body["code"] == 101 and "10.22.0.5" in body["msg"]


def test_gc_releases_every_attachment_not_listed(tmp_path: Path) -> None:
    conf = _conf(tmp_path, [{"subnet": "10.22.0.0/24"}], [{"subnet": "fd00:22::/64"}])
    for cid in ("a", "b", "c"):
        _ips(invoke(env("ADD", cid), conf))
    _ips(invoke(env("ADD", "a", ifname="net1"), conf))
    assert _gc(conf, ("a", "eth0"), ("c", "eth0")) == (0, None)
    assert invoke(env("CHECK", "a"), conf)[0] == 0 and invoke(env("CHECK", "c"), conf)[0] == 0
    assert invoke(env("CHECK", "b"), conf)[0] == 1 and invoke(env("CHECK", "a", ifname="net1"), conf)[0] == 1
    with ipam.open(f"sqlite:///{tmp_path}/testnet/netx-ipam.db") as store:
        assert sorted(store.pools()) == ["testnet/0", "testnet/1"]
        assert sorted(o for _, o in store.pool("testnet/0").allocations()) == ["a/eth0", "c/eth0"]
        assert sorted(o for _, o in store.pool("testnet/1").allocations()) == ["a/eth0", "c/eth0"]
    assert _gc(conf) == (0, None)  # nothing valid: everything goes
    assert invoke(env("CHECK", "a"), conf)[0] == 1


def test_gc_logs_to_the_given_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``run(environ, stdin, out, err)`` writes its log of released attachments to ``err``, not the process's stderr."""
    import io

    from netx.cni.plugin import run

    conf = _conf(tmp_path, [{"subnet": "10.22.0.0/24"}])
    _ips(invoke(env("ADD", "a"), conf))
    out, err = io.StringIO(), io.StringIO()
    gc = {**conf, "cni.dev/valid-attachments": []}
    assert run(env("GC", container="", ifname="", CNI_NETNS=""), io.BytesIO(json.dumps(gc).encode()), out, err) == 0
    assert err.getvalue() == "netx-ipam: GC released 10.22.0.2 of a/eth0\n" and out.getvalue() == ""
    assert capsys.readouterr().err == ""


def test_gc_ignores_attachments_no_store_could_hold(tmp_path: Path) -> None:
    """A listed attachment whose owner string no store can hold (too long, a NUL) holds nothing: the GC goes on."""
    conf = _conf(tmp_path, [{"subnet": "10.22.0.0/24"}])
    for cid in ("a", "b"):
        _ips(invoke(env("ADD", cid), conf))
    assert _gc(conf, ("x" * 3000, "eth0"), ("a\x00", "eth0"), ("a", "eth0")) == (0, None)
    assert invoke(env("CHECK", "a"), conf)[0] == 0 and invoke(env("CHECK", "b"), conf)[0] == 1


def test_container_ids_of_any_length(tmp_path: Path) -> None:
    """host-local takes a container ID of any length; one too long for an owner string (1024 bytes on every
    store) was refused as an invalid config (code 7). Its owner is a digest of it: ADD, CHECK, GC, DEL work."""
    conf = _conf(tmp_path, [{"subnet": "10.22.0.0/24"}])
    long_id, other = "a" * 3000, "a" * 2999 + "b"
    assert _ips(invoke(env("ADD", long_id), conf)) == ["10.22.0.2/24"]
    assert _ips(invoke(env("ADD", long_id), conf)) == ["10.22.0.2/24"]  # idempotent: the same owner
    assert _ips(invoke(env("ADD", other), conf)) == ["10.22.0.3/24"]  # another ID, another owner
    assert invoke(env("CHECK", long_id), conf)[0] == 0
    assert _gc(conf, (long_id, "eth0")) == (0, None)
    assert invoke(env("CHECK", long_id), conf)[0] == 0 and invoke(env("CHECK", other), conf)[0] == 1
    assert invoke(env("DEL", long_id), conf) == (0, None)
    assert invoke(env("CHECK", long_id), conf)[0] == 1


def test_data_dir_names_with_url_characters_or_odd_bytes(tmp_path: Path) -> None:
    """The default store lies in dataDir whatever its name: '%', '#', '?' and a non-UTF-8 byte (a JSON
    '\\udcff') — the last was 'internal error: ... surrogates not allowed' (code 999)."""
    for i, name in enumerate(["a%41b", "c#d?e", "f\udcffg"]):
        conf = _conf(tmp_path / name, [{"subnet": "10.22.0.0/24"}])
        assert _ips(invoke(env("ADD", f"c{i}"), conf)) == ["10.22.0.2/24"], name
        assert (tmp_path / name / "testnet" / "netx-ipam.db").exists()


def test_gc_leaves_other_nodes_and_other_owners_alone(tmp_path: Path) -> None:
    """On a shared store each node's GC only touches its own attachments; non-CNI owners are never GC'd."""
    url = f"sqlite:///{tmp_path}/shared.db"
    node_a, node_b = (_conf(tmp_path, store=url, node=n) for n in ("node-a", "node-b"))
    assert _ips(invoke(env("ADD", "x"), node_a)) == ["10.22.0.2/29"]
    assert _ips(invoke(env("ADD", "y"), node_b)) == ["10.22.0.3/29"]
    with ipam.open(url) as store:
        store.pool("testnet/0").allocate("operator hold", ip="10.22.0.6")
    assert _gc(node_a) == (0, None)
    with ipam.open(url) as store:
        assert sorted((str(ip), o) for ip, o in store.pool("testnet/0").allocations()) == [
            ("10.22.0.3", "node-b/y/eth0"), ("10.22.0.6", "operator hold")]


def test_status_reports_exhaustion_with_code_50(tmp_path: Path) -> None:
    conf = _conf(tmp_path, [{"subnet": "10.22.0.0/29", "rangeStart": "10.22.0.2", "rangeEnd": "10.22.0.3"}])
    status_env = env("STATUS", container="", ifname="", CNI_NETNS="")
    assert invoke(status_env, conf) == (0, None)
    _ips(invoke(env("ADD", "a"), conf))
    _ips(invoke(env("ADD", "b"), conf))
    status, body = invoke(status_env, conf)
    assert status == 1 and body["code"] == 50 and body["cniVersion"] == "1.1.0"
    status, body = invoke(env("ADD", "c"), conf)
    assert status == 1 and body["code"] == 100 and "no IP addresses available" in body["msg"]
    invoke(env("DEL", "a"), conf)
    assert invoke(status_env, conf) == (0, None)


def test_gc_and_status_need_cni_1_1(tmp_path: Path) -> None:
    conf = _conf(tmp_path, version="1.0.0")
    for command in ("GC", "STATUS"):
        status, body = invoke(env(command), conf)
        assert status == 1 and body["code"] == 1 and command in body["msg"]


def test_a_failed_add_takes_nothing(tmp_path: Path) -> None:
    """Dual stack with the IPv6 set full: the IPv4 address taken first is given back."""
    conf = _conf(tmp_path, [{"subnet": "10.22.0.0/24"}], [{"subnet": "fd00::/120", "rangeStart": "fd00::5", "rangeEnd": "fd00::5"}])
    _ips(invoke(env("ADD", "a"), conf))
    status, body = invoke(env("ADD", "b"), conf)
    assert status == 1 and body["code"] == 100
    with ipam.open(f"sqlite:///{tmp_path}/testnet/netx-ipam.db") as store:
        assert [o for _, o in store.pool("testnet/0").allocations()] == ["a/eth0"]


def test_requested_addresses(tmp_path: Path) -> None:
    conf = _conf(tmp_path, [{"subnet": "10.22.0.0/24"}], [{"subnet": "fd00::/64"}])
    assert _ips(invoke(env("ADD", "a", CNI_ARGS="IgnoreUnknown=1;IP=10.22.0.77"), conf)) == ["10.22.0.77/24", "fd00::2/64"]
    with_caps = {**conf, "runtimeConfig": {"ips": ["10.22.0.9/24", "fd00::9"]}}
    assert _ips(invoke(env("ADD", "b"), with_caps)) == ["10.22.0.9/24", "fd00::9/64"]
    for requested, code in (("10.22.0.77", 102), ("10.22.0.1", 102), ("192.0.2.1", 102), ("nonsense", 7)):
        status, body = invoke(env("ADD", "c", CNI_ARGS=f"IP={requested}"), conf)
        assert status == 1 and body["code"] == code, (requested, body)
    # The failed ADDs moved the cursors on, as in host-local (192.0.2.1: .10 and ::a taken, then given back).
    assert _ips(invoke(env("ADD", "c"), conf)) == ["10.22.0.11/24", "fd00::b/64"]


def test_resolv_conf_becomes_the_dns_result(tmp_path: Path) -> None:
    resolv = tmp_path / "resolv.conf"
    resolv.write_text("# comment\nnameserver 10.0.0.53\nnameserver fd00::53\ndomain example.org\nsearch a.example b.example\noptions ndots:5\n")
    status, body = invoke(env("ADD"), _conf(tmp_path, resolvConf=str(resolv)))
    assert status == 0 and body["dns"] == {
        "nameservers": ["10.0.0.53", "fd00::53"], "domain": "example.org",
        "search": ["a.example", "b.example"], "options": ["ndots:5"],
    }
    status, body = invoke(env("ADD", "x"), _conf(tmp_path, resolvConf=str(tmp_path / "missing")))
    assert status == 1 and body["code"] == 5


def test_strategies_and_stores(tmp_path: Path, durable_url: str) -> None:
    conf = _conf(tmp_path, store=durable_url, strategy="lowest")
    assert [_ips(invoke(env("ADD", c), conf)) for c in "ab"] == [["10.22.0.2/29"], ["10.22.0.3/29"]]
    invoke(env("DEL", "a"), conf)
    assert _ips(invoke(env("ADD", "c"), conf)) == ["10.22.0.2/29"]  # lowest: the freed address first
    with ipam.open(durable_url) as store:
        assert store.pool("testnet/0").strategy == "lowest"


def test_a_changed_config_is_refused_while_addresses_are_in_use(tmp_path: Path) -> None:
    conf = _conf(tmp_path)
    _ips(invoke(env("ADD", "a"), conf))
    changed = _conf(tmp_path, [{"subnet": "10.23.0.0/29"}])
    status, body = invoke(env("ADD", "b"), changed)
    assert status == 1 and body["code"] == 7 and "changed" in body["msg"] and "10.23.0.1-10.23.0.6" in body["details"]
    assert invoke(env("DEL", "a"), changed) == (0, None)  # DEL still finds the old pool's address
    assert _ips(invoke(env("ADD", "b"), changed)) == ["10.23.0.2/29"]  # unused: replaced by the new ranges
    for key, value in (("strategy", "lowest"), ("gateway", "10.23.0.6")):  # the ranges are the same: say what is not
        other = _conf(tmp_path, [{"subnet": "10.23.0.0/29", **({"gateway": value} if key == "gateway" else {})}])
        if key == "strategy":
            other["ipam"]["strategy"] = value
        status, body = invoke(env("ADD", "c"), other)
        assert status == 1 and body["code"] == 7, body
        assert "strategy=round_robin" in body["details"] and f"{'strategy=lowest' if key == 'strategy' else 'reserve=10.23.0.6'}" \
            in body["details"], body["details"]


def test_version_command(tmp_path: Path) -> None:
    status, body = invoke({"CNI_COMMAND": "VERSION"}, {"cniVersion": "1.0.0"})
    assert status == 0 and body == {
        "cniVersion": "1.0.0", "supportedVersions": ["0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"]}
    assert invoke({"CNI_COMMAND": "VERSION"}, b"")[1]["cniVersion"] == "1.1.0"


def test_no_command_prints_what_it_is(tmp_path: Path) -> None:
    assert invoke({}, b"") == (0, None)


def test_store_outage_is_try_again_later(tmp_path: Path) -> None:
    conf = _conf(tmp_path, store="postgresql://nobody@127.0.0.1:1/none?connect_timeout=2&timeout=2")
    status, body = invoke(env("ADD"), conf)
    assert status == 1 and body["code"] == 11, body
    status, body = invoke(env("STATUS"), conf)
    assert status == 1 and body["code"] == 50, body


def test_bad_store_and_data_dir(tmp_path: Path) -> None:
    status, body = invoke(env("ADD"), _conf(tmp_path, store="ftp://x"))
    assert status == 1 and body["code"] == 7
    (tmp_path / "file").write_text("")
    status, body = invoke(env("ADD"), _conf(tmp_path / "file"))
    assert status == 1 and body["code"] == 5


def _mutations(rng: random.Random, base: Any, depth: int = 0) -> Any:
    """``base`` with one value somewhere replaced by junk (wrong type, nonsense string, huge number...)."""
    junk = [None, 0, -1, 10**30, 1.5, True, "", "x" * 300, "10.0.0.0/33", "::/0", [], {}, [[]], [{}], "\x00", "fe80::1%eth0"]
    if isinstance(base, dict) and base and depth < 4 and rng.random() < 0.8:
        key = rng.choice(sorted(base))
        return {**base, key: _mutations(rng, base[key], depth + 1)}
    if isinstance(base, list) and base and depth < 4 and rng.random() < 0.8:
        i = rng.randrange(len(base))
        return base[:i] + [_mutations(rng, base[i], depth + 1)] + base[i + 1 :]
    return rng.choice(junk)


def test_bad_input_is_always_a_cni_error_never_a_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # a junk relative dataDir ("fe80::1%eth0") is made here, not in the checkout
    rng = random.Random(7)
    base = _conf(
        tmp_path, [{"subnet": "10.22.0.0/24", "rangeStart": "10.22.0.5", "gateway": "10.22.0.1"}], [{"subnet": "fd00::/64"}],
        routes=[{"dst": "0.0.0.0/0", "gw": "10.22.0.1"}],
    )
    base["runtimeConfig"] = {"ips": ["10.22.0.9"]}
    base["args"] = {"cni": {"ips": ["fd00::9"]}}
    base["prevResult"] = {"ips": [{"address": "10.22.0.9/24"}]}
    base["cni.dev/valid-attachments"] = [{"containerID": "c1", "ifname": "eth0"}]
    known = {1, 2, 3, 4, 5, 6, 7, 11, 50, 100, 101, 102}
    for i in range(300):
        conf = _mutations(rng, base)
        command = rng.choice(["ADD", "DEL", "CHECK", "GC", "STATUS"])
        status, body = invoke(env(command, f"c{i}"), conf)
        if status:
            assert body["code"] in known and body["msg"] and body["cniVersion"], (conf, body)
            assert len(body["msg"]) < 1000
    for data in (b"", b"\xff\xfe", b"null", b"1", b'"x"', b"{" * 10000, b'{"name": 5}', b"[]" * 3):
        status, body = invoke(env("ADD"), data)
        assert status == 1 and body["code"] in (6, 7), (data[:20], body)


def test_console_script_and_module(tmp_path: Path) -> None:
    conf = _conf(tmp_path)
    status, body = spawn(env("ADD", "proc"), conf)
    assert status == 0 and body["ips"][0]["address"] == "10.22.0.2/29"
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "netx.cni"], input=json.dumps(conf).encode(), capture_output=True, timeout=120,
        env={"CNI_COMMAND": "ADD", "CNI_CONTAINERID": "proc", "CNI_NETNS": "/x", "CNI_IFNAME": "eth0", "CNI_PATH": "/x",
             "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0 and json.loads(proc.stdout)["ips"][0]["address"] == "10.22.0.2/29"


def test_owner_strings(tmp_path: Path) -> None:
    conf = _conf(tmp_path)
    _ips(invoke(env("ADD", "abc.def-1"), conf))
    with ipam.open(f"sqlite:///{tmp_path}/testnet/netx-ipam.db") as store:
        assert list(store.pool("testnet/0").allocations()) == [(IP("10.22.0.2"), "abc.def-1/eth0")]


def test_the_documented_conflist_and_result(tmp_path: Path) -> None:
    """docs/cni.md's .conflist, as a runtime hands its bridge plugin's part to the IPAM plugin, gives the documented result."""
    page = (Path(__file__).resolve().parent.parent / "docs" / "cni.md").read_text()
    conflist = json.loads(re.search(r"```json\n(\{.*?)```", page, re.S)[1])  # type: ignore[index]
    session = re.search(r"```sh\n\$ echo .*?CNI_COMMAND=ADD.*?\n(\{\n.*?\n\})\n```", page, re.S)
    assert session is not None
    bridge = conflist["plugins"][0]
    conf = {"cniVersion": conflist["cniVersion"], "name": conflist["name"], **bridge}
    conf["ipam"]["dataDir"] = str(tmp_path)
    assert invoke(env("ADD", "4f1e2d"), conf) == (0, json.loads(session[1]))
    with ipam.open(f"sqlite:///{tmp_path}/pods/netx-ipam.db") as store:
        assert [(str(ip), o) for ip, o in store.pool("pods/0").allocations()] == [("10.244.1.2", "4f1e2d/eth0")]


def test_add_imports_stay_light(tmp_path: Path) -> None:
    """A kubelet starts the plugin once per pod: an ADD on SQLite loads no pydantic, click, orjson,
    dataclasses/inspect or socket.py (benchmarks/bench_cni.py measures the time)."""
    import subprocess
    import sys

    conf = json.dumps(_conf(tmp_path))
    code = (
        "import io, sys\n"
        "from netx.cni.plugin import run\n"
        f"env = {env('ADD', 'light')!r}\n"
        f"status = run(env, io.BytesIO({conf.encode()!r}), io.StringIO(), sys.stderr)\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'pydantic', 'click', 'orjson', 'dataclasses', 'inspect', 'socket'})\n"
        "print(status, heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "0 []", done.stdout + done.stderr


def test_gc_without_the_valid_attachments_key_releases_nothing(tmp_path: Path) -> None:
    """A GC that names no attachments to keep at all is refused (code 7), not read as "keep none";
    ``null`` (libcni's empty list) and an empty list keep none; libcni's second key counts too."""
    conf = _conf(tmp_path, [{"subnet": "10.22.0.0/24"}])
    for cid in ("a", "b", "c"):
        _ips(invoke(env("ADD", cid), conf))
    gc_env = env("GC", container="", ifname="", CNI_NETNS="")
    status, body = invoke(gc_env, conf)
    assert status == 1 and body["code"] == 7 and "cni.dev/valid-attachments" in body["msg"], body
    assert invoke(env("CHECK", "a"), {**conf, "prevResult": {"ips": [{"address": "10.22.0.2/24"}]}})[0] == 0
    keep_a = [{"containerID": "a", "ifname": "eth0"}]
    assert invoke(gc_env, {**conf, "cni.dev/attachments": keep_a}) == (0, None)  # b and c go
    assert invoke(env("CHECK", "b"), conf)[0] == 1 and invoke(env("CHECK", "a"), conf)[0] == 0
    status, body = invoke(gc_env, {**conf, "cni.dev/attachments": "a"})
    assert status == 1 and body["code"] == 7 and "cni.dev/attachments must be an array" in body["msg"]
    assert invoke(gc_env, {**conf, "cni.dev/valid-attachments": None}) == (0, None)  # keeps none: a goes
    assert invoke(env("CHECK", "a"), conf)[0] == 1
