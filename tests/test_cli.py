"""The ``netx`` command line: every command, text and JSON output, errors, global options, docs/cli.md."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import netx
import netx.cli
from netx.cli import cli

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "cli.md"
BIN = Path(sys.executable).parent

LEAF_COMMANDS = [
    ["parse"], ["create", "pool"], ["create", "subnet-pool"], ["get", "pools"], ["get", "pool"],
    ["get", "allocations"], ["allocate", "ip"], ["get", "leases"], ["renew", "ip"], ["allocate", "subnet"],
    ["release", "ip"], ["release", "subnet"], ["delete", "pool"], ["get", "store"],
]
GROUPS = [[], ["create"], ["get"], ["allocate"], ["release"], ["delete"], ["renew"]]


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test touches the real user data directory or inherits a store URL."""
    monkeypatch.delenv("NETX_IPAM_URL", raising=False)
    monkeypatch.delenv("NETX_DEBUG", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/x.db"


def run(*args: str, env: dict[str, str] | None = None, catch: bool = True) -> Result:
    return CliRunner(env=env).invoke(cli, list(args), catch_exceptions=catch)


def ok(*args: str, env: dict[str, str] | None = None) -> Result:
    result = run(*args, env=env)
    assert result.exit_code == 0, (args, result.output, result.exception)
    return result


def fails(*args: str, env: dict[str, str] | None = None) -> str:
    """Run a command that must fail with exit 1 and exactly one error line; return that line."""
    result = run(*args, env=env)
    assert result.exit_code == 1, (args, result.output)
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("netx: error: "), result.stderr
    return lines[0]


def as_json(*args: str, env: dict[str, str] | None = None) -> Any:
    result = ok(*args, "-o", "json", env=env)
    return json.loads(result.stdout)


# -- version, help, usage --------------------------------------------------------------------
def test_version() -> None:
    assert ok("--version").stdout == f"netx {netx.__version__}\n"


def test_strategy_choices_match_the_pool() -> None:
    from netx.ipam.pool import STRATEGIES

    assert netx.cli._STRATEGIES == STRATEGIES


@pytest.mark.parametrize("path", GROUPS + LEAF_COMMANDS, ids=lambda p: " ".join(p) or "netx")
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_everywhere(path: list[str], flag: str) -> None:
    out = ok(*path, flag).stdout
    assert out.startswith(f"Usage: netx {' '.join(path)}".rstrip())
    assert "--db URL" in out and "-o, --output [text|json]" in out
    examples = out.split("Examples:")[1].split("Options:")[0]
    lines = [line.strip() for line in examples.strip().splitlines()]
    assert lines and all(("netx " + " ".join(path)).strip() in line for line in lines), lines


def test_help_examples_all_run(db: str) -> None:
    """Every example in every command's help, run in page order against one store, succeeds."""
    for path in LEAF_COMMANDS:
        out = ok(*path, "--help").stdout
        for line in out.split("Examples:")[1].split("Options:")[0].strip().splitlines():
            argv = shlex.split(line.strip().split("$(")[-1].rstrip(")"))
            assert argv[0] == "netx"
            result = run(*argv[1:], "--db", db)
            assert result.exit_code == 0, (line, result.output)


def test_no_arguments_shows_usage() -> None:
    result = run()
    assert result.exit_code == 2
    assert "Usage: netx" in result.output and "Commands:" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["frobnicate"], ["get", "nothing"], ["parse"], ["parse", "1.2.3.4", "5.6.7.8"],
        ["create", "pool", "lab"], ["create", "pool", "lab", "10.0.0.0/24", "--strategy", "fastest"],
        ["allocate", "ip", "lab", "--count", "0"], ["allocate", "ip", "lab", "--count", "x"],
        ["allocate", "ip", "lab", "--version", "5"], ["allocate", "ip", "lab", "--ip", "10.0.0.9", "--count", "2"],
        ["allocate", "ip", "lab", "--ip", "10.0.0.9", "--version", "4"],
        ["release", "ip", "lab"], ["release", "ip", "lab", "10.0.0.2", "--owner", "web"],
        ["get", "pools", "-o", "yaml"], ["--bogus", "get", "pools"], ["delete", "pool"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert "Usage: netx" in result.stderr and "Error:" in result.stderr
    assert "Traceback" not in result.output


# -- parse -----------------------------------------------------------------------------------
def test_parse_address_text() -> None:
    assert ok("parse", "10.0.0.5").stdout == (
        "kind             address\n"
        "version          4\n"
        "canonical        10.0.0.5\n"
        "network          10.0.0.5/32\n"
        "first            10.0.0.5\n"
        "last             10.0.0.5\n"
        "size             1\n"
        "integer          167772165\n"
        "reverse_pointer  5.0.0.10.in-addr.arpa\n"
        "flags            private\n"
    )


def test_parse_kinds_json() -> None:
    info = as_json("parse", "2001:DB8::1")
    assert info["kind"] == "address" and info["canonical"] == "2001:db8::1" and info["version"] == 6
    assert info["network"] == "2001:db8::1/128" and info["integer"] == int(netx.IP("2001:db8::1"))
    assert info["flags"] == ["private"]
    assert as_json("parse", "8.8.8.8")["flags"] == ["global"]
    assert as_json("parse", "127.0.0.1")["flags"] == ["private", "loopback"]
    assert as_json("parse", "::ffff:1.2.3.4")["flags"][-1] == "ipv4_mapped"

    net = as_json("parse", "10.0.0.0/255.255.255.0")
    assert net == {
        "input": "10.0.0.0/255.255.255.0", "kind": "network", "version": 4, "canonical": "10.0.0.0/24",
        "network": "10.0.0.0/24", "prefixlen": 24, "netmask": "255.255.255.0", "hostmask": "0.0.0.255",
        "first": "10.0.0.0", "last": "10.0.0.255", "size": 256, "flags": ["private"],
    }
    iface = as_json("parse", "192.168.1.7/24")
    assert iface["kind"] == "interface" and iface["address"] == "192.168.1.7"
    assert iface["network"] == "192.168.1.0/24" and iface["size"] == 256

    rng = as_json("parse", "10.0.0.10-10.0.0.20")
    assert rng["kind"] == "range" and rng["size"] == 11 and rng["first"] == "10.0.0.10"
    assert rng["cidrs"] == ["10.0.0.10/31", "10.0.0.12/30", "10.0.0.16/30", "10.0.0.20/32"]


def test_parse_huge_sizes_are_exact_json_numbers() -> None:
    info = as_json("parse", "::/0")
    assert info["size"] == 2**128 and isinstance(info["size"], int)
    assert ok("parse", "::/0").stdout.splitlines()[-2] == f"size       {2**128}"


def test_parse_zoned_ipv6() -> None:
    info = as_json("parse", "fe80::1%eth0")
    assert info["zone"] == "eth0" and info["canonical"] == "fe80::1%eth0"
    assert info["reverse_pointer"].endswith(".8.e.f.ip6.arpa")
    assert info["flags"] == ["private", "link_local"]


@pytest.mark.parametrize("bad", ["foo", "10.0.0.256", "10.0.0.0/33", "10.0.0.9-10.0.0.1", "1.2.3.4-x", "x" * 5000])
def test_parse_bad_values(bad: str) -> None:
    line = fails("parse", bad)
    assert len(line) < 300
    assert bad[:20] in line


# -- pools: create / get ---------------------------------------------------------------------
def test_create_and_get_pool(db: str) -> None:
    out = ok("create", "pool", "lab", "10.0.0.0/24", "--gateway", "10.0.0.1", "--db", db).stdout
    assert out == "created pool lab: 10.0.0.0/24 (253 addresses)\n"
    assert ok("get", "pool", "lab", "--db", db).stdout == (
        "name       lab\n"
        "kind       address\n"
        "ranges     10.0.0.0/24\n"
        "strategy   lowest\n"
        "gateway    10.0.0.1\n"
        "reserve    -\n"
        "size       253\n"
        "allocated  0\n"
        "free       253\n"
    )
    assert as_json("get", "pool", "lab", "--db", db) == {
        "name": "lab", "kind": "address", "ranges": ["10.0.0.0/24"], "strategy": "lowest", "gateway": "10.0.0.1",
        "reserve": [], "size": 253, "allocated": 0, "free": 253,
    }


def test_create_pool_mixed_ranges_reserve_strategy(db: str) -> None:
    info = as_json(
        "create", "pool", "dual", "10.1.0.0/24", "2001:db8::/64", "10.2.0.10-10.2.0.20",
        "--reserve", "10.1.0.5", "--reserve", "2001:db8::/120", "--reserve", "10.2.0.12-10.2.0.13",
        "--strategy", "round_robin", "--db", db,
    )
    assert info["created"] is True
    assert info["ranges"] == ["10.1.0.0/24", "2001:db8::/64", "10.2.0.10-10.2.0.20"]
    assert info["reserve"] == ["10.1.0.5", "2001:db8::/120", "10.2.0.12-10.2.0.13"]
    assert info["strategy"] == "round_robin" and info["gateway"] is None
    size = (254 - 1) + (2**64 - 256) + (11 - 2)
    assert info["size"] == size and info["free"] == size and info["allocated"] == 0
    # the same numbers, exact, in text
    assert f"size       {size}\n" in ok("get", "pool", "dual", "--db", db).stdout


def test_create_pool_duplicate_and_if_not_exists(db: str) -> None:
    ok("create", "pool", "lab", "10.0.0.0/24", "--db", db)
    assert "lab" in fails("create", "pool", "lab", "10.0.0.0/24", "--db", db)
    out = ok("create", "pool", "lab", "10.0.0.0/24", "--if-not-exists", "--db", db).stdout
    assert out == "pool lab already exists, left unchanged\n"
    assert as_json("create", "pool", "lab", "10.0.0.0/24", "--if-not-exists", "--db", db)["created"] is False
    # another definition is an error showing both, and the pool is left as it is
    assert fails("create", "pool", "lab", "10.9.0.0/16", "--gateway", "10.9.0.1", "--if-not-exists", "--db", db) == (
        "netx: error: pool 'lab' already exists with another definition: existing 10.0.0.0/24 strategy=lowest;"
        " requested 10.9.0.0/16 gateway=10.9.0.1 strategy=lowest"
    )
    assert "subnet pool 10.9.0.0/16" in fails("create", "subnet-pool", "lab", "10.9.0.0/16", "--if-not-exists",
                                               "--db", db)
    assert as_json("get", "pool", "lab", "--db", db)["ranges"] == ["10.0.0.0/24"]
    # a fresh name is created as usual
    assert as_json("create", "pool", "lab2", "10.9.0.0/30", "--if-not-exists", "--db", db)["created"] is True
    assert as_json("get", "pools", "--db", db)[1]["name"] == "lab2"


@pytest.mark.parametrize(
    "args, words",
    [
        (["10.0.0.0/24", "--gateway", "10.9.9.9"], "10.9.9.9"),
        (["10.0.0.0/24", "10.0.0.128/25"], "overlap"),
        (["10.0.0.0/24", "--reserve", "10.1.0.0/24"], "10.1.0.0/24"),
    ],
)
def test_create_pool_bad_definitions(db: str, args: list[str], words: str) -> None:
    assert words in fails("create", "pool", "bad", *args, "--db", db)
    assert "bad" not in ok("get", "pools", "--db", db, "-o", "json").stdout


@pytest.mark.parametrize(
    "args, words",
    [
        (["10.0.0.1/24"], "host bits"),
        (["10.0.0.0/33"], "10.0.0.0/33"),
        (["10.0.0.9-10.0.0.1"], "10.0.0.9-10.0.0.1"),
        (["10.0.0.0/24", "--gateway", "nope"], "nope"),
        (["10.0.0.0/24", "--reserve", "10.0.0.0/99"], "10.0.0.0/99"),
        (["10.0.0.0/24", "--strategy", "fastest"], "fastest"),
    ],
)
def test_bad_values_are_usage_errors(db: str, args: list[str], words: str) -> None:
    """A value that is no address, network, range or strategy is a usage error (exit 2) naming it."""
    result = run("create", "pool", "bad", *args, "--db", db)
    assert result.exit_code == 2 and "Usage: netx create pool" in result.stderr, result.output
    assert words in result.stderr and "Invalid value" in result.stderr and "Traceback" not in result.output
    assert not (Path(db[len("sqlite:///"):])).exists()  # nothing was opened, let alone created


def test_get_pools_table_and_json(db: str) -> None:
    result = ok("get", "pools", "--db", db)
    assert result.stdout == "" and result.stderr == "netx: no pools\n"
    assert as_json("get", "pools", "--db", db) == []
    ok("create", "pool", "lab", "10.0.0.0/24", "--db", db)
    ok("create", "pool", "big", "2001:db8::/64", "--strategy", "random", "--db", db)
    ok("allocate", "ip", "lab", "--count", "12", "--db", db)
    assert ok("get", "pools", "--db", db).stdout == (
        "NAME  KIND     STRATEGY                  SIZE  ALLOCATED                  FREE  RANGES\n"
        "big   address  random    18446744073709551616          0  18446744073709551616  2001:db8::/64\n"
        "lab   address  lowest                     254         12                   242  10.0.0.0/24\n"
    )
    pools = as_json("get", "pools", "--db", db)
    assert [p["name"] for p in pools] == ["big", "lab"]
    assert pools[0]["size"] == 2**64 and pools[1]["allocated"] == 12


def test_get_unknown_pool(db: str) -> None:
    assert "'nope'" in fails("get", "pool", "nope", "--db", db)
    assert "'nope'" in fails("get", "allocations", "nope", "--db", db)
    assert "'nope'" in fails("allocate", "ip", "nope", "--db", db)
    assert "'nope'" in fails("release", "ip", "nope", "10.0.0.1", "--db", db)
    assert "'nope'" in fails("delete", "pool", "nope", "--db", db)


# -- allocate / get allocations ------------------------------------------------------------
def test_allocate_prints_one_address_per_line(db: str) -> None:
    ok("create", "pool", "lab", "10.0.0.0/24", "--gateway", "10.0.0.1", "--db", db)
    assert ok("allocate", "ip", "lab", "--owner", "web", "--count", "3", "--db", db).stdout == (
        "10.0.0.2\n10.0.0.3\n10.0.0.4\n"
    )
    assert ok("allocate", "ip", "lab", "--db", db).stdout == "10.0.0.5\n"
    assert ok("allocate", "ip", "lab", "--owner", "db", "--ip", "10.0.0.50", "--db", db).stdout == "10.0.0.50\n"
    assert as_json("allocate", "ip", "lab", "--owner", "x", "--count", "2", "--db", db) == [
        {"ip": "10.0.0.6", "owner": "x"}, {"ip": "10.0.0.7", "owner": "x"},
    ]
    assert ok("get", "allocations", "lab", "--db", db).stdout == (
        "ADDRESS    OWNER\n"
        "10.0.0.2   web\n"
        "10.0.0.3   web\n"
        "10.0.0.4   web\n"
        "10.0.0.5   -\n"
        "10.0.0.6   x\n"
        "10.0.0.7   x\n"
        "10.0.0.50  db\n"
    )
    assert as_json("get", "allocations", "lab", "--owner", "web", "--db", db) == [
        {"ip": f"10.0.0.{i}", "owner": "web"} for i in (2, 3, 4)
    ]
    assert as_json("get", "allocations", "lab", "--db", db)[3] == {"ip": "10.0.0.5", "owner": None}
    result = ok("get", "allocations", "lab", "--owner", "nobody", "--db", db)
    assert result.stdout == "" and "no allocations" in result.stderr
    assert as_json("get", "allocations", "lab", "--owner", "nobody", "--db", db) == []
    info = as_json("get", "pool", "lab", "--db", db)
    assert (info["size"], info["allocated"], info["free"]) == (253, 7, 246)


def test_allocate_errors(db: str) -> None:
    ok("create", "pool", "tiny", "10.0.0.0/29", "--gateway", "10.0.0.1", "--reserve", "10.0.0.6", "--db", db)
    assert "10.0.0.1" in fails("allocate", "ip", "tiny", "--ip", "10.0.0.1", "--db", db)  # gateway
    assert "10.0.0.6" in fails("allocate", "ip", "tiny", "--ip", "10.0.0.6", "--db", db)  # reserved
    assert "10.9.0.1" in fails("allocate", "ip", "tiny", "--ip", "10.9.0.1", "--db", db)  # not in pool
    bad = run("allocate", "ip", "tiny", "--ip", "x.y", "--db", db)
    assert bad.exit_code == 2 and "x.y" in bad.stderr and "'--ip'" in bad.stderr
    fails("allocate", "ip", "tiny", "--version", "6", "--db", db)  # no IPv6 range
    fails("allocate", "ip", "tiny", "--count", "5", "--db", db)  # only 4 free: all or nothing
    assert as_json("get", "pool", "tiny", "--db", db)["allocated"] == 0
    assert ok("allocate", "ip", "tiny", "--count", "4", "--db", db).stdout.split() == [
        "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5",
    ]
    fails("allocate", "ip", "tiny", "--db", db)  # exhausted
    assert "10.0.0.2" in fails("allocate", "ip", "tiny", "--ip", "10.0.0.2", "--db", db)  # taken


def test_allocate_version(db: str) -> None:
    ok("create", "pool", "dual", "10.1.0.0/30", "2001:db8::/126", "--db", db)
    assert ok("allocate", "ip", "dual", "--version", "6", "--db", db).stdout == "2001:db8::\n"
    assert ok("allocate", "ip", "dual", "--version", "4", "--count", "2", "--db", db).stdout == (
        "10.1.0.1\n10.1.0.2\n"
    )
    fails("allocate", "ip", "dual", "--version", "4", "--db", db)  # IPv4 part exhausted
    assert ok("allocate", "ip", "dual", "--db", db).stdout == "2001:db8::1\n"


def test_allocate_round_robin(db: str) -> None:
    ok("create", "pool", "rr", "10.1.0.0/29", "--strategy", "round_robin", "--db", db)
    assert ok("allocate", "ip", "rr", "--count", "2", "--db", db).stdout == "10.1.0.1\n10.1.0.2\n"
    assert ok("release", "ip", "rr", "10.1.0.1", "--db", db).stdout == "10.1.0.1\n"
    # the next address after the last one handed out, not the lowest free one
    assert ok("allocate", "ip", "rr", "--db", db).stdout == "10.1.0.3\n"


# -- release ---------------------------------------------------------------------------------
def test_release_addresses(db: str) -> None:
    ok("create", "pool", "lab", "10.0.0.0/24", "--db", db)
    ok("allocate", "ip", "lab", "--owner", "web", "--count", "4", "--db", db)  # .1-.4
    assert ok("release", "ip", "lab", "10.0.0.2", "10.0.0.3", "--db", db).stdout == "10.0.0.2\n10.0.0.3\n"
    # not allocated: the others are released, one error line, exit 1
    result = run("release", "ip", "lab", "10.0.0.4", "10.0.0.3", "10.0.0.9", "--db", db)
    assert result.exit_code == 1
    assert result.stdout == "10.0.0.4\n"
    assert result.stderr == "netx: error: not allocated in pool 'lab': 10.0.0.3, 10.0.0.9\n"
    assert ok("release", "ip", "lab", "10.0.0.4", "--ignore-missing", "--db", db).stdout == ""
    # many: the first 20 and how many more, on one line (also for renew)
    many = [f"10.0.0.{i}" for i in range(100, 125)]
    for verb in ("release", "renew"):
        result = run(verb, "ip", "lab", *many, *(["--ttl", "60"] if verb == "renew" else []), "--db", db)
        assert result.exit_code == 1
        assert result.stderr == f"netx: error: not allocated in pool 'lab': {', '.join(many[:20])} and 5 more\n"
    # outside the pool: checked before anything is released
    assert "10.9.0.1" in fails("release", "ip", "lab", "10.0.0.1", "10.9.0.1", "--db", db)
    assert as_json("get", "allocations", "lab", "--db", db) == [{"ip": "10.0.0.1", "owner": "web"}]
    bad = run("release", "ip", "lab", "bogus", "--db", db)
    assert bad.exit_code == 2 and "bogus" in bad.stderr
    # JSON shape, also when something was missing
    result = run("release", "ip", "lab", "10.0.0.1", "10.0.0.1", "10.0.0.7", "-o", "json", "--db", db)
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {"released": ["10.0.0.1"], "not_allocated": ["10.0.0.7"]}
    assert result.stderr.startswith("netx: error: not allocated")


def test_release_owner(db: str) -> None:
    ok("create", "pool", "lab", "10.0.0.0/24", "--db", db)
    ok("allocate", "ip", "lab", "--owner", "web", "--count", "2", "--db", db)
    ok("allocate", "ip", "lab", "--owner", "db", "--db", db)
    assert ok("release", "ip", "lab", "--owner", "web", "--db", db).stdout == "10.0.0.1\n10.0.0.2\n"
    result = ok("release", "ip", "lab", "--owner", "web", "--db", db)
    assert result.stdout == "" and result.stderr == "netx: nothing allocated to owner web in pool lab\n"
    assert as_json("release", "ip", "lab", "--owner", "db", "--db", db) == {
        "released": ["10.0.0.3"], "not_allocated": [],
    }
    assert as_json("get", "pool", "lab", "--db", db)["allocated"] == 0


# -- delete ----------------------------------------------------------------------------------
def test_delete_pool(db: str) -> None:
    ok("create", "pool", "lab", "10.0.0.0/24", "--db", db)
    ok("create", "pool", "empty", "10.1.0.0/24", "--db", db)
    ok("allocate", "ip", "lab", "--count", "2", "--db", db)
    line = fails("delete", "pool", "lab", "--db", db)
    assert "2 allocated addresses" in line and "--force" in line
    assert ok("delete", "pool", "lab", "--force", "--db", db).stdout == "deleted pool lab\n"
    assert as_json("delete", "pool", "empty", "--db", db) == {"name": "empty", "deleted": True}
    assert as_json("get", "pools", "--db", db) == []
    assert ok("delete", "pool", "lab", "--if-exists", "--db", db).stdout == "pool lab does not exist, nothing deleted\n"
    assert as_json("delete", "pool", "lab", "--if-exists", "--db", db) == {"name": "lab", "deleted": False}
    fails("delete", "pool", "lab", "--db", db)


# -- global options, store selection ---------------------------------------------------------
def test_global_options_in_every_position(tmp_path: Path) -> None:
    one, two = f"sqlite:///{tmp_path}/one.db", f"sqlite:///{tmp_path}/two.db"
    ok("--db", one, "create", "pool", "a", "10.0.0.0/24")  # before the verb
    ok("create", "pool", "b", "10.0.0.0/24", "--db", two)  # after the command
    ok("create", "--db", two, "pool", "c", "10.0.0.0/24")  # between verb and noun
    assert json.loads(ok("--db", one, "-o", "json", "get", "pools").stdout)[0]["name"] == "a"
    assert [p["name"] for p in json.loads(ok("get", "pools", "--db", two, "-o", "json").stdout)] == ["b", "c"]
    assert json.loads(ok("-o", "json", "get", "pools", "--db", one).stdout)[0]["name"] == "a"
    assert json.loads(ok("--output", "json", "parse", "1.2.3.4").stdout)["kind"] == "address"
    # both positions given: the later one (after the command) wins
    assert ok("--db", one, "get", "pools", "--db", two).stdout.splitlines()[1].startswith("b ")
    assert ok("-o", "json", "get", "pool", "a", "--db", one, "-o", "text").stdout.startswith("name ")


def test_env_url_and_db_override(tmp_path: Path) -> None:
    env_db, other = f"sqlite:///{tmp_path}/env.db", f"sqlite:///{tmp_path}/other.db"
    ok("create", "pool", "fromenv", "10.0.0.0/24", env={"NETX_IPAM_URL": env_db})
    assert (tmp_path / "env.db").exists()
    assert ok("get", "pools", env={"NETX_IPAM_URL": env_db}).stdout.splitlines()[1].startswith("fromenv")
    assert as_json("get", "pools", "--db", other, env={"NETX_IPAM_URL": env_db}) == []
    assert not (tmp_path / "xdg").exists()  # the default store was never touched


def test_default_store_is_in_the_user_data_dir(tmp_path: Path) -> None:
    ok("create", "pool", "lab", "10.0.0.0/24", "--gateway", "10.0.0.1", "--if-not-exists")
    ok("create", "pool", "lab", "10.0.0.0/24", "--gateway", "10.0.0.1", "--if-not-exists")
    assert (tmp_path / "xdg" / "netx" / "ipam.db").exists()
    assert ok("allocate", "ip", "lab", "--owner", "web", "--count", "3").stdout.split() == [
        "10.0.0.2", "10.0.0.3", "10.0.0.4",
    ]
    assert "allocated  3\n" in ok("get", "pool", "lab").stdout


def test_relative_sqlite_url_is_relative_to_the_cwd(tmp_path: Path) -> None:
    ok("--db", "sqlite:///rel.db", "create", "pool", "p", "10.0.0.0/30")
    assert (tmp_path / "rel.db").exists()


def test_bad_store_urls() -> None:
    assert "bogus://x" in fails("get", "pools", "--db", "bogus://x")
    assert "bogus://env" in fails("get", "pools", env={"NETX_IPAM_URL": "bogus://env"})
    fails("get", "pools", "--db", "sqlite:////proc/no/such/dir/x.db")


# -- errors ------------------------------------------------------------------------------------
def test_unexpected_errors_are_one_line_with_a_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(text: str) -> dict[str, Any]:
        raise ZeroDivisionError("division by zero\nsecond line")

    monkeypatch.setattr(netx.cli.parse, "describe_value", boom)
    line = fails("parse", "1.2.3.4")
    assert line.startswith("netx: error: unexpected ZeroDivisionError: division by zero second line")
    assert "NETX_DEBUG=1" in line
    result = run("parse", "1.2.3.4", env={"NETX_DEBUG": "1"})
    assert isinstance(result.exception, ZeroDivisionError)


def test_database_errors_are_one_line(monkeypatch: pytest.MonkeyPatch, db: str) -> None:
    import sqlite3

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise sqlite3.OperationalError("disk I/O error")

    ok("create", "pool", "lab", "10.0.0.0/24", "--db", db)
    from netx.ipam.service import Service

    monkeypatch.setattr(Service, "get_pool", broken)
    assert fails("get", "pool", "lab", "--db", db) == "netx: error: database error: disk I/O error"


# -- real processes: python -m netx and the installed script ---------------------------------
def _proc(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(argv, cwd=cwd, env=full_env, capture_output=True, text=True, timeout=60)


def test_subprocess_state_is_durable_between_invocations(tmp_path: Path) -> None:
    script = BIN / "netx"
    assert script.exists(), f"netx is not installed next to {sys.executable} (pip install -e .)"
    module = [sys.executable, "-m", "netx"]
    env = {"NETX_IPAM_URL": f"sqlite:///{tmp_path}/durable.db"}
    done = _proc([str(script), "create", "pool", "lab", "10.0.0.0/24", "--gateway", "10.0.0.1"], tmp_path, env)
    assert done.returncode == 0 and done.stdout == "created pool lab: 10.0.0.0/24 (253 addresses)\n", done.stderr
    done = _proc([*module, "allocate", "ip", "lab", "--owner", "web", "--count", "3"], tmp_path, env)
    assert done.returncode == 0 and done.stdout == "10.0.0.2\n10.0.0.3\n10.0.0.4\n", done.stderr
    done = _proc([str(script), "get", "pool", "lab", "-o", "json"], tmp_path, env)
    assert json.loads(done.stdout)["allocated"] == 3
    done = _proc([*module, "-o", "json", "get", "allocations", "lab"], tmp_path, env)
    assert [a["ip"] for a in json.loads(done.stdout)] == ["10.0.0.2", "10.0.0.3", "10.0.0.4"]
    # errors from a real process: one line, exit 1, no traceback; usage errors exit 2
    done = _proc([str(script), "get", "pool", "nope"], tmp_path, env)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == "netx: error: no pool named 'nope' in this store\n"
    done = _proc([*module, "allocate", "ip", "lab", "--count", "0"], tmp_path, env)
    assert done.returncode == 2 and "Usage: netx allocate ip" in done.stderr
    done = _proc([*module, "--version"], tmp_path)
    assert done.stdout == f"netx {netx.__version__}\n"


def test_readme_first_command_is_rerunnable(tmp_path: Path) -> None:
    """The README's one-liner, on the default store (user data dir), twice."""
    script = str(BIN / "netx")
    env = {"XDG_DATA_HOME": str(tmp_path / "data")}
    env_clean = {k: v for k, v in os.environ.items() if k != "NETX_IPAM_URL"} | env
    line = (
        f"{script} create pool lab 10.0.0.0/24 --gateway 10.0.0.1 --if-not-exists && "
        f"{script} allocate ip lab --owner web --count 3 --ensure && {script} get pool lab"
    )
    first = subprocess.run(["sh", "-c", line], cwd=tmp_path, env=env_clean, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("created pool lab: 10.0.0.0/24 (253 addresses)\n10.0.0.2\n10.0.0.3\n10.0.0.4\n")
    assert "allocated  3\n" in first.stdout
    second = subprocess.run(["sh", "-c", line], cwd=tmp_path, env=env_clean, capture_output=True, text=True)
    assert second.returncode == 0, second.stderr
    # --ensure: the second run prints the same addresses and allocates nothing more
    assert second.stdout.startswith("pool lab already exists, left unchanged\n10.0.0.2\n10.0.0.3\n10.0.0.4\n")
    assert "allocated  3\n" in second.stdout
    assert (tmp_path / "data" / "netx" / "ipam.db").exists()


# -- subnet pools ------------------------------------------------------------------------------
def test_subnet_pool_lifecycle(db: str) -> None:
    out = ok("create", "subnet-pool", "nodes", "10.244.0.0/16", "fd00::/48", "--reserve", "10.244.0.0/24",
             "--db", db).stdout
    assert out == "created subnet pool nodes: 10.244.0.0/16, fd00::/48 (1208925819614629174771456 addresses)\n"
    assert ok("allocate", "subnet", "nodes", "--prefix", "24", "--owner", "n1", "--db", db).stdout == "10.244.1.0/24\n"
    assert ok("allocate", "subnet", "nodes", "--prefix", "26", "--count", "3", "--db", db).stdout == (
        "10.244.2.0/26\n10.244.2.64/26\n10.244.2.128/26\n"
    )
    assert as_json("allocate", "subnet", "nodes", "--prefix", "64", "--version", "6", "--owner", "v6", "--db", db) == [
        {"subnet": "fd00::/64", "owner": "v6"}
    ]
    assert ok("allocate", "subnet", "nodes", "--subnet", "10.244.9.0/24", "--owner", "n9", "--db", db).stdout == (
        "10.244.9.0/24\n"
    )
    info = as_json("get", "pool", "nodes", "--db", db)
    assert info == {
        "name": "nodes", "kind": "subnet", "ranges": ["10.244.0.0/16", "fd00::/48"], "reserve": ["10.244.0.0/24"],
        "size": 2**80 + 2**16 - 256, "allocated": 512 + 192 + 2**64, "free": 2**80 + 2**16 - 256 - 704 - 2**64,
    }
    assert ok("get", "pool", "nodes", "--db", db).stdout.startswith("name       nodes\nkind       subnet\n")
    assert ok("get", "allocations", "nodes", "--db", db).stdout == (
        "SUBNET           OWNER\n"
        "10.244.1.0/24    n1\n"
        "10.244.2.0/26    -\n"
        "10.244.2.64/26   -\n"
        "10.244.2.128/26  -\n"
        "10.244.9.0/24    n9\n"
        "fd00::/64        v6\n"
    )
    assert as_json("get", "allocations", "nodes", "--owner", "n1", "--db", db) == [
        {"subnet": "10.244.1.0/24", "owner": "n1"}
    ]
    ok("create", "pool", "lab", "10.0.0.0/24", "--db", db)
    table = ok("get", "pools", "--db", db).stdout.splitlines()
    assert table[0].split() == ["NAME", "KIND", "STRATEGY", "SIZE", "ALLOCATED", "FREE", "RANGES"]
    assert table[1].split()[:3] == ["lab", "address", "lowest"] and table[2].split()[:3] == ["nodes", "subnet", "-"]
    assert [p["kind"] for p in as_json("get", "pools", "--db", db)] == ["address", "subnet"]

    assert ok("release", "subnet", "nodes", "10.244.1.0/24", "--db", db).stdout == "10.244.1.0/24\n"
    line = fails("release", "subnet", "nodes", "10.244.1.0/24", "10.244.9.0/24", "--db", db)
    assert line == "netx: error: not allocated in pool 'nodes': 10.244.1.0/24"
    assert ok("release", "subnet", "nodes", "10.244.1.0/24", "--ignore-missing", "--db", db).stdout == ""
    assert fails("release", "subnet", "nodes", "10.9.0.0/24", "--db", db) == (
        "netx: error: not in pool 'nodes': 10.9.0.0/24"
    )
    assert as_json("release", "subnet", "nodes", "--owner", "v6", "--db", db) == {
        "released": ["fd00::/64"], "not_allocated": []
    }
    result = ok("release", "subnet", "nodes", "--owner", "ghost", "--db", db)
    assert result.stderr == "netx: nothing allocated to owner ghost in pool nodes\n"
    assert fails("delete", "pool", "nodes", "--db", db) == (
        "netx: error: pool 'nodes' still has 3 allocated subnets; use --force to delete it anyway"
    )
    assert ok("delete", "pool", "nodes", "--force", "--db", db).stdout == "deleted pool nodes\n"
    assert as_json("get", "pools", "--db", db)[0]["name"] == "lab"


def test_subnet_pool_errors(db: str) -> None:
    ok("create", "subnet-pool", "nodes", "10.244.0.0/22", "--db", db)
    ok("create", "pool", "lab", "10.0.0.0/24", "--db", db)
    bad = run("create", "subnet-pool", "bad", "10.0.0.1/16", "--db", db)
    assert bad.exit_code == 2 and "host bits" in bad.stderr
    assert "overlap" in fails("create", "subnet-pool", "bad", "10.0.0.0/16", "10.0.1.0/24", "--db", db)
    assert "already exists" in fails("create", "subnet-pool", "nodes", "10.9.0.0/16", "--db", db)
    assert as_json("create", "subnet-pool", "nodes", "10.244.0.0/22", "--if-not-exists", "--db", db)["created"] is False
    assert "another definition" in fails("create", "subnet-pool", "nodes", "10.9.0.0/16", "--if-not-exists", "--db", db)
    assert fails("allocate", "ip", "nodes", "--db", db) == (
        "netx: error: pool 'nodes' is a subnet pool: use netx allocate subnet"
    )
    assert fails("allocate", "subnet", "lab", "--prefix", "28", "--db", db) == (
        "netx: error: pool 'lab' is an address pool: use netx allocate ip"
    )
    assert fails("release", "subnet", "lab", "10.0.0.0/28", "--db", db).endswith("is an address pool: use netx release ip")
    assert fails("release", "ip", "nodes", "10.244.0.1", "--db", db).endswith("is a subnet pool: use netx release subnet")
    # commands with no subnet twin say what they work on instead of pointing at a command that does not exist
    assert fails("get", "leases", "nodes", "--db", db) == (
        "netx: error: pool 'nodes' is a subnet pool; netx get leases works on an address pool")
    assert fails("renew", "ip", "nodes", "10.244.0.1", "--ttl", "60", "--db", db) == (
        "netx: error: pool 'nodes' is a subnet pool; netx renew ip works on an address pool")
    assert "can hold a /16" in fails("allocate", "subnet", "nodes", "--prefix", "16", "--db", db)
    assert "has 4 free /24, 5 requested" in fails("allocate", "subnet", "nodes", "--prefix", "24", "--count", "5",
                                                   "--db", db)
    assert as_json("get", "allocations", "nodes", "--db", db) == []  # all or nothing
    ok("allocate", "subnet", "nodes", "--subnet", "10.244.0.0/24", "--owner", "a", "--db", db)
    assert "owner 'a'" in fails("allocate", "subnet", "nodes", "--subnet", "10.244.0.128/25", "--db", db)
    assert "no pool named 'ghost'" in fails("allocate", "subnet", "ghost", "--prefix", "24", "--db", db)
    for args in (["--count", "2", "--subnet", "10.244.1.0/24"], [], ["--prefix", "129"]):
        assert run("allocate", "subnet", "nodes", *args, "--db", db).exit_code == 2
    assert run("release", "subnet", "nodes", "--db", db).exit_code == 2


# -- docs/cli.md: every `$ ` command runs and prints exactly what the page shows -------------
_CONSOLE = re.compile(r"^```console\n(.*?)^```", re.S | re.M)


def doc_sessions(text: str) -> list[tuple[str, str]]:
    """``(command, expected output)`` pairs of every ```console block, in page order."""
    pairs: list[tuple[str, str]] = []
    for block in _CONSOLE.findall(text):
        command: str | None = None
        out: list[str] = []
        for line in block.splitlines():
            if line.startswith("$ "):
                if command is not None:
                    pairs.append((command, "\n".join(out).rstrip("\n")))
                command, out = line[2:], []
            else:
                assert command is not None, f"output before any command in a console block: {line!r}"
                out.append(line)
        if command is not None:
            pairs.append((command, "\n".join(out).rstrip("\n")))
    return pairs


def run_doc_command(command: str, cwd: Path, url: str) -> tuple[int, str]:
    """Run one documented command: plain ``netx ...`` in-process, anything shell-like through sh."""
    if re.search(r"[|&;<>()$`\\\"*?]", command):
        env = {**os.environ, "NETX_IPAM_URL": url, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
        done = subprocess.run(["sh", "-c", command + " 2>&1"], cwd=cwd, env=env, capture_output=True, text=True)
        return done.returncode, done.stdout
    argv = shlex.split(command)
    assert argv[0] == "netx", command
    result = CliRunner(env={"NETX_IPAM_URL": url}).invoke(cli, argv[1:])
    return result.exit_code, result.output


def test_doc_examples(tmp_path: Path) -> None:
    pairs = doc_sessions(DOC.read_text())
    assert len(pairs) > 20
    url = f"sqlite:///{tmp_path}/doc.db"
    failures = []
    for command, expected in pairs:
        code, output = run_doc_command(command, tmp_path, url)
        if "netx: error:" in expected:
            want_code = 1
        elif expected.startswith("Usage: "):
            want_code = 2
        else:
            want_code = 0
        if output.rstrip("\n") != expected or code != want_code:
            failures.append(f"$ {command}\n--- expected (exit {want_code})\n{expected}\n--- got (exit {code})\n{output}")
    assert not failures, "\n\n".join(failures)


def test_doc_covers_every_command() -> None:
    commands = [command for command, _ in doc_sessions(DOC.read_text())]
    for path in LEAF_COMMANDS:
        assert any(f"netx {' '.join(path)}" in c for c in commands), path
    text = DOC.read_text()
    for word in ("--if-not-exists", "--ignore-missing", "--force", "--if-exists", "NETX_IPAM_URL", "-o json", "--db"):
        assert word in text, word


# -- found when tried as a new user would ------------------------------------------------------
def test_text_output_escapes_control_characters(db: str) -> None:
    evil = "x\x1b]0;PWNED\x07"
    ok("create", "pool", evil, "10.0.0.0/24", "--db", db)
    ok("allocate", "ip", evil, "--owner", "web\n10.0.0.99  root", "--db", db)
    ok("allocate", "ip", evil, "--owner", "rtl\u202eevil", "--db", db)
    for args in (["get", "pools"], ["get", "pool", evil], ["get", "allocations", evil],
                 ["create", "pool", evil, "10.0.0.0/24", "--if-not-exists"], ["release", "ip", evil, "--owner", "nobody"]):
        result = ok(*args, "--db", db)
        for stream in (result.stdout, result.stderr):
            assert "\x1b" not in stream and "\x07" not in stream and "\u202e" not in stream, (args, stream)
    table = ok("get", "allocations", evil, "--db", db).stdout
    assert table.splitlines() == [
        "ADDRESS   OWNER", "10.0.0.1  web\\n10.0.0.99  root", "10.0.0.2  rtl\\u202eevil",
    ]  # the newline cannot forge a row
    assert "x\\e]0;PWNED\\x07" in ok("get", "pools", "--db", db).stdout
    line = fails("get", "allocations", evil + "!", "--db", db)  # error messages too
    assert "PWNED" in line and "\x1b" not in line and "\x07" not in line
    # JSON stays exact
    assert as_json("get", "allocations", evil, "--db", db)[0]["owner"] == "web\n10.0.0.99  root"
    assert as_json("get", "pools", "--db", db)[0]["name"] == evil


BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"  # Unicode's Bidi_Control


def test_text_output_escapes_every_bidi_control(db: str) -> None:
    """Every character of Unicode's Bidi_Control set reorders what a terminal shows (the marks too: ALM, LRM,
    RLM); each prints escaped."""
    ok("create", "pool", "lab", "10.0.0.0/24", "--db", db)
    ok("allocate", "ip", "lab", "--owner", f"a{BIDI_CONTROLS}b", "--db", db)
    out = ok("get", "allocations", "lab", "--db", db).stdout
    assert not set(out) & set(BIDI_CONTROLS), out
    assert out.splitlines()[1] == "10.0.0.1  a" + "".join(f"\\u{ord(c):04x}" for c in BIDI_CONTROLS) + "b"


def test_undecodable_argument_bytes_print_escaped() -> None:
    """A command-line argument's bytes that are not UTF-8 reach Python as lone surrogates; echoed back raw they
    would be those bytes (0x9b: an 8-bit terminal's CSI). They print escaped."""
    out = ok("parse", "fe80::1%\udc9b").stdout
    assert "\udc9b" not in out and "zone             \\udc9b" in out.splitlines()
    line = fails("parse", "fe80::1%\udc9b", "-o", "json")  # JSON cannot carry them: one clear error, no 'bug'
    assert "not valid UTF-8" in line and "probably a bug" not in line


def test_read_only_commands_create_no_store(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/typo.db"
    assert ok("get", "pools", "--db", url).stderr == "netx: no pools\n"
    assert as_json("get", "pools", "--db", url) == []
    for args in (["get", "pool", "lab"], ["get", "allocations", "lab"], ["allocate", "ip", "lab"],
                 ["release", "ip", "lab", "10.0.0.1"], ["delete", "pool", "lab"]):
        assert "no IPAM store at" in fails(*args, "--db", url)
    ok("delete", "pool", "lab", "--if-exists", "--db", url)
    assert as_json("get", "store", "--db", url)["exists"] is False
    assert not (tmp_path / "typo.db").exists()


def test_read_only_commands_create_no_postgres_schema(pg_url: str) -> None:
    import psycopg

    from test_store_postgres import _plain, _schema

    assert as_json("get", "pools", "--db", pg_url) == []
    info = as_json("get", "store", "--db", pg_url)
    assert (info["backend"], info["schema"], info["exists"]) == ("postgresql", _schema(pg_url), False)
    with psycopg.connect(_plain(pg_url)) as conn:
        assert conn.execute("SELECT to_regnamespace(%s)", (_schema(pg_url),)).fetchone() == (None,)


def test_sqlite_memory_url_is_refused() -> None:
    assert "memory://" in fails("create", "pool", "p", "10.0.0.0/24", "--db", "sqlite:///:memory:")


def test_db_takes_a_plain_path(tmp_path: Path) -> None:
    path = tmp_path / "plain.db"
    ok("create", "pool", "p", "10.0.0.0/30", "--db", str(path))
    assert path.exists()
    assert as_json("get", "pools", "--db", f"sqlite:///{path}")[0]["name"] == "p"
    assert as_json("get", "store", "--db", str(path))["path"] == str(path)
    assert "sqlite:///" in fails("get", "pools", "--db", "nonsense")


@pytest.mark.parametrize("name", ["my%20file.db", "a?b.db", "c#d.db", "sp ace.db", "100%.db", "日本.db", "\udcff.db"])
def test_db_plain_path_is_that_file(tmp_path: Path, name: str) -> None:
    """A plain path is the file of that name: '%20' was decoded to a space (another file), '?' and '#' refused."""
    path = tmp_path / name
    ok("create", "pool", "p", "10.0.0.0/30", "--db", str(path))
    assert [p.name for p in tmp_path.iterdir() if not p.name.endswith(("-wal", "-shm"))] == [name]
    if name.isprintable():  # (JSON cannot carry the bytes of a name that is not UTF-8)
        assert as_json("get", "store", "--db", str(path))["path"] == str(path)
    assert as_json("get", "pools", "--db", str(path))[0]["name"] == "p"


def test_env_url_errors_name_the_variable() -> None:
    line = fails("get", "pools", env={"NETX_IPAM_URL": "bogus://env"})
    assert "bogus://env" in line and "NETX_IPAM_URL" in line
    assert "NETX_IPAM_URL" not in fails("get", "pools", "--db", "bogus://x")


def test_options_given_twice_are_usage_errors(db: str) -> None:
    ok("create", "pool", "lab", "10.0.0.0/24", "--db", db)
    for args in (["allocate", "ip", "lab", "--ip", "10.0.0.7", "--ip", "10.0.0.8"],
                 ["allocate", "ip", "lab", "--owner", "a", "--owner", "b"],
                 ["create", "pool", "x", "10.1.0.0/24", "--gateway", "10.1.0.1", "--gateway", "10.1.0.2"]):
        result = run(*args, "--db", db)
        assert result.exit_code == 2 and "given 2 times" in result.stderr, result.output
    assert as_json("get", "pool", "lab", "--db", db)["allocated"] == 0


def test_release_needs_items_or_owner(db: str) -> None:
    ok("create", "pool", "lab", "10.0.0.0/24", "--db", db)
    neither = run("release", "ip", "lab", "--db", db)
    assert neither.exit_code == 2 and "give the addresses to release, or --owner O" in neither.stderr
    assert "not both" not in neither.stderr
    both = run("release", "ip", "lab", "10.0.0.1", "--owner", "a", "--db", db)
    assert both.exit_code == 2 and "not both" in both.stderr


def test_huge_counts_fail_fast(db: str) -> None:
    ok("create", "pool", "big6", "2001:db8::/64", "--db", db)
    line = fails("allocate", "ip", "big6", "--count", "100000000000", "--db", db)
    assert "at most 1048576" in line
    assert as_json("get", "pool", "big6", "--db", db)["allocated"] == 0


def test_long_listings_stream(monkeypatch: pytest.MonkeyPatch, db: str) -> None:
    ok("create", "pool", "lab", "10.0.0.0/24", "2001:db8::/120", "--db", db)
    ok("allocate", "ip", "lab", "--count", "30", "--owner", "a", "--db", db)
    ok("allocate", "ip", "lab", "--count", "5", "--version", "6", "--db", db)
    whole_text = ok("get", "allocations", "lab", "--db", db).stdout
    whole_json = ok("get", "allocations", "lab", "--db", db, "-o", "json").stdout
    import netx.ipam.service

    monkeypatch.setattr(netx.ipam.service, "PAGE", 4)
    assert ok("get", "allocations", "lab", "--db", db, "-o", "json").stdout == whole_json
    assert json.loads(whole_json)[-1] == {"ip": "2001:db8::4", "owner": None}
    assert ok("get", "allocations", "lab", "--db", db).stdout.splitlines()[:31] == whole_text.splitlines()[:31]


def test_read_only_commands_on_a_fresh_machine(tmp_path: Path) -> None:
    """No --db, no NETX_IPAM_URL, no data directory yet: reading shows an empty store and creates nothing."""
    assert ok("get", "pools").stderr == "netx: no pools\n"
    info = as_json("get", "store")
    assert info["exists"] is False and info["path"] == str(tmp_path / "xdg" / "netx" / "ipam.db")
    assert "no IPAM store at" in fails("get", "pool", "lab")
    assert not (tmp_path / "xdg").exists()
