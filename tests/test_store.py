"""The store behaviour suite, run on every backend: memory://, SQLite and PostgreSQL.

A store's pool must behave exactly like the in-memory ``Pool`` (same algorithm, other
storage), so most tests replay the same calls on both and compare every result.
"""

from __future__ import annotations

import random
import sys
from typing import Any, Callable

import pytest

import netx
import netx.ipam as ipam
from netx import IP, IPSet
from netx._range import _bounds
from netx.ipam import AlreadyAllocated, IPAMError, NotInPool, Pool, PoolExhausted, Reserved, SubnetPool
from netx.ipam.store import PoolExists, PoolNotFound, Store, StoreError
from netx.ipam.store.url import data_dir, default_url, mask_url, parse_url

# -- helpers -------------------------------------------------------------------------


def assert_partition(pool: Pool | SubnetPool) -> None:
    """Free intervals and allocations (addresses or subnets) are disjoint and together exactly
    the pool's allocatable keys; ``stats()`` agrees."""
    free = pool.free_set()._keys()
    blocks = [_bounds(item) for item, _ in pool.allocations()]
    pieces = sorted(free + blocks)
    merged: list[list[int]] = []
    for lo, hi in pieces:
        if merged:
            assert lo > merged[-1][1], f"free/allocated overlap at key {lo}"
        if merged and lo == merged[-1][1] + 1:
            merged[-1][1] = hi
        else:
            merged.append([lo, hi])
    assert [tuple(m) for m in merged] == pool.spec.initial_free()
    stats = pool.stats()
    assert stats.allocated == sum(hi - lo + 1 for lo, hi in blocks)
    assert stats.free == stats.size - stats.allocated == sum(hi - lo + 1 for lo, hi in free)


def outcome(call: Callable[[], Any]) -> Any:
    """A call's result, or its exception type (for comparing two pools; messages name the pool)."""
    try:
        result = call()
    except (IPAMError, TypeError) as exc:
        return ("raised", type(exc).__name__)
    if isinstance(result, (list, tuple)) or hasattr(result, "__next__"):
        return list(result)
    return result


RANGES: list[tuple[tuple[str, ...], dict[str, Any]]] = [
    (("10.0.0.0/28",), {"gateway": "10.0.0.1", "reserve": ["10.0.0.5", "10.0.0.8-10.0.0.9"]}),
    (("192.168.0.0/30", "2001:db8::/126"), {}),
    (("10.1.0.0/29", "2001:db8:1::/64"), {"strategy": "round_robin", "reserve": ["2001:db8:1::1"]}),
]


# -- the store API ---------------------------------------------------------------------


def test_open_returns_a_store(store_url: str) -> None:
    with ipam.open(store_url) as store:
        assert isinstance(store, Store)
        assert store.url == store_url
        assert repr(store).startswith("<Store ")
        assert store.pools() == []
        assert not store.closed
    assert store.closed
    assert "closed" in repr(store)


def test_create_and_get_pool(store_url: str) -> None:
    with ipam.open(store_url) as store:
        pool = store.create_pool("lan", "10.0.0.0/24", gateway="10.0.0.1", reserve=["10.0.0.2"])
        assert isinstance(pool, Pool)
        assert pool.name == "lan"
        assert pool.gateway == IP("10.0.0.1")
        assert pool.strategy == "lowest"
        assert "name='lan'" in repr(pool)
        assert pool.allocate("vm1") == IP("10.0.0.3")
        again = store.pool("lan")
        assert again.spec == pool.spec
        assert again.owner_of("10.0.0.3") == "vm1"
        assert again.stats() == pool.stats()


def test_pools_sorted_and_delete(store_url: str) -> None:
    with ipam.open(store_url) as store:
        for name in ["b", "a", "C", "äpfel", "a b"]:
            store.create_pool(name, "10.0.0.0/30")
        assert store.pools() == sorted(["b", "a", "C", "äpfel", "a b"])
        store.delete_pool("a")
        assert store.pools() == sorted(["b", "C", "äpfel", "a b"])
        with pytest.raises(PoolNotFound):
            store.pool("a")
        with pytest.raises(PoolNotFound):
            store.delete_pool("a")


def test_duplicate_and_unknown_names(store_url: str) -> None:
    with ipam.open(store_url) as store:
        store.create_pool("lan", "10.0.0.0/24")
        with pytest.raises(PoolExists, match="'lan' already exists"):
            store.create_pool("lan", "10.9.0.0/24")
        assert store.pool("lan").ranges == (netx.IPNet("10.0.0.0/24"),)
        with pytest.raises(PoolNotFound, match="no pool named 'wan'"):
            store.pool("wan")
        assert issubclass(PoolExists, IPAMError) and issubclass(PoolNotFound, IPAMError)


def test_bad_names_and_specs(store_url: str) -> None:
    with ipam.open(store_url) as store:
        with pytest.raises(IPAMError, match="empty"):
            store.create_pool("", "10.0.0.0/24")
        with pytest.raises(IPAMError, match="longer than"):
            store.create_pool("x" * 256, "10.0.0.0/24")
        with pytest.raises(IPAMError, match="NUL"):
            store.create_pool("a\x00b", "10.0.0.0/24")
        with pytest.raises(TypeError):
            store.create_pool(7, "10.0.0.0/24")  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            store.pool(None)  # type: ignore[arg-type]
        with pytest.raises(IPAMError):
            store.create_pool("lan")  # no ranges
        with pytest.raises(netx.NetxError):
            store.create_pool("lan", "10.0.0.300/24")
        with pytest.raises(IPAMError):
            store.create_pool("lan", "10.0.0.0/24", strategy="best")
        assert store.pools() == []  # nothing half-created
        store.create_pool("y" * 255, "10.0.0.0/24")
        assert store.pools() == ["y" * 255]


@pytest.mark.parametrize(
    "name",
    ["it's", 'say "hi"', "'; DROP TABLE pools; --", "Robert'); DROP TABLE allocations;--", "日本語 🌐", "%s ? $1 :x"],
)
def test_names_and_owners_are_data(store_url: str, name: str) -> None:
    with ipam.open(store_url) as store:
        pool = store.create_pool(name, "10.0.0.0/29")
        ip = pool.allocate(owner=name)
        assert store.pools() == [name]
        assert store.pool(name).owner_of(ip) == name
        assert store.pool(name).addresses_of(name) == [ip]
        assert list(pool.allocations()) == [(ip, name)]
        assert pool.release_owner(name) == [ip]
        store.delete_pool(name)
        assert store.pools() == []


def test_delete_pool_force(store_url: str) -> None:
    with ipam.open(store_url) as store:
        pool = store.create_pool("lan", "10.0.0.0/29")
        pool.allocate("a")
        pool.allocate("b")
        with pytest.raises(IPAMError, match="2 allocations.*force=True"):
            store.delete_pool("lan")
        assert store.pools() == ["lan"]
        assert pool.stats().allocated == 2
        pool.release_owner("a")
        with pytest.raises(IPAMError, match="1 allocation;"):
            store.delete_pool("lan")
        store.delete_pool("lan", force=True)
        assert store.pools() == []
        with pytest.raises(PoolNotFound, match="no longer exists"):
            pool.allocate()
        with pytest.raises(PoolNotFound):
            pool.stats()
        # a new pool of the same name is a different pool: the old object stays dead
        fresh = store.create_pool("lan", "10.0.0.0/29")
        assert fresh.allocate() == IP("10.0.0.1")
        with pytest.raises(PoolNotFound):
            pool.owner_of("10.0.0.1")
        assert fresh.release("10.0.0.1")
        store.delete_pool("lan")
        assert store.pools() == []


def test_closed_store(store_url: str) -> None:
    store = ipam.open(store_url)
    pool = store.create_pool("lan", "10.0.0.0/29")
    store.close()
    store.close()  # twice is fine
    for call in (store.pools, lambda: store.pool("lan"), lambda: store.create_pool("x", "10.0.0.0/29"),
                 lambda: store.delete_pool("lan"), pool.allocate, pool.stats):
        with pytest.raises(StoreError, match="closed"):
            call()


# -- pools through a store behave like in-memory pools ---------------------------------------


@pytest.mark.parametrize("case", range(len(RANGES)))
def test_every_method_matches_memory_pool(store_url: str, case: int) -> None:
    ranges, options = RANGES[case]
    reference = Pool(*ranges, **options)
    with ipam.open(store_url) as store:
        pool = store.create_pool("p", *ranges, **options)
        first = str(next(iter(reference.spec.ranges[0])))
        calls: list[Callable[[Pool], Any]] = [
            lambda p: p.allocate("a"),
            lambda p: p.allocate(),
            lambda p: p.allocate("b", version=4),
            lambda p: p.allocate("b", version=6),
            lambda p: p.allocate("c", ip=first),
            lambda p: p.allocate("c", ip="10.0.0.5"),
            lambda p: p.allocate("c", ip="10.0.0.1"),
            lambda p: p.allocate("c", ip="10.0.0.2"),
            lambda p: p.allocate("c", ip="172.16.0.1"),
            lambda p: p.allocate_many(2, "d"),
            lambda p: p.allocate_many(10_000, "e"),
            lambda p: p.allocate(owner=3),
            lambda p: p.owner_of("10.0.0.2"),
            lambda p: p.is_allocated("10.0.0.2"),
            lambda p: p.addresses_of("c"),
            lambda p: p.release("10.0.0.3"),
            lambda p: p.release("10.0.0.3"),
            lambda p: p.release("172.16.0.1"),
            lambda p: "10.0.0.3" in p,
            lambda p: p.stats(),
            lambda p: p.free_set(),
            lambda p: p.allocations(),
            lambda p: p.release_owner("d"),
            lambda p: p.release_owner(None),
            lambda p: p.allocate_many(3),
            lambda p: p.allocate("z"),
            lambda p: p.allocations(),
            lambda p: p.free_set(),
        ]
        for i, call in enumerate(calls):
            assert outcome(lambda: call(pool)) == outcome(lambda: call(reference)), f"call {i}"
        assert_partition(pool)


def test_errors(store_url: str) -> None:
    with ipam.open(store_url) as store:
        pool = store.create_pool("lan", "10.0.0.0/30", gateway="10.0.0.1")
        assert pool.allocate("a") == IP("10.0.0.2")
        with pytest.raises(PoolExhausted):
            pool.allocate()
        with pytest.raises(AlreadyAllocated, match="owner 'a'"):
            pool.allocate(ip="10.0.0.2")
        with pytest.raises(Reserved, match="gateway"):
            pool.allocate(ip="10.0.0.1")
        with pytest.raises(Reserved, match="broadcast"):
            pool.allocate(ip="10.0.0.3")
        with pytest.raises(NotInPool):
            pool.allocate(ip="10.0.1.1")
        with pytest.raises(NotInPool):
            pool.allocate(version=6)
        with pytest.raises(TypeError):
            pool.allocate(owner=5)  # type: ignore[arg-type]
        assert pool.stats().allocated == 1
        assert_partition(pool)


def test_allocate_many_is_all_or_nothing(store_url: str) -> None:
    with ipam.open(store_url) as store:
        pool = store.create_pool("lan", "10.0.0.0/28")
        pool.allocate_many(10, "a")
        before = (pool.free_set(), list(pool.allocations()))
        with pytest.raises(PoolExhausted, match="4 free"):
            pool.allocate_many(5, "b")
        assert (pool.free_set(), list(pool.allocations())) == before
        assert pool.allocate_many(4, "b") == [IP(f"10.0.0.{i}") for i in range(11, 15)]
        assert_partition(pool)


def test_failure_mid_call_rolls_back(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A call that fails after changing the free intervals leaves no trace (one transaction)."""
    with ipam.open(store_url) as store:
        pool = store.create_pool("lan", "10.0.0.0/28")
        pool.allocate("a")
        state = pool._state
        before = (pool.free_set(), list(pool.allocations()), pool.stats())

        def broken(items: Any) -> None:
            raise RuntimeError("disk on fire")

        cls = type(state)
        original = cls.alloc_put
        monkeypatch.setattr(cls, "alloc_put", lambda self, items: broken(items))
        # PostgreSQL's one-statement allocate() cannot fail half-way: test the general path
        monkeypatch.delattr(cls, "take", raising=False)
        with pytest.raises(RuntimeError, match="disk on fire"):
            pool.allocate("b")
        with pytest.raises(RuntimeError):
            pool.allocate_many(3, "b")
        monkeypatch.setattr(cls, "alloc_put", original)
        assert (pool.free_set(), list(pool.allocations()), pool.stats()) == before
        assert pool.allocate("b") == IP("10.0.0.2")
        assert_partition(pool)


def test_dual_stack_and_ipv6_64_counts(store_url: str) -> None:
    with ipam.open(store_url) as store:
        pool = store.create_pool("ds", "10.0.0.0/30", "2001:db8::/64")
        assert pool.stats().size == 2 + 2**64
        assert pool.allocate_many(3) == [IP("10.0.0.1"), IP("10.0.0.2"), IP("2001:db8::")]
        assert pool.allocate(version=6, ip="2001:db8::ffff:ffff:ffff:ffff") == IP("2001:db8::ffff:ffff:ffff:ffff")
        stats = pool.stats()
        assert (stats.allocated, stats.free) == (4, 2 + 2**64 - 4)
        assert [str(ip) for ip, _ in pool.allocations()] == [
            "10.0.0.1", "10.0.0.2", "2001:db8::", "2001:db8::ffff:ffff:ffff:ffff"]
        assert_partition(pool)


def test_top_of_the_key_space(store_url: str) -> None:
    """Keys near 2**129 (the last IPv6 addresses) are stored and ordered exactly."""
    with ipam.open(store_url) as store:
        pool = store.create_pool("top", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff0/124", "255.255.255.0/24")
        assert pool.allocate(ip="ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff") == IP("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")
        assert pool.allocate(version=6) == IP("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff0")
        assert pool.allocate() == IP("255.255.255.1")
        assert [str(ip) for ip, _ in pool.allocations()] == [
            "255.255.255.1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"]
        assert_partition(pool)


def test_bottom_of_the_key_space(store_url: str) -> None:
    """Key 0 (0.0.0.0) is allocated and released like any other, alone or as the start of a subnet."""
    with ipam.open(store_url) as store:
        pool = store.create_pool("bottom", "0.0.0.0-0.0.0.3")
        assert pool.allocate("a") == IP("0.0.0.0")
        assert pool.allocate("a") == IP("0.0.0.1")
        assert pool.release("0.0.0.0") is True
        assert_partition(pool)
        assert pool.release_owner("a") == [IP("0.0.0.1")]
        assert pool.free_set() == IPSet(["0.0.0.0-0.0.0.3"])
        subnets = store.create_subnet_pool("bottom-subnets", "0.0.0.0/8")
        net = subnets.allocate(16, "b")
        assert str(net) == "0.0.0.0/16"
        assert subnets.release(net) is True
        assert subnets.free_set() == IPSet(["0.0.0.0/8"])
        assert_partition(subnets)


def test_many_free_intervals(store_url: str) -> None:
    """free_set/allocations read lazily in batches: cross several batch boundaries."""
    with ipam.open(store_url) as store:
        pool = store.create_pool("frag", "10.0.0.0/22")
        taken = pool.allocate_many(1000, "x")
        for ip in taken[::2]:
            assert pool.release(ip)
        assert len(pool.free_set()._keys()) >= 500
        assert len(list(pool.allocations())) == 500
        assert pool.addresses_of("x") == taken[1::2]
        assert pool.allocate_many(510, "y")[:2] == [taken[0], taken[2]]
        assert_partition(pool)


@pytest.mark.parametrize("strategy", ["lowest", "round_robin", "random"])
def test_random_workload_matches_memory(store_url: str, strategy: str) -> None:
    """Random operation sequences give the store pool and an in-memory pool the same results."""
    rng = random.Random(f"{strategy}-1")
    ranges = ("10.0.0.0/27", "10.0.1.0/30", "2001:db8::/125")
    reference = Pool(*ranges, reserve=["10.0.0.7"], strategy=strategy)
    with ipam.open(store_url) as store:
        pool = store.create_pool("w", *ranges, reserve=["10.0.0.7"], strategy=strategy)
        owners = ["a", "b", "c", None]
        for step in range(120):
            op = rng.random()
            owner = rng.choice(owners)
            if strategy == "random":  # the two pools draw different random keys: compare effects only
                if op < 0.5:
                    got = outcome(lambda: pool.allocate(owner))
                    if isinstance(got, IP):
                        reference.allocate(owner, ip=got)
                elif op < 0.7:
                    held = [ip for ip, _ in reference.allocations()]
                    if held:
                        ip = rng.choice(held)
                        assert pool.release(ip) == reference.release(ip)
                else:
                    assert pool.release_owner(owner) == reference.release_owner(owner)
            elif op < 0.4:
                assert outcome(lambda: pool.allocate(owner)) == outcome(lambda: reference.allocate(owner)), step
            elif op < 0.55:
                n = rng.randint(1, 6)
                assert outcome(lambda: pool.allocate_many(n, owner)) == outcome(lambda: reference.allocate_many(n, owner))
            elif op < 0.65:
                ip = IP(f"10.0.0.{rng.randrange(32)}")
                assert outcome(lambda: pool.allocate(owner, ip=ip)) == outcome(lambda: reference.allocate(owner, ip=ip))
            elif op < 0.85:
                held = [ip for ip, _ in reference.allocations()] or [IP("10.0.0.1")]
                ip = rng.choice(held)
                assert pool.release(ip) == reference.release(ip)
            else:
                assert pool.release_owner(owner) == reference.release_owner(owner)
        assert list(pool.allocations()) == list(reference.allocations())
        assert pool.free_set() == reference.free_set()
        assert pool.stats() == reference.stats()
        assert_partition(pool)


# -- durable stores: everything survives a reopen ------------------------------------------


def test_reopen_sees_everything(durable_url: str) -> None:
    with ipam.open(durable_url) as store:
        pool = store.create_pool("rr", "10.0.0.0/29", "2001:db8::/126", strategy="round_robin", gateway="10.0.0.1")
        store.create_pool("other", "192.168.0.0/24")
        a = pool.allocate("a")
        b = pool.allocate("b")
        pool.release(a)
        six = pool.allocate("v6", version=6)
        snapshot = (list(pool.allocations()), pool.free_set(), pool.stats())
    with ipam.open(durable_url) as store:
        assert store.pools() == ["other", "rr"]
        pool = store.pool("rr")
        assert pool.strategy == "round_robin" and pool.gateway == IP("10.0.0.1")
        assert (list(pool.allocations()), pool.free_set(), pool.stats()) == snapshot
        assert pool.owner_of(b) == "b" and pool.owner_of(six) == "v6"
        # the round-robin cursors survived: the next addresses follow the last handed out
        assert pool.allocate() == b + 1
        assert pool.allocate(version=6) == six + 1
        assert_partition(pool)


def test_two_stores_on_one_url_see_each_other(durable_url: str) -> None:
    with ipam.open(durable_url) as one, ipam.open(durable_url) as two:
        pool1 = one.create_pool("lan", "10.0.0.0/29")
        pool2 = two.pool("lan")
        assert pool1.allocate("x") == IP("10.0.0.1")
        assert pool2.allocate("y") == IP("10.0.0.2")
        assert pool1.owner_of("10.0.0.2") == "y"
        two.delete_pool("lan", force=True)
        with pytest.raises(PoolNotFound):
            pool1.allocate()
        one.create_pool("x", "10.0.0.0/29")
        with pytest.raises(PoolExists):
            two.create_pool("x", "10.0.0.0/29")


# -- URLs and the default store --------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "kind", "path"),
    [
        ("memory://", "memory", None),
        ("sqlite:///relative.db", "sqlite", "relative.db"),
        ("sqlite:///sub/dir/x.db", "sqlite", "sub/dir/x.db"),
        ("sqlite:////abs/path.db", "sqlite", "/abs/path.db"),
        ("sqlite:///with%20space.db", "sqlite", "with space.db"),
        ("SQLite:///x.db", "sqlite", "x.db"),
        ("postgresql://u@h/db", "postgresql", None),
        ("postgres://u@h/db", "postgresql", None),
    ],
)
def test_parse_url(url: str, kind: str, path: str | None) -> None:
    parsed = parse_url(url)
    assert (parsed.kind, parsed.path) == (kind, path)


def test_postgres_url_options() -> None:
    parsed = parse_url("postgres://u:pw@h:5433/db?sslmode=require&schema=tenant_1")
    assert parsed.schema == "tenant_1"
    assert parsed.conninfo == "postgresql://u:pw@h:5433/db?sslmode=require"
    assert parse_url("postgresql:///db").schema == "netx"
    with pytest.raises(IPAMError, match="schema"):
        parse_url("postgresql:///db?schema=x;drop")
    assert mask_url("postgresql://u:secret@h/db") == "postgresql://u:***@h/db"
    assert mask_url("postgresql://h/db?password=secret&x=1") == "postgresql://h/db?password=***&x=1"


@pytest.mark.parametrize(
    "url, masked",
    [
        ("postgresql://u:pa/ss@h/db", "postgresql://u:***@h/db"),  # a '/' in the password (not encoded)
        ("postgresql://u:p@ss@h/db", "postgresql://u:***@h/db"),
        ("postgresql://u:pa?ss@h/db", "postgresql://u:***@h/db"),
        ("postgresql://h/db?sslpassword=secret&sslmode=require", "postgresql://h/db?sslpassword=***&sslmode=require"),
        ("postgresql://h/db?x=1&password=secret", "postgresql://h/db?x=1&password=***"),
        ("postgresql://h:5432/db?application_name=a", "postgresql://h:5432/db?application_name=a"),
        ("postgresql://u@h/db", "postgresql://u@h/db"),
    ],
)
def test_no_password_in_a_masked_url(url: str, masked: str) -> None:
    """Messages show URLs masked: a password is never shown, however the URL is written (valid or not)."""
    assert mask_url(url) == masked
    assert "secret" not in mask_url(url) and "ss@" not in mask_url(url)


@pytest.mark.parametrize("url", ["mysql://u:secret@h/db", "sqlite://u:secret@h/x.db", "memory://u:secret@x",
                                 "sqlite:///x.db?password=secret", "postgress://u:secret@h/db"])
def test_url_errors_mask_the_password(url: str) -> None:
    """A mistyped URL is quoted in its error, without the password it holds."""
    with pytest.raises(IPAMError) as info:
        ipam.open(url)
    assert "secret" not in str(info.value) and "***" in str(info.value), info.value


@pytest.mark.parametrize(
    "url",
    ["", "mysql://h/db", "sqlite://", "sqlite:///", "sqlite://host/x.db", "sqlite:x.db", "memory://x",
     "sqlite:///x.db?mode=ro", "/tmp/x.db", "file:///x.db"],
)
def test_bad_urls(url: str) -> None:
    with pytest.raises(IPAMError) as info:
        ipam.open(url)
    assert "URL" in str(info.value) or "url" in str(info.value)


def test_url_type() -> None:
    with pytest.raises(TypeError):
        ipam.open(5)  # type: ignore[arg-type]


def test_missing_psycopg(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(IPAMError, match=r"pip install 'netx-ip\[postgres\]'"):
        ipam.open("postgresql://nobody@/nothing")


def test_unreachable_postgres(tmp_path: Any) -> None:
    pytest.importorskip("psycopg")
    with pytest.raises(StoreError, match="cannot open IPAM store") as info:
        ipam.open(f"postgresql://u:secret@/db?host={tmp_path}&port=1&connect_timeout=2")
    assert "secret" not in str(info.value)


def test_default_store_location(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NETX_IPAM_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert data_dir() == tmp_path / "xdg" / "netx"
    with ipam.open() as store:
        assert store.url == "sqlite:///" + str(tmp_path / "xdg" / "netx" / "ipam.db")
        store.create_pool("lan", "10.0.0.0/24").allocate("me")
    assert (tmp_path / "xdg" / "netx" / "ipam.db").exists()
    with ipam.open(None) as store:
        assert store.pool("lan").addresses_of("me") == [IP("10.0.0.1")]


@pytest.mark.parametrize("dirname", ["a%20b", "a?b", "a#b", "a b"])
def test_default_store_in_a_directory_with_url_characters(tmp_path: Any, monkeypatch: pytest.MonkeyPatch,
                                                          dirname: str) -> None:
    """The default SQLite file lies in the data directory whatever its name: '%20' decoded to another directory
    ('unable to open'), and '?' or '#' made the default URL invalid."""
    monkeypatch.delenv("NETX_IPAM_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / dirname))
    with ipam.open() as store:
        store.create_pool("lan", "10.0.0.0/24")
    assert (tmp_path / dirname / "netx" / "ipam.db").exists()
    with ipam.open(None) as store:
        assert store.pools() == ["lan"]


def test_default_store_from_env(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NETX_IPAM_URL", "memory://")
    with ipam.open() as store:
        assert store.url == "memory://"
    monkeypatch.setenv("NETX_IPAM_URL", "sqlite:///" + str(tmp_path / "env.db"))
    with ipam.open() as store:
        store.create_pool("x", "10.0.0.0/30")
    assert (tmp_path / "env.db").exists()
    monkeypatch.setenv("NETX_IPAM_URL", "nope://")
    with pytest.raises(IPAMError, match="unsupported"):
        ipam.open()


def test_data_dir_is_platformdirs(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    monkeypatch.delenv("NETX_IPAM_URL", raising=False)
    assert data_dir() == platformdirs.user_data_path("netx", appauthor=False)
    if sys.platform.startswith("linux"):
        monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "d"))
        assert default_url().endswith("/d/netx/ipam.db") and (tmp_path / "d" / "netx").is_dir()


def test_free_set_is_ipset(store_url: str) -> None:
    with ipam.open(store_url) as store:
        pool = store.create_pool("lan", "10.0.0.0/29", gateway="10.0.0.1")
        assert pool.free_set() == IPSet(["10.0.0.2-10.0.0.6"])
