"""Export / import of stores: exact round trips on every backend and across them, conflicts refused
all or nothing, bad exports refused with a clear error."""

from __future__ import annotations

from typing import Any

import pytest

import netx.ipam as ipam
from netx import IP, IPNet
from netx.ipam import IPAMError
from netx.ipam.transfer import ImportConflict, dumps, export_store, import_store, loads

from test_store import assert_partition


def _fill(store: Any) -> None:
    lan = store.create_pool("lan", "10.0.0.0/24", "2001:db8::/64", reserve=["10.0.0.10-10.0.0.19"],
                            gateway="10.0.0.1")
    lan.allocate_many(3, "web")
    lan.allocate("db", ip="10.0.0.77")
    lan.allocate(None, version=6)
    lan.allocate("o'dd \"owner\" ✓")
    lan.release("10.0.0.3")
    rr = store.create_pool("rr", "192.168.0.0/29", strategy="round_robin")
    rr.allocate_many(2, "a")
    rr.release("192.168.0.1")
    rnd = store.create_pool("rnd", "172.16.0.0/16", strategy="random")
    for i in range(5):
        rnd.allocate(f"r{i}")
    nodes = store.create_subnet_pool("nodes", "10.244.0.0/16", "fd00::/48", reserve=["10.244.0.0/24"])
    nodes.allocate(24, "node-a")
    nodes.allocate(64, "node-a")
    nodes.allocate(26, "node-b")
    store.create_pool("empty", "10.9.0.0/30")


def _view(store: Any) -> dict[str, Any]:
    """Everything observable about every pool."""
    out = {}
    for name in store.pools():
        pool = store.get(name)
        out[name] = (pool.spec, list(pool.allocations()), pool.free_set(), pool.stats())
    return out


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def other_url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    if request.param == "memory":
        return "memory://"
    if request.param == "sqlite":
        return "sqlite:///" + (tmp_path / "other.db").as_posix()
    url = request.getfixturevalue("pg_url")
    return str(url).replace("&schema=", "&schema=o")


def test_round_trip_within_and_across_backends(store_url: str, other_url: str) -> None:
    with ipam.open(store_url) as source, ipam.open(other_url) as target:
        _fill(source)
        data = loads(dumps(export_store(source)))  # through JSON text
        assert import_store(target, data) == ["empty", "lan", "nodes", "rnd", "rr"]
        assert _view(target) == _view(source)
        assert export_store(target) == export_store(source)  # strategy state included
        for name in ("lan", "rr", "rnd"):
            assert_partition(target.pool(name))
        # the next calls continue exactly where the source would have
        assert target.pool("rr").allocate("next") == source.pool("rr").allocate("next") == IP("192.168.0.3")
        assert target.pool("lan").allocate("next") == source.pool("lan").allocate("next")
        assert target.subnet_pool("nodes").allocate(24) == source.subnet_pool("nodes").allocate(24)
    if other_url.startswith("postgresql"):
        import psycopg
        from test_store_postgres import _plain, _schema

        with psycopg.connect(_plain(other_url), autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{_schema(other_url)}" CASCADE')


def test_chosen_pools_and_conflicts_are_all_or_nothing(durable_url: str) -> None:
    with ipam.open("memory://") as source, ipam.open(durable_url) as target:
        _fill(source)
        data = export_store(source, ["rr", "nodes"])
        assert [p["name"] for p in data["pools"]] == ["rr", "nodes"]
        target.create_pool("keep", "10.50.0.0/24").allocate("mine")
        target.create_pool("lan", "10.60.0.0/24")
        before = _view(target)
        with pytest.raises(ImportConflict, match=r"already has a pool of the same name \('lan'\)") as info:
            import_store(target, export_store(source))
        assert info.value.names == ["lan"]
        assert _view(target) == before  # nothing was imported
        assert import_store(target, export_store(source), names=["rr", "nodes"]) == ["rr", "nodes"]
        assert target.pools() == ["keep", "lan", "nodes", "rr"]
        assert target.subnet_pool("nodes").subnets_of("node-a") == [IPNet("10.244.1.0/24"), IPNet("fd00::/64")]
        with pytest.raises(IPAMError, match="no pool named 'nope'"):
            export_store(source, ["nope"])


def test_invalid_exports_change_nothing(durable_url: str) -> None:
    with ipam.open("memory://") as source, ipam.open(durable_url) as target:
        _fill(source)
        good = export_store(source)
        target.create_pool("keep", "10.50.0.0/24")
        before = _view(target)
        broken = export_store(source)
        broken["pools"][-1]["allocations"].append(["10.0.0.1", "x"])  # rr's last pool: outside its range
        broken["pools"][1]["allocations"].append(["10.0.0.2", "dup"])  # lan: handed out twice
        with pytest.raises(IPAMError, match="cannot import pool 'lan'.*already allocated.*nothing was imported"):
            import_store(target, broken)
        assert _view(target) == before
        for bad, message in [
            (b"{", "invalid JSON"), (b"[]", "format"), (b'{"format": "netx-ipam-export", "version": 9}', "version 9"),
        ]:
            with pytest.raises(IPAMError, match=message):
                loads(bad)
        with pytest.raises(IPAMError, match="pairs"):
            import_store(target, {**good, "pools": [{**good["pools"][0], "allocations": [["10.0.0.1"]]}]})
        for i, value in [(1, "bogus"), (1, "10.0.0.0/24"), (2, "10.244.9.1/24"), (2, "nope")]:  # lan, nodes
            entry = good["pools"][i]
            with pytest.raises(IPAMError, match=f"cannot import pool {entry['name']!r}: invalid IP .*{value!r}.*nothing"):
                import_store(target, {**good, "pools": [{**entry, "allocations": [[value, None]]}]})
        assert _view(target) == before


def test_cli_export_import(tmp_path: Any, pg_url: str) -> None:
    import json
    import subprocess
    import sys

    def netx(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([sys.executable, "-m", "netx", *args], input=stdin, capture_output=True, timeout=120)

    db = "sqlite:///" + (tmp_path / "a.db").as_posix()
    with ipam.open(db) as store:
        _fill(store)
        expected = export_store(store)
    out = netx("export", "--db", db)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == expected
    done = netx("import", "-", "--db", pg_url, stdin=out.stdout)  # SQLite -> PostgreSQL
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode().split("\n")[:2] == ["imported pool empty", "imported pool lan"]
    with ipam.open(pg_url) as store:
        assert export_store(store) == expected
    again = netx("import", "-", "--db", pg_url, stdin=out.stdout)
    assert again.returncode == 1 and b"already has 5 pools of the same name" in again.stderr
    assert netx("export", "lan", "--db", db, "--file", str(tmp_path / "lan.json")).returncode == 0
    assert [p["name"] for p in json.loads((tmp_path / "lan.json").read_text())["pools"]] == ["lan"]
    bad = netx("import", str(tmp_path / "nope.json"), "--db", db)
    assert bad.returncode == 1 and bad.stderr.startswith(b"netx: error:")


def test_leases_keep_their_expiry(store_url: str) -> None:
    """A lease is exported with its expiry and imported as that same lease, never as a permanent allocation."""
    with ipam.open(store_url) as source, ipam.open("memory://") as target:
        wifi = source.create_pool("wifi", "172.16.0.0/29")
        wifi.allocate("laptop", ttl=3600)
        wifi.allocate("printer")
        wifi.allocate("phone", ttl=3600)
        data = loads(dumps(export_store(source)))
        assert [a[:2] for a in data["pools"][0]["allocations"]] == [
            ["172.16.0.1", "laptop"], ["172.16.0.2", "printer"], ["172.16.0.3", "phone"]]
        import_store(target, data)
        assert list(target.pool("wifi").leases()) == list(wifi.leases())
        assert [e is None for _, _, e in wifi.leases()] == [False, True, False]
        assert export_store(target) == data
        import_store(source, {**data, "pools": [{**data["pools"][0], "name": "copy"}]})  # into this kind of store
        assert list(source.pool("copy").leases()) == list(wifi.leases())
        lapsed = {**data["pools"][0], "name": "lapsed"}  # an export whose phone lease has run out since
        lapsed["allocations"] = [*lapsed["allocations"][:2], ["172.16.0.3", "phone", "2000-01-01T00:00:00+00:00"]]
        import_store(target, {**data, "pools": [lapsed]})
        assert [ip for ip, _ in target.pool("lapsed").allocations()] == [IP("172.16.0.1"), IP("172.16.0.2")]
        assert target.pool("lapsed").allocate("tablet", ip="172.16.0.3") == IP("172.16.0.3")
        bad = loads(dumps(export_store(source)))
        bad["pools"][0]["allocations"][1].append("yesterday")  # the printer's: no lease
        with pytest.raises(IPAMError, match=r"allocations\[1\].*expiry.*not 'yesterday'"):
            import_store(target, {**bad, "pools": [{**bad["pools"][0], "name": "other"}]})


@pytest.mark.parametrize(
    "state, message",
    [
        ({"round_robin.4": "abc"}, "'round_robin.4': 'abc' is not"),
        ({"round_robin.4": str(1 << 40)}, "'round_robin.4': '1099511627776' is not the key of an IPv4 address"),
        ({"round_robin.6": "5"}, "'round_robin.6': '5' is not"),
        ({"round_robin.4": " 5"}, "'round_robin.4': ' 5' is not"),
        ({"leases": "zzz"}, "'leases': 'zzz'"),
        ({"cursor": "1"}, "has an unknown state key 'cursor'"),
    ],
)
def test_corrupt_state_is_refused(state: dict[str, str], message: str) -> None:
    """The strategy state is checked like the rest of an export: a bad cursor would break every later call."""
    with ipam.open("memory://") as source, ipam.open("memory://") as target:
        source.create_pool("rr", "10.0.0.0/29", strategy="round_robin").allocate("a")
        data = export_store(source)
        data["pools"][0]["state"] = state
        with pytest.raises(IPAMError, match=r"pools\[0\] \('rr'\): state " + message):
            import_store(target, data)
        assert target.pools() == []


def test_a_pool_deleted_while_exporting_the_store_is_left_out(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Exporting a whole store while another process deletes a pool exports the others (it failed with 'no pool
    named ...'); a pool asked for by name and gone is still an error."""
    with ipam.open(sqlite_url) as store, ipam.open(sqlite_url) as other:
        for i, name in enumerate(("a", "b", "c")):
            store.create_pool(name, f"10.0.{i}.0/24")
        kinds = type(store).pool_kinds

        def racing(self: Any) -> dict[str, str]:
            found = kinds(self)
            if self is store and "b" in found:
                other.delete_pool("b")  # after the names were read
            return found

        monkeypatch.setattr(type(store), "pool_kinds", racing)
        assert [p["name"] for p in export_store(store)["pools"]] == ["a", "c"]
        other.create_pool("b", "10.0.1.0/24")
        with pytest.raises(IPAMError, match="'b'"):
            export_store(store, ["a", "b"])


def test_write_export_streams_the_same_bytes(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """``write_export`` writes exactly ``dumps(export_store(...))``: the whole store, chosen pools, an empty
    store, and allocations across several batches (a batch of 4 here), with a lease among them."""
    import io

    from netx.ipam import transfer

    monkeypatch.setattr(transfer, "_BATCH", 4)
    with ipam.open(store_url) as store:
        empty = io.BytesIO()
        transfer.write_export(store, empty)
        assert empty.getvalue() == dumps(export_store(store)) == b'{\n  "format": "netx-ipam-export",\n  "version": 1,\n  "pools": []\n}\n'
        _fill(store)
        store.pool("lan").allocate("leased", ttl=3600)
        for size in (4, 8, 9):  # exactly one batch, two, two and one more
            store.create_pool(f"b{size}", f"10.{size}.0.0/24").allocate_many(size, "x")
        for names in (None, ["rr"], ["empty"], ["b4", "lan", "b9", "b8", "nodes"]):
            out = io.BytesIO()
            transfer.write_export(store, out, names)
            assert out.getvalue() == dumps(export_store(store, names)), names
            assert loads(out.getvalue()) == export_store(store, names)


def test_cli_export_file_is_whole_or_absent(tmp_path: Any) -> None:
    """``netx export --file F`` replaces F only once the export is complete; a failed export leaves F (and no
    temporary file) behind; an existing file's replacement gets the mode a new file would."""
    import os
    import stat

    from click.testing import CliRunner

    from netx.cli import cli

    db = "sqlite:///" + (tmp_path / "s.db").as_posix()
    with ipam.open(db) as store:
        _fill(store)
    target = tmp_path / "backup.json"
    target.write_bytes(b"old")
    runner = CliRunner()
    result = runner.invoke(cli, ["export", "lan", "nope", "--db", db, "--file", str(target)])
    assert result.exit_code != 0 and "nope" in result.output
    assert target.read_bytes() == b"old" and sorted(p.name for p in tmp_path.iterdir()) == ["backup.json", "s.db"]
    result = runner.invoke(cli, ["export", "--db", db, "--file", str(target)])
    assert result.exit_code == 0, result.output
    with ipam.open(db) as store:
        assert target.read_bytes() == dumps(export_store(store))
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".netx-export-")) == []
    # a device or FIFO is written as given, never replaced
    result = runner.invoke(cli, ["export", "--db", db, "--file", os.devnull])
    assert result.exit_code == 0, result.output
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_write_export_memory_stays_flat(tmp_path: Any) -> None:
    """Streaming holds a batch, not the store: 40,000 allocations export with well under a tenth of the
    memory ``export_store`` needs for them (measured with tracemalloc)."""
    import os
    import tracemalloc

    from netx.ipam import transfer

    with ipam.open("sqlite:///" + (tmp_path / "s.db").as_posix()) as store:
        store.create_pool("big", "10.0.0.0/16").allocate_many(40_000, "some-owner")
        peaks = []
        for export in (lambda f: f.write(dumps(export_store(store))), lambda f: transfer.write_export(store, f)):
            with open(os.devnull, "wb") as f:
                tracemalloc.start()
                try:
                    export(f)
                    peaks.append(tracemalloc.get_traced_memory()[1])
                finally:
                    tracemalloc.stop()
    held, streamed = peaks
    assert held > 10_000_000 and streamed < held / 10, peaks
