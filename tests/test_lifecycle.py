"""The allocation lifecycle on every store: ``ensure`` (idempotent allocation) and ``reconcile`` (GC).

Each test runs on the in-memory pool's state, on SQLite and on PostgreSQL (``store_url``):
one algorithm, so the same calls give the same results everywhere.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest
from click.testing import CliRunner

import netx.ipam as ipam
from netx import IP, IPNet
from netx.cli import cli
from netx.ipam import IPAMError, NotInPool, PoolExhausted

_STORES: list[Any] = []


@pytest.fixture(autouse=True)
def _close_stores() -> Iterator[None]:
    yield
    while _STORES:
        _STORES.pop().close()


def _pool(url: str, *ranges: str, **kw: Any) -> ipam.Pool:
    store = ipam.open(url)
    _STORES.append(store)
    return store.create_pool("p", *ranges, **kw)


@pytest.mark.parametrize("strategy", ["lowest", "round_robin", "random"])
def test_ensure_is_idempotent(store_url: str, strategy: str) -> None:
    pool = _pool(store_url, "10.0.0.0/28", "fd00::/125", strategy=strategy)
    first = pool.ensure("web", 3)
    assert len(first) == 3 and first == sorted(first) and all(ip.version == 4 for ip in first)
    assert pool.ensure("web", 3) == first  # again: nothing changes
    assert pool.addresses_of("web") == first
    assert pool.ensure("web", 2) == first[:2]  # fewer: the lowest it holds, nothing released
    assert pool.addresses_of("web") == first
    more = pool.ensure("web", 5)
    assert more[:3] == first or set(first) <= set(more)
    assert len(pool.addresses_of("web")) == 5
    v6 = pool.ensure("web", 1, version=6)
    assert v6[0].version == 6 and pool.ensure("web", 1, version=6) == v6
    assert pool.stats().allocated == 6


def test_ensure_counts_what_the_owner_already_holds(store_url: str) -> None:
    pool = _pool(store_url, "10.0.0.0/29")
    pool.allocate("db", ip="10.0.0.5")
    assert pool.ensure("db", 2) == [IP("10.0.0.1"), IP("10.0.0.5")]
    assert pool.ensure("db") == [IP("10.0.0.1")]


def test_ensure_is_all_or_nothing(store_url: str) -> None:
    pool = _pool(store_url, "10.0.0.0/29")  # 6 usable
    pool.ensure("a", 4)
    with pytest.raises(PoolExhausted):
        pool.ensure("b", 3)
    assert pool.addresses_of("b") == [] and pool.stats().allocated == 4
    with pytest.raises(PoolExhausted):
        pool.ensure("a", 7)
    assert len(pool.addresses_of("a")) == 4
    assert len(pool.ensure("a", 6)) == 6


def test_ensure_needs_an_owner_and_a_count(store_url: str) -> None:
    pool = _pool(store_url, "10.0.0.0/29")
    with pytest.raises(IPAMError):
        pool.ensure(None)  # type: ignore[arg-type]
    with pytest.raises(IPAMError):
        pool.ensure("a", 0)
    with pytest.raises(TypeError):
        pool.ensure(5)  # type: ignore[arg-type]


def test_reconcile_releases_what_is_not_valid(store_url: str) -> None:
    pool = _pool(store_url, "10.0.0.0/28", strategy="round_robin")
    for owner in ("a", "b", "c"):
        pool.ensure(owner, 2)
    pool.allocate(None)
    plan = pool.reconcile(["a", "c"], dry_run=True)
    assert [o for _, o in plan] == ["b", "b", None]
    assert pool.stats().allocated == 7  # dry run: nothing changed
    assert pool.reconcile(["a", "c"]) == plan
    assert sorted({o for _, o in pool.allocations()}) == ["a", "c"]
    assert pool.reconcile(["a", "c"]) == []
    assert pool.free_set().size == pool.stats().free
    # only the owners ``where`` selects are reconciled
    pool.ensure("node1/x")
    pool.ensure("node2/y")
    gone = pool.reconcile([], where=lambda o: o is not None and o.startswith("node1/"))
    assert [o for _, o in gone] == ["node1/x"]
    assert sorted(o for _, o in pool.allocations() if o) == ["a", "a", "c", "c", "node2/y"]
    with pytest.raises(TypeError):
        pool.reconcile("a")


def test_reconcile_subnet_pools(store_url: str) -> None:
    with ipam.open(store_url) as store:
        nodes = store.create_subnet_pool("n", "10.244.0.0/16")
        nodes.allocate(24, "node-1"), nodes.allocate(24, "node-2")
        assert nodes.reconcile(["node-2"]) == [(IPNet("10.244.0.0/24"), "node-1")]
        assert [o for _, o in nodes.allocations()] == ["node-2"]


# -- the command line ------------------------------------------------------------------------
def _netx(db: str, *args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [*args, "--db", db], input=stdin)
    return result.exit_code, result.output


def test_cli_ensure_and_reconcile(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/cli.db"
    assert _netx(db, "create", "pool", "lab", "10.0.0.0/29")[0] == 0
    first = _netx(db, "allocate", "ip", "lab", "--owner", "web", "--count", "2", "--ensure")
    assert first == (0, "10.0.0.1\n10.0.0.2\n")
    assert _netx(db, "allocate", "ip", "lab", "--owner", "web", "--count", "2", "--ensure") == first
    assert _netx(db, "allocate", "ip", "lab", "--owner", "web", "--count", "9", "--ensure")[0] == 1  # all or nothing
    assert _netx(db, "allocate", "ip", "lab", "--ensure")[0] == 2  # needs --owner
    assert _netx(db, "allocate", "ip", "lab", "--owner", "x", "--ip", "10.0.0.5", "--ensure")[0] == 2
    _netx(db, "allocate", "ip", "lab", "--owner", "db")
    code, out = _netx(db, "reconcile", "ip", "lab", "--keep", "web", "--dry-run", "-o", "json")
    assert code == 0 and json.loads(out) == {"dry_run": True, "released": [{"ip": "10.0.0.3", "owner": "db"}]}
    assert _netx(db, "reconcile", "ip", "lab")[0] == 2  # no owners to keep given: a usage error
    assert _netx(db, "reconcile", "subnet", "lab", "--keep", "web")[0] == 1  # an address pool
    code, out = _netx(db, "reconcile", "ip", "lab", "--keep-file", "-", stdin="web\n\n")
    assert code == 0 and "10.0.0.3  db" in out
    code, out = _netx(db, "reconcile", "ip", "lab", "--keep-file", "-", stdin="")
    assert code == 0 and "released 2 addresses" in out
    assert _netx(db, "get", "pool", "lab", "-o", "json")[1].count('"allocated": 0') == 1


def test_cli_keep_file_as_editors_write_it(tmp_path: Path) -> None:
    """A keep file with a UTF-8 byte order mark and CRLF line ends keeps its first owner too (reading the mark
    as part of the owner released that owner's addresses); a file that is not UTF-8 is one clear error."""
    db = f"sqlite:///{tmp_path}/cli.db"
    assert _netx(db, "create", "pool", "lab", "10.0.0.0/29")[0] == 0
    for owner in ("web-1", "web-2", "gone"):
        assert _netx(db, "allocate", "ip", "lab", "--owner", owner)[0] == 0
    keep = tmp_path / "keep.txt"
    keep.write_bytes("\ufeffweb-1\r\nweb-2\r\n".encode())
    code, out = _netx(db, "reconcile", "ip", "lab", "--keep-file", str(keep), "--dry-run", "-o", "json")
    assert code == 0 and json.loads(out)["released"] == [{"ip": "10.0.0.3", "owner": "gone"}]
    result = CliRunner().invoke(cli, ["reconcile", "ip", "lab", "--keep-file", "-", "--dry-run", "-o", "json",
                                      "--db", db], input="\ufeffweb-1\nweb-2\n".encode())
    assert result.exit_code == 0 and json.loads(result.stdout)["released"] == [{"ip": "10.0.0.3", "owner": "gone"}]
    keep.write_bytes(b"web-1\n\xffweb-2\n")
    code, out = _netx(db, "reconcile", "ip", "lab", "--keep-file", str(keep))
    assert code == 1 and out.strip() == f"netx: error: {keep}: not UTF-8 text (invalid start byte at line 2); nothing released"
    assert _netx(db, "get", "pool", "lab", "-o", "json")[1].count('"allocated": 3') == 1


# -- leases --------------------------------------------------------------------------------------
SHORT = 0.3  # seconds: a lease the test outlives (it sleeps past it; nothing asserts timings)


def _expire(*_: object) -> None:
    import time

    time.sleep(SHORT + 0.2)


def test_leases_expire_and_are_reclaimed_by_the_next_call_that_needs_space(store_url: str) -> None:
    import datetime as dt

    pool = _pool(store_url, "10.0.0.0/30", strategy="round_robin")  # two addresses: .1, .2
    a = pool.allocate("a", ttl=SHORT)
    b = pool.allocate("b")
    with pytest.raises(PoolExhausted):  # a's lease is still valid: never handed out
        pool.allocate("c")
    (ip_a, owner_a, expires_a), (ip_b, owner_b, expires_b) = list(pool.leases())
    assert (ip_a, owner_a, ip_b, owner_b, expires_b) == (a, "a", b, "b", None)
    assert expires_a is not None and expires_a.tzinfo == dt.timezone.utc
    assert abs((expires_a - dt.datetime.now(dt.timezone.utc)).total_seconds() - SHORT) < 5
    _expire()
    # expired: free again, although nothing reclaimed it yet
    assert not pool.is_allocated(a) and pool.owner_of(a) is None and pool.addresses_of("a") == []
    assert [ip for ip, _ in pool.allocations()] == [b] and pool.stats().allocated == 1
    assert a in pool.free_set() and [ip for ip, *_ in pool.leases()] == [b]
    assert pool.renew(a, 60) is False  # too late
    assert pool.allocate("c") == a  # the call that needs space reclaims it
    assert pool.owner_of(a) == "c" and pool.stats() == ipam.PoolStats(2, 2, 0)


def test_renew_and_ensure_with_ttl(store_url: str) -> None:
    pool = _pool(store_url, "10.0.0.0/29")
    ip = pool.allocate("vm", ttl=SHORT)
    assert pool.renew(ip, 60) is True and pool.renew("10.0.0.5", 60) is False
    _expire()
    assert pool.owner_of(ip) == "vm"  # renewed: still held
    held = pool.ensure("svc", 2, ttl=SHORT)
    assert pool.ensure("svc", 2, ttl=60) == held  # idempotent, and renews what it returns
    _expire()
    assert pool.addresses_of("svc") == held
    assert pool.ensure("job", ttl=SHORT) == [IP("10.0.0.4")]
    _expire()
    assert pool.addresses_of("job") == [] and pool.ensure("job") == [IP("10.0.0.5")]  # free space first: .4 waits
    with pytest.raises(IPAMError):
        pool.allocate("x", ttl=0)
    with pytest.raises(TypeError):
        pool.allocate("x", ttl="60")  # type: ignore[arg-type]
    for ip in (held[0], "10.0.0.6", "10.9.9.9"):  # a bad ttl is an error whether or not the address is held
        with pytest.raises(IPAMError, match="ttl must be a positive number"):
            pool.renew(ip, -1)
        with pytest.raises(TypeError, match="ttl must be a number"):
            pool.renew(ip, "60")  # type: ignore[arg-type]


def test_a_pool_whose_leases_all_expired_deletes_without_force(store_url: str) -> None:
    """Expired leases are free again: they do not keep a pool 'in use' (stats already said 0 allocated)."""
    with ipam.open(store_url) as store:
        lapsed = store.create_pool("lapsed", "10.0.0.0/29")
        lapsed.allocate_many(2, "vm", ttl=SHORT)
        mixed = store.create_pool("mixed", "10.0.1.0/29")
        mixed.allocate("vm", ttl=SHORT)
        mixed.allocate("db")
        _expire()
        assert lapsed.stats().allocated == 0
        store.delete_pool("lapsed")
        with pytest.raises(ipam.PoolInUse, match="still has 1 allocation;") as info:
            store.delete_pool("mixed")
        assert info.value.allocated == 1
        assert store.pools() == ["mixed"]


def test_expired_lease_can_be_asked_for_and_released(store_url: str) -> None:
    pool = _pool(store_url, "10.0.0.0/29")
    pool.allocate("old", ip="10.0.0.3", ttl=SHORT)
    many = pool.allocate_many(2, "batch", ttl=SHORT)
    with pytest.raises(ipam.AlreadyAllocated):
        pool.allocate("new", ip="10.0.0.3")
    _expire()
    assert pool.allocate("new", ip="10.0.0.3") == IP("10.0.0.3")
    assert pool.release(many[0]) is False  # a lapsed lease was not allocated any more
    assert [o for _, o in pool.allocations()] == ["new"]
    assert pool.reconcile([]) == [(IP("10.0.0.3"), "new")]


def test_many_expired_leases_are_reclaimed_a_few_at_a_time(store_url: str) -> None:
    """An exhausted pool of expired leases: each call reclaims what it needs (oldest first), not all of them."""
    pool = _pool(store_url, "10.0.0.0/27")  # 30 addresses
    pool.allocate_many(30, "gone", ttl=SHORT)
    _expire()
    assert pool.stats().allocated == 0 and pool.free_set().size == 30

    def stored() -> int:  # rows in the state, expired ones included
        with pool._state.transaction():
            return pool._state.alloc_totals().allocations

    pool.allocate("x")
    assert stored() == 30  # one expired lease reclaimed, one allocation added
    pool.allocate_many(3, "y")
    assert stored() == 30 and pool.stats().allocated == 4
    assert len(pool.ensure("z", 26)) == 26 and stored() == 30 and pool.stats().free == 0


def test_postgresql_leases_follow_the_database_clock(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Hosts' clocks differ: on PostgreSQL the database decides when a lease ends."""
    import datetime as dt
    import time

    pool = _pool(pg_url, "10.0.0.0/29")
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 3600)  # this host's clock is an hour fast
    pool.allocate("vm", ttl=60)
    [(_, _, expires)] = list(pool.leases())
    assert expires is not None
    assert abs((expires - dt.datetime.fromtimestamp(real(), dt.timezone.utc)).total_seconds() - 60) < 30


# -- SubnetPool.ensure ---------------------------------------------------------------------------
def _subnets(url: str, *parents: str) -> ipam.SubnetPool:
    store = ipam.open(url)
    _STORES.append(store)
    return store.create_subnet_pool("s", *parents)


def test_subnet_ensure_is_idempotent(store_url: str) -> None:
    nodes = _subnets(store_url, "10.244.0.0/22", "fd00::/62")
    first = nodes.ensure("node-1", 24, 2)
    assert first == [IPNet("10.244.0.0/24"), IPNet("10.244.1.0/24")]
    assert nodes.ensure("node-1", 24, 2) == first  # again: nothing changes
    assert nodes.allocate(24, "node-2") == IPNet("10.244.2.0/24")
    assert nodes.ensure("node-1", 24, 1) == first[:1] and nodes.subnets_of("node-1") == first  # fewer: none released
    assert nodes.ensure("node-1", 24, 3) == [*first, IPNet("10.244.3.0/24")]  # only the missing one allocated
    assert nodes.ensure("node-1", 64, 1) == [IPNet("fd00::/64")]  # other sizes: neither counted nor touched
    assert nodes.ensure("node-1", 64, 1, version=6) == [IPNet("fd00::/64")]
    assert len(nodes.subnets_of("node-1")) == 4 and nodes.stats().allocated == 4 * 256 + (1 << 64)
    nodes.release("10.244.1.0/24")
    assert nodes.ensure("node-1", 24, 3) == [IPNet("10.244.0.0/24"), IPNet("10.244.1.0/24"), IPNet("10.244.3.0/24")]


def test_subnet_ensure_is_all_or_nothing(store_url: str) -> None:
    blocks = _subnets(store_url, "10.0.0.0/24")
    blocks.allocate(26, "a", subnet="10.0.0.64/26")
    assert blocks.ensure("b", 26) == [IPNet("10.0.0.0/26")]
    with pytest.raises(PoolExhausted) as caught:  # b holds one, needs three more, two are free
        blocks.ensure("b", 26, 4)
    assert (caught.value.requested, caught.value.free, caught.value.prefixlen) == (3, 2, 26)
    assert blocks.subnets_of("b") == [IPNet("10.0.0.0/26")] and blocks.stats().allocated == 128  # nothing taken
    assert blocks.ensure("b", 26, 3) == [IPNet("10.0.0.0/26"), IPNet("10.0.0.128/26"), IPNet("10.0.0.192/26")]
    with pytest.raises(IPAMError):
        blocks.ensure(None, 26)  # type: ignore[arg-type]
    with pytest.raises(IPAMError):
        blocks.ensure("b", 16)  # no parent holds a /16
    with pytest.raises(NotInPool):
        blocks.ensure("b", 64, version=6)
    with pytest.raises(IPAMError):
        blocks.ensure("b", 26, 0)


# -- leases and SubnetPool.ensure through the service layer and the CLI --------------------------
def test_service_leases_renew_and_ensure(store_url: str) -> None:
    import datetime as dt

    from netx.ipam.service import Lease, Renewed, Service

    with Service.open(store_url) as svc:
        svc.create_pool("dhcp", ["10.0.0.0/29"])
        [a] = svc.allocate_ip("dhcp", owner="laptop", ttl=SHORT)
        b, c = (x.item for x in svc.allocate_ip("dhcp", owner="tv", count=2, ttl=60))
        [d] = svc.allocate_ip("dhcp", owner="printer", ip="10.0.0.6", ttl=60)
        [e] = svc.allocate_ip("dhcp", owner="nas")
        got = svc.ensure_ip("dhcp", owner="tv", count=2, ttl=120)
        assert [x.item for x in got] == [b, c]
        leases = list(svc.leases("dhcp"))
        assert [(x.item, x.owner) for x in leases] == [
            (a.item, "laptop"), (b, "tv"), (c, "tv"), (e.item, "nas"), (d.item, "printer")
        ]
        assert all(isinstance(x, Lease) for x in leases) and leases[3].expires is None
        now = dt.datetime.now(dt.timezone.utc)
        assert 100 < (leases[1].expires - now).total_seconds() < 130  # type: ignore[operator]  # ensure renewed it
        assert leases[3].to_dict() == {"ip": e.item, "owner": "nas", "expires": None}
        assert svc.renew("dhcp", [e.item, "10.0.0.5", e.item], ttl=30) == Renewed([e.item], [IP("10.0.0.5")])
        with pytest.raises(NotInPool):
            svc.renew("dhcp", ["10.0.0.2", "10.9.9.9"], ttl=30)  # checked before any is renewed
        with pytest.raises(IPAMError):
            svc.renew("dhcp", [e.item], ttl=0)
        with pytest.raises(IPAMError):
            svc.allocate_ip("dhcp", owner="x", ttl=-1)
        _expire()
        assert a.item not in [x.item for x in svc.leases("dhcp")]  # the laptop's lease ran out
        assert svc.renew("dhcp", [a.item], ttl=60) == Renewed([], [a.item])
        svc.create_subnet_pool("nodes", ["10.244.0.0/16"])
        with pytest.raises(ipam.WrongPoolKind):
            list(svc.leases("nodes"))
        first = svc.ensure_subnet("nodes", owner="n1", prefixlen=24, count=2)
        assert svc.ensure_subnet("nodes", owner="n1", prefixlen=24, count=2) == first
        assert [x.to_dict() for x in first] == [
            {"subnet": IPNet("10.244.0.0/24"), "owner": "n1"}, {"subnet": IPNet("10.244.1.0/24"), "owner": "n1"}
        ]


def test_service_leases_page_through_many(store_url: str) -> None:
    from netx.ipam.service import PAGE, Service

    with Service.open(store_url) as svc:
        svc.create_pool("big", ["10.0.0.0/20"])
        svc.allocate_ip("big", owner="a", count=PAGE + 5, ttl=600)
        leases = list(svc.leases("big"))
        assert len(leases) == PAGE + 5 and len({x.item for x in leases}) == PAGE + 5
        assert [x.item for x in leases] == sorted(x.item for x in leases)


def test_cli_leases_and_subnet_ensure(durable_url: str) -> None:
    import datetime as dt

    db = durable_url
    assert _netx(db, "create", "pool", "dhcp", "192.168.1.0/29")[0] == 0
    assert _netx(db, "allocate", "ip", "dhcp", "--owner", "laptop", "--ttl", "3600") == (0, "192.168.1.1\n")
    assert _netx(db, "allocate", "ip", "dhcp", "--owner", "nas") == (0, "192.168.1.2\n")
    assert _netx(db, "allocate", "ip", "dhcp", "--owner", "tv", "--count", "2", "--ensure", "--ttl", "60.5") == (
        0, "192.168.1.3\n192.168.1.4\n"
    )
    assert _netx(db, "allocate", "ip", "dhcp", "--owner", "tv", "--count", "2", "--ensure", "--ttl", "90")[1] == (
        "192.168.1.3\n192.168.1.4\n"
    )
    for bad in ("0", "-5", "nan", "inf", "ten", "1e13", ""):
        code, out = _netx(db, "allocate", "ip", "dhcp", "--ttl", bad)
        assert code == 2 and "--ttl" in out and "positive number of seconds" in out, (bad, out)
    code, out = _netx(db, "get", "leases", "dhcp")
    rows = [line.split() for line in out.splitlines()]
    assert code == 0 and rows[0] == ["ADDRESS", "OWNER", "EXPIRES"]
    assert [r[:2] for r in rows[1:]] == [["192.168.1.1", "laptop"], ["192.168.1.2", "nas"],
                                         ["192.168.1.3", "tv"], ["192.168.1.4", "tv"]]
    assert rows[2][2] == "-"
    now = dt.datetime.now(dt.timezone.utc)
    laptop = dt.datetime.fromisoformat(rows[1][2])
    assert 3500 < (laptop - now).total_seconds() < 3700
    code, out = _netx(db, "get", "leases", "dhcp", "-o", "json")
    items = json.loads(out)
    assert code == 0 and [i["ip"] for i in items] == ["192.168.1.1", "192.168.1.2", "192.168.1.3", "192.168.1.4"]
    assert items[1] == {"ip": "192.168.1.2", "owner": "nas", "expires": None}
    tv = dt.datetime.fromisoformat(items[2]["expires"])
    assert 60 < (tv - now).total_seconds() < 120  # the second --ensure renewed it to 90 s
    assert _netx(db, "renew", "ip", "dhcp", "192.168.1.2", "--ttl", "30") == (0, "192.168.1.2\n")
    code, out = _netx(db, "renew", "ip", "dhcp", "192.168.1.2", "192.168.1.6", "--ttl", "30")
    assert code == 1 and out.startswith("192.168.1.2\n") and "not allocated in pool 'dhcp': 192.168.1.6" in out
    code, out = _netx(db, "renew", "ip", "dhcp", "192.168.1.6", "--ttl", "30", "-o", "json")
    assert code == 1 and json.loads(out.split("netx: error")[0]) == {"renewed": [], "not_allocated": ["192.168.1.6"]}
    assert _netx(db, "renew", "ip", "dhcp", "10.0.0.1", "--ttl", "30")[0] == 1  # not in the pool
    assert _netx(db, "renew", "ip", "dhcp", "192.168.1.2")[0] == 2  # --ttl is required
    assert _netx(db, "renew", "ip", "dhcp", "--ttl", "30")[0] == 2  # and an address
    assert _netx(db, "renew", "ip", "dhcp", "192.168.1.2", "--ttl", "0")[0] == 2
    assert json.loads(_netx(db, "get", "leases", "dhcp", "-o", "json")[1])[1]["expires"] is not None
    assert _netx(db, "get", "leases", "nope")[0] == 1
    # subnets: --ensure
    assert _netx(db, "create", "subnet-pool", "nodes", "10.244.0.0/16")[0] == 0
    first = _netx(db, "allocate", "subnet", "nodes", "--prefix", "24", "--owner", "n1", "--count", "2", "--ensure")
    assert first == (0, "10.244.0.0/24\n10.244.1.0/24\n")
    assert _netx(db, "allocate", "subnet", "nodes", "--prefix", "24", "--owner", "n1", "--count", "2", "--ensure") == first
    assert _netx(db, "allocate", "subnet", "nodes", "--prefix", "24", "--owner", "n2", "--ensure") == (
        0, "10.244.2.0/24\n"
    )
    assert _netx(db, "allocate", "subnet", "nodes", "--prefix", "24", "--ensure")[0] == 2  # needs --owner
    assert _netx(db, "allocate", "subnet", "nodes", "--subnet", "10.244.9.0/24", "--owner", "x", "--ensure")[0] == 2
    assert _netx(db, "allocate", "subnet", "nodes", "--prefix", "24", "--owner", "n3", "--count", "999",
                 "--ensure")[0] == 1
    assert _netx(db, "get", "leases", "nodes")[0] == 1  # a subnet pool has no leases
    code, out = _netx(db, "get", "allocations", "nodes", "-o", "json")
    assert [i["owner"] for i in json.loads(out)] == ["n1", "n1", "n2"]
