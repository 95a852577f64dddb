"""The IPAM service layer (netx.ipam.service): typed arguments and results, their JSON shapes,
errors that carry fields, streaming listings, read-only opens, and a light import path."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from netx.ipam.store._schema import SCHEMA_VERSION

import netx
import netx.ipam as ipam
from netx import IP, IPNet
from netx.ipam import (
    AlreadyAllocated, IPAMError, NotInPool, PoolDefinitionMismatch, PoolExhausted, PoolInUse, PoolNotFound, Reserved,
    StoreError, WrongPoolKind,
)
from netx.ipam import service as service_module
from netx.ipam.service import Allocation, PoolInfo, Service


def test_pools_lifecycle(store_url: str) -> None:
    with Service.open(store_url) as s:
        made = s.create_pool("lab", ["10.0.0.0/24"], gateway="10.0.0.1", reserve=["10.0.0.5"])
        assert made.created and isinstance(made.pool, PoolInfo)
        assert made.to_dict() == {
            "name": "lab", "kind": "address", "ranges": [IPNet("10.0.0.0/24")], "strategy": "lowest",
            "gateway": IP("10.0.0.1"), "reserve": [IP("10.0.0.5")], "size": 252, "allocated": 0, "free": 252,
            "created": True,
        }
        again = s.create_pool("lab", ["10.0.0.0/24"], gateway="10.0.0.1", reserve=["10.0.0.5"], if_not_exists=True)
        assert not again.created and again.pool == made.pool
        nodes = s.create_subnet_pool("nodes", ["10.244.0.0/16"]).pool
        assert nodes.to_dict() == {
            "name": "nodes", "kind": "subnet", "ranges": [IPNet("10.244.0.0/16")], "reserve": [], "size": 65536,
            "allocated": 0, "free": 65536,
        }
        assert [p.name for p in s.list_pools()] == ["lab", "nodes"]
        got = s.allocate_ip("lab", owner="web", count=3)
        assert got == [Allocation(IP(f"10.0.0.{i}"), "web") for i in (2, 3, 4)]
        assert got[0].to_dict() == {"ip": IP("10.0.0.2"), "owner": "web"}
        [net] = s.allocate_subnet("nodes", prefixlen=24, owner="n1")
        assert net.to_dict() == {"subnet": IPNet("10.244.0.0/24"), "owner": "n1"}
        assert s.get_pool("nodes").allocated == 256
        assert list(s.allocations("lab", owner="web")) == got
        done = s.release("lab", ["10.0.0.2", "10.0.0.9"])
        assert done.to_dict() == {"released": [IP("10.0.0.2")], "not_allocated": [IP("10.0.0.9")]}
        assert s.release("nodes", owner="n1").released == [IPNet("10.244.0.0/24")]
        with pytest.raises(PoolInUse) as info:
            s.delete_pool("lab")
        assert (info.value.pool, info.value.allocated) == ("lab", 2)
        assert s.delete_pool("lab", force=True).to_dict() == {"name": "lab", "deleted": True}
        assert s.delete_pool("lab", if_exists=True).deleted is False


def test_errors_carry_fields(store_url: str) -> None:
    with Service.open(store_url) as s:
        s.create_pool("tiny", ["10.0.0.0/29"], gateway="10.0.0.1", reserve=["10.0.0.6"])
        s.create_pool("dual", ["10.1.0.0/30", "fd00::/126"])
        s.create_subnet_pool("nodes", ["10.244.0.0/22"])
        s.allocate_ip("tiny", owner="a", ip="10.0.0.2")
        with pytest.raises(AlreadyAllocated) as taken:
            s.allocate_ip("tiny", ip="10.0.0.2")
        assert (taken.value.pool, taken.value.address, taken.value.owner) == ("tiny", IP("10.0.0.2"), "a")
        with pytest.raises(Reserved) as reserved:
            s.allocate_ip("tiny", ip="10.0.0.1")
        assert (reserved.value.address, reserved.value.reason) == (IP("10.0.0.1"), "is the gateway")
        with pytest.raises(NotInPool) as outside:
            s.allocate_ip("tiny", ip="10.9.0.1")
        assert outside.value.address == IP("10.9.0.1")
        with pytest.raises(PoolExhausted) as few:
            s.allocate_ip("tiny", count=5)
        assert (few.value.pool, few.value.requested, few.value.free, few.value.version) == ("tiny", 5, 3, None)
        s.allocate_ip("dual", count=2, version=4)
        with pytest.raises(PoolExhausted) as v4:
            s.allocate_ip("dual", version=4)
        assert (v4.value.requested, v4.value.free, v4.value.version) == (1, 0, 4)
        with pytest.raises(PoolExhausted) as blocks:
            s.allocate_subnet("nodes", prefixlen=24, count=5)
        assert (blocks.value.requested, blocks.value.free, blocks.value.prefixlen) == (5, 4, 24)
        with pytest.raises(WrongPoolKind) as kind:
            s.allocate_ip("nodes")
        assert (kind.value.pool, kind.value.kind, kind.value.wanted) == ("nodes", "subnet", "address")
        with pytest.raises(PoolNotFound) as missing:
            s.get_pool("ghost")
        assert missing.value.pool == "ghost"
        with pytest.raises(PoolDefinitionMismatch) as other:
            s.create_pool("tiny", ["10.0.0.0/28"], if_not_exists=True)
        assert other.value.existing.ranges == (IPNet("10.0.0.0/29"),)
        assert other.value.requested.ranges == (IPNet("10.0.0.0/28"),)
        with pytest.raises(NotInPool) as listed:
            s.release("tiny", ["10.0.0.3", "10.9.0.1", "10.9.0.2"])
        assert listed.value.address == [IP("10.9.0.1"), IP("10.9.0.2")]
        assert s.get_pool("tiny").allocated == 1  # checked before anything was released
        with pytest.raises(IPAMError, match="or an owner"):
            s.release("tiny")


def test_errors_pickle_with_their_fields() -> None:
    exc = PoolExhausted("full", pool="p", requested=3, free=1, version=6)
    back = pickle.loads(pickle.dumps(exc))
    assert (type(back), str(back), back.pool, back.requested, back.free, back.version) == (
        PoolExhausted, "full", "p", 3, 1, 6,
    )
    taken = pickle.loads(pickle.dumps(AlreadyAllocated("x", pool="p", address=IP("10.0.0.1"), owner="o")))
    assert (taken.address, taken.owner) == (IP("10.0.0.1"), "o")


def test_error_hierarchy() -> None:
    """Outages are not bad input: ``except ValueError`` around input handling must not swallow them."""
    assert issubclass(StoreError, netx.Error) and not issubclass(StoreError, ValueError)
    assert not issubclass(StoreError, IPAMError)
    for cls in (IPAMError, PoolExhausted, AlreadyAllocated, NotInPool, Reserved, PoolNotFound, PoolInUse,
                PoolDefinitionMismatch, WrongPoolKind):
        assert issubclass(cls, netx.NetxError) and issubclass(cls, ValueError) and issubclass(cls, netx.Error)
    assert issubclass(PoolDefinitionMismatch, ipam.PoolExists)
    closed = ipam.open("memory://")
    closed.close()
    try:
        closed.pools()
    except ValueError:  # pragma: no cover - the point of the test
        pytest.fail("a closed store's StoreError was caught as a ValueError")
    except StoreError as exc:
        assert exc.url == "memory://"


def test_listing_streams_in_pages(monkeypatch: pytest.MonkeyPatch, store_url: str) -> None:
    monkeypatch.setattr(service_module, "PAGE", 7)
    with Service.open(store_url) as s:
        s.create_pool("lab", ["10.0.0.0/24", "fd00::/120"])
        s.allocate_ip("lab", owner="a", count=40)
        s.allocate_ip("lab", owner="b", count=20, version=6)
        s.release("lab", ["10.0.0.7", "10.0.0.8"])
        pages: list[int] = []
        pool = ipam.Pool  # the pages come from Pool._page: count them
        original = pool._page

        def counted(self: Any, after: int | None, limit: int) -> Any:
            pages.append(limit)
            return original(self, after, limit)

        monkeypatch.setattr(pool, "_page", counted)
        listed = list(s.allocations("lab"))
        snapshot = list(s._store.pool("lab").allocations())  # type: ignore[union-attr]
        assert [(a.item, a.owner) for a in listed] == snapshot
        assert len(listed) == 58 and listed == sorted(listed, key=lambda a: a.item)
        assert len(pages) == 58 // 7 + 1 and set(pages) == {7}


def test_counts_are_capped_up_front(store_url: str) -> None:
    with Service.open(store_url) as s:
        s.create_pool("big6", ["2001:db8::/64"])
        with pytest.raises(IPAMError, match="at most 1048576"):
            s.allocate_ip("big6", count=100_000_000_000)
        assert s.get_pool("big6").allocated == 0


def test_read_only_open_creates_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/typo.db"
    with Service.open(url, create=False) as s:
        assert s.list_pools() == []
        info = s.store_info()
        assert (info.exists, info.backend, info.path, info.pools, info.schema_version) == (
            False, "sqlite", f"{tmp_path}/typo.db", 0, None,
        )
        with pytest.raises(PoolNotFound, match="no IPAM store at"):
            s.get_pool("lab")
        with pytest.raises(PoolNotFound):
            s.allocate_ip("lab")
        with pytest.raises(PoolNotFound):
            s.release("lab", ["10.0.0.1"])
        assert s.delete_pool("lab", if_exists=True).deleted is False
    assert not (tmp_path / "typo.db").exists()
    with Service.open(url) as s:
        s.create_pool("lab", ["10.0.0.0/30"])
        assert s.store_info().to_dict() == {
            "url": url, "backend": "sqlite", "path": f"{tmp_path}/typo.db", "exists": True,
            "schema_version": SCHEMA_VERSION, "pools": 1,
        }


def test_store_info_masks_passwords(pg_url: str) -> None:
    from test_store_postgres import _schema

    with Service.open(pg_url) as s:
        info = s.store_info()
        assert info.backend == "postgresql" and info.schema == _schema(pg_url)
        assert info.schema_version == SCHEMA_VERSION and info.exists
    secret = pg_url.replace("postgres@", "postgres:hunter2@")
    with Service.open(secret) as s:
        assert "hunter2" not in s.store_info().url and "***" in s.store_info().url


def test_read_only_open_creates_no_postgres_schema(pg_url: str) -> None:
    import psycopg

    from test_store_postgres import _plain, _schema

    with Service.open(pg_url, create=False) as s:
        assert s.list_pools() == [] and s.store_info().exists is False
    with psycopg.connect(_plain(pg_url)) as conn:
        assert conn.execute("SELECT to_regnamespace(%s)", (_schema(pg_url),)).fetchone() == (None,)


def test_the_allocation_path_stays_light(tmp_path: Path) -> None:
    """A CNI plugin runs once per pod: open -> pool -> allocate must not import click or pydantic."""
    code = (
        "import sys, netx.ipam as ipam\n"
        f"s = ipam.open('sqlite:///{tmp_path}/light.db')\n"
        "s.create_pool('p', '10.0.0.0/24')\n"
        "ipam.open(s.url).pool('p').allocate('me')\n"
        "from netx.ipam.service import Service\n"
        "Service.open(s.url).allocate_ip('p')\n"
        "print(sorted(m for m in ('click', 'pydantic', 'psycopg') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_pool_deleted_while_listing_is_left_out(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """``list_pools`` (``netx get pools``) while another process deletes a pool lists the others; it failed with
    'no pool named ...' for the pool gone between reading the names and reading the pool."""
    with Service.open(sqlite_url) as svc, ipam.open(sqlite_url) as other:
        for i, name in enumerate(("a", "b", "c")):
            svc.create_pool(name, [f"10.0.{i}.0/24"])
        store = svc._store
        assert store is not None
        names = type(store).pools

        def racing(self: Any) -> list[str]:
            listed = names(self)
            if self is store and "b" in listed:
                other.delete_pool("b")  # after the names were read
            return listed

        monkeypatch.setattr(type(store), "pools", racing)
        assert [p.name for p in svc.list_pools()] == ["a", "c"]
