"""netx.ipam.SubnetPool: aligned carving, explicit subnets, errors, release and a brute-force model."""

from __future__ import annotations

import threading

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from netx import IP, IPNet, IPSet, NetworkError, NetxError
from netx.ipam import AlreadyAllocated, IPAMError, NotInPool, PoolExhausted, PoolStats, Reserved, SubnetPool


def nets(*texts: str) -> list[IPNet]:
    return [IPNet(t) for t in texts]


class TestCarving:
    def test_node_cidrs(self):
        pool = SubnetPool("10.244.0.0/16")
        got = [pool.allocate(24, f"node-{i}") for i in range(3)]
        assert got == nets("10.244.0.0/24", "10.244.1.0/24", "10.244.2.0/24")
        assert pool.owner_of("10.244.1.77") == "node-1"
        assert pool.stats() == PoolStats(size=65536, allocated=768, free=65536 - 768)

    def test_alignment_with_mixed_sizes(self):
        pool = SubnetPool("10.0.0.0/16")
        assert pool.allocate(26) == IPNet("10.0.0.0/26")
        assert pool.allocate(24) == IPNet("10.0.1.0/24")  # 10.0.0.0/24 is no longer whole
        assert pool.allocate(26) == IPNet("10.0.0.64/26")
        assert pool.allocate(25) == IPNet("10.0.0.128/25")
        assert pool.allocate(23) == IPNet("10.0.2.0/23")
        assert pool.allocate(32) == IPNet("10.0.4.0/32")
        assert pool.allocate(31) == IPNet("10.0.4.2/31")
        assert pool.free_set() == IPSet(["10.0.0.0/16"]) - IPSet(
            ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/23", "10.0.4.0/32", "10.0.4.2/31"]
        )

    def test_ipv6_64s_from_a_32_are_instant(self):
        pool = SubnetPool("2001:db8::/32")
        got = [pool.allocate(64) for _ in range(2000)]
        assert got[0] == IPNet("2001:db8::/64") and got[-1] == IPNet("2001:db8:0:7cf::/64")
        assert pool.allocate(48) == IPNet("2001:db8:1::/48")
        assert pool.stats() == PoolStats(size=2**96, allocated=2000 * 2**64 + 2**80, free=2**96 - 2000 * 2**64 - 2**80)
        assert len(pool._state._starts) == 2  # intervals, not a list of subnets

    def test_whole_parent(self):
        pool = SubnetPool("10.0.0.0/24")
        assert pool.allocate(24, "all") == IPNet("10.0.0.0/24")
        with pytest.raises(PoolExhausted, match="has no free /32"):
            pool.allocate(32)
        assert pool.release("10.0.0.0/24")
        assert pool.allocate(25) == IPNet("10.0.0.0/25")

    def test_reserve(self):
        pool = SubnetPool("10.0.0.0/16", reserve=["10.0.0.5", "10.0.2.0/24", "10.0.3.10-10.0.3.12"])
        assert pool.allocate(24) == IPNet("10.0.1.0/24")
        assert pool.allocate(30) == IPNet("10.0.0.0/30")
        assert pool.allocate(30) == IPNet("10.0.0.8/30")
        assert pool.allocate(22) == IPNet("10.0.4.0/22")
        assert pool.stats().size == 65536 - 1 - 256 - 3
        with pytest.raises(Reserved, match=r"'10.0.2.0/25' overlaps a reserved address of subnet pool 10.0.0.0/16"):
            pool.allocate(subnet="10.0.2.0/25")
        with pytest.raises(NotInPool, match="reserve entry '10.1.0.0/24'"):
            SubnetPool("10.0.0.0/16", reserve=["10.1.0.0/24"])

    def test_several_parents(self):
        pool = SubnetPool("10.1.0.0/16", "10.0.0.0/24")
        assert pool.parents == (IPNet("10.1.0.0/16"), IPNet("10.0.0.0/24"))
        assert pool.allocate(25) == IPNet("10.0.0.0/25")  # lowest first, whichever parent
        assert pool.allocate(20) == IPNet("10.1.0.0/20")  # only the /16 can hold a /20
        assert pool.allocate(24) == IPNet("10.1.16.0/24")

    def test_adjacent_parents_do_not_merge(self):
        pool = SubnetPool("10.0.0.0/25", "10.0.0.128/25", "10.1.0.0/16")
        assert pool.allocate(24) == IPNet("10.1.0.0/24")  # never 10.0.0.0/24 across two parents
        with pytest.raises(NotInPool):
            pool.allocate(subnet="10.0.0.0/24")
        # A block aligned past the end of the one parent big enough, over two small ones:
        three = SubnetPool("10.0.0.0/25", "10.0.0.128/27", "10.0.0.160/27")
        three.allocate(subnet="10.0.0.0/26")
        three.allocate(subnet="10.0.0.64/27")
        three.allocate(subnet="10.0.0.96/28")
        three.allocate(subnet="10.0.0.112/29")  # free: 10.0.0.120-10.0.0.191, one interval
        with pytest.raises(PoolExhausted):
            three.allocate(26)
        small = SubnetPool("10.0.0.0/25", "10.0.0.128/25")
        with pytest.raises(IPAMError, match="can hold a /24"):
            small.allocate(24)

    def test_dual_stack(self):
        pool = SubnetPool("10.0.0.0/16", "fd00::/16")
        assert pool.allocate(24) == IPNet("10.0.0.0/24")  # IPv4 first when both fit
        assert pool.allocate(24, version=6) == IPNet("fd00::/24")
        assert pool.allocate(64) == IPNet("fd00:100::/64")  # only IPv6 has /64s
        with pytest.raises(NotInPool, match="no IPv6 parent"):
            SubnetPool("10.0.0.0/16").allocate(24, version=6)
        with pytest.raises(IPAMError, match="version must be 4 or 6"):
            pool.allocate(24, version=5)
        with pytest.raises(IPAMError, match="is not IPv6"):
            pool.allocate(subnet="10.0.9.0/24", version=6)


class TestExplicitAndErrors:
    def test_explicit_subnet(self):
        pool = SubnetPool("10.0.0.0/16")
        assert pool.allocate(subnet="10.0.5.0/24", owner="a") == IPNet("10.0.5.0/24")
        assert pool.allocate(24, "b", subnet=IPNet("10.0.6.0/24")) == IPNet("10.0.6.0/24")
        assert pool.allocate(24) == IPNet("10.0.0.0/24")
        with pytest.raises(AlreadyAllocated, match=r"'10.0.5.128/25' overlaps '10.0.5.0/24', already allocated .*'a'"):
            pool.allocate(subnet="10.0.5.128/25")
        with pytest.raises(AlreadyAllocated, match="'10.0.4.0/22' overlaps '10.0.6.0/24'"):
            pool.allocate(subnet="10.0.4.0/22")
        with pytest.raises(AlreadyAllocated, match="'10.0.0.0/16' overlaps"):
            pool.allocate(subnet="10.0.0.0/16")
        with pytest.raises(NotInPool, match="'10.1.0.0/24' is not inside subnet pool 10.0.0.0/16"):
            pool.allocate(subnet="10.1.0.0/24")
        with pytest.raises(NotInPool):
            pool.allocate(subnet="10.0.0.0/8")
        with pytest.raises(NetworkError, match="host bits"):
            pool.allocate(subnet="10.0.7.1/24")
        with pytest.raises(IPAMError, match="not a /25"):
            pool.allocate(25, subnet="10.0.7.0/24")
        assert pool.stats().allocated == 3 * 256

    def test_bad_prefixlen(self):
        pool = SubnetPool("10.0.0.0/16")
        for bad in (8, 15, 33, 64, -1):
            with pytest.raises(IPAMError, match=f"can hold a /{bad}"):
                pool.allocate(bad)
        with pytest.raises(IPAMError):
            SubnetPool("fd00::/48").allocate(129)
        with pytest.raises(TypeError):
            pool.allocate("24")  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            pool.allocate(True)  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            pool.allocate()
        with pytest.raises(TypeError):
            pool.allocate(24, 7)  # type: ignore[arg-type]

    def test_bad_pools(self):
        with pytest.raises(IPAMError, match="at least one parent"):
            SubnetPool()
        with pytest.raises(IPAMError, match="'10.0.0.0/16' and '10.0.1.0/24' overlap"):
            SubnetPool("10.0.0.0/16", "10.0.1.0/24")
        with pytest.raises(NetworkError):
            SubnetPool("10.0.0.1/16")
        with pytest.raises(TypeError):
            SubnetPool(3.5)


class TestReleaseAndQueries:
    def test_release_and_reuse(self):
        pool = SubnetPool("10.0.0.0/22")
        a, b, c = (pool.allocate(24, o) for o in ("x", "y", "x"))
        assert (a, b, c) == tuple(nets("10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"))
        assert pool.release("10.0.1.0/25") is False  # not exactly as handed out
        assert pool.release("10.9.0.0/24") is False
        assert pool.release(b) is True and pool.release(str(b)) is False
        with pytest.raises(PoolExhausted):
            pool.allocate(23)
        assert pool.release(a)
        assert pool.allocate(23) == IPNet("10.0.0.0/23")  # freed neighbours merged back into one block
        assert pool.free_set() == IPSet(["10.0.3.0/24"])

    def test_release_owner_and_queries(self):
        pool = SubnetPool("10.0.0.0/16", "fd00::/48")
        a = pool.allocate(24, "x")
        b = pool.allocate(26, "y")
        c = pool.allocate(64, "x")
        d = pool.allocate(25)
        assert list(pool.allocations()) == [(a, "x"), (b, "y"), (d, None), (c, "x")]
        assert pool.subnets_of("x") == [a, c] and pool.subnets_of(None) == [d]
        assert pool.owner_of("10.0.1.5") == "y" and pool.owner_of(IP("fd00::1")) == "x"
        assert pool.owner_of("10.0.0.0/25") == "x" and pool.owner_of("10.0.1.0/24") is None
        assert pool.owner_of("10.0.200.1") is None and pool.owner_of("10.0.1.128") is None
        assert pool.subnet_of("10.0.0.77") == a and pool.subnet_of("10.0.99.0") is None
        assert "10.0.9.9" in pool and "10.0.9.0/24" in pool and "fd00::/64" in pool
        assert "10.1.0.0" not in pool and "10.0.0.0/8" not in pool
        with pytest.raises(NetxError, match="junk"):
            "junk" in pool  # noqa: B015  (a typo is an error, not a silent False)
        with pytest.raises(TypeError):
            None in pool  # noqa: B015
        assert pool.release_owner("x") == [a, c]
        assert pool.release_owner("x") == []
        assert list(pool.allocations()) == [(b, "y"), (d, None)]
        assert pool.stats().allocated == 64 + 128
        with pytest.raises(TypeError):
            pool.release_owner(5)  # type: ignore[arg-type]

    def test_release_owner_merges_adjacent_blocks(self):
        pool = SubnetPool("10.0.0.0/24")
        for _ in range(4):
            pool.allocate(26, "n")
        assert pool.release_owner("n") == nets("10.0.0.0/26", "10.0.0.64/26", "10.0.0.128/26", "10.0.0.192/26")
        assert pool._state._starts == [IPNet("10.0.0.0/24").ip._int] and pool.stats().free == 256
        assert pool.allocate(24) == IPNet("10.0.0.0/24")

    def test_repr(self):
        assert repr(SubnetPool("10.0.0.0/16", reserve=["10.0.0.0/24"])) == (
            "SubnetPool('10.0.0.0/16', reserve=('10.0.0.0/24',))"
        )


def test_threads():
    pool = SubnetPool("10.0.0.0/16", "fd00::/56")
    out: list[list[IPNet]] = [[] for _ in range(6)]

    def work(i: int) -> None:
        for _ in range(60):
            out[i].append(pool.allocate(26 if i % 2 else 64, f"t{i}"))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    everything = [n for r in out for n in r]
    assert len(set(everything)) == 360
    assert sorted(everything) == [n for n, _ in pool.allocations()]


class SubnetMachine(RuleBasedStateMachine):
    """Lowest aligned free block, checked against a brute-force scan of every subnet."""

    PARENTS = nets("10.0.0.0/25", "10.0.1.0/26", "10.0.0.160/27", "10.0.0.128/27")
    RESERVE = ("10.0.0.9", "10.0.1.16/30")

    def __init__(self) -> None:
        super().__init__()
        self.pool = SubnetPool(*self.PARENTS, reserve=self.RESERVE)
        self.blocked = set(IPSet(self.RESERVE))
        self.model: dict[IPNet, str | None] = {}

    def _used(self) -> set[IP]:
        return self.blocked | {ip for net in self.model for ip in net}

    def _lowest(self, plen: int) -> IPNet | None:
        used = self._used()
        for parent in sorted(self.PARENTS):
            if parent.prefixlen <= plen:
                for net in parent.subnets(plen):
                    if not any(ip in used for ip in net):
                        return net
        return None

    @rule(plen=st.integers(25, 32), owner=st.sampled_from(["a", "b", None]))
    def allocate(self, plen, owner):
        expected = self._lowest(plen)
        if expected is None:
            with pytest.raises(PoolExhausted):
                self.pool.allocate(plen, owner)
            return
        assert self.pool.allocate(plen, owner) == expected
        self.model[expected] = owner

    @rule(plen=st.integers(26, 32), i=st.integers(0, 255))
    def allocate_subnet(self, plen, i):
        net = IPNet((IP("10.0.0.0") + i * 2, plen), strict=False)
        used = self._used()
        inside = any(net in p for p in self.PARENTS)
        if not inside:
            with pytest.raises(NotInPool):
                self.pool.allocate(subnet=net)
        elif any(ip in used for ip in net):
            with pytest.raises((AlreadyAllocated, Reserved)):
                self.pool.allocate(subnet=net)
        else:
            assert self.pool.allocate(subnet=net) == net
            self.model[net] = None

    @rule(i=st.integers(0, 50))
    def release(self, i):
        if self.model:
            net = sorted(self.model)[i % len(self.model)]
            assert self.pool.release(net)
            del self.model[net]
        else:
            assert not self.pool.release("10.0.0.0/28")

    @rule(owner=st.sampled_from(["a", "b", None]))
    def release_owner(self, owner):
        mine = sorted(n for n, o in self.model.items() if o == owner)
        assert self.pool.release_owner(owner) == mine
        for n in mine:
            del self.model[n]

    @invariant()
    def matches(self):
        total = sum(p.size for p in self.PARENTS) - len(self.blocked)
        allocated = sum(n.size for n in self.model)
        assert self.pool.stats() == PoolStats(total, allocated, total - allocated)
        assert list(self.pool.allocations()) == sorted(self.model.items())
        assert set(self.pool.free_set()) == set(IPSet(self.PARENTS)) - self._used()


SubnetMachine.TestCase.settings = settings(max_examples=40, stateful_step_count=30, deadline=None)
TestSubnetMachine = SubnetMachine.TestCase
