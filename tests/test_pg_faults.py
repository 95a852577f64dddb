"""PostgreSQL store under faults: stuck lock holders, a serializable server default, huge owners,
connections dying during COMMIT, fork(), threads, and a server restarted mid-stream.

Real server (the session fixture; the restart test starts its own), real processes
(``tests/_pg_workers.py``), every wait bounded.
"""

from __future__ import annotations

import multiprocessing
import random
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any, Iterator

import pytest

import netx
import netx.ipam as ipam
from netx import IP, IPNet
from netx.ipam import IPAMError, OutcomeUnknown, StoreError
from _pgtest import TempPostgres

from test_store import assert_partition

psycopg = pytest.importorskip("psycopg")

from test_store_postgres import _plain, _schema  # (after the skip: that module needs psycopg too)

WORKERS = Path(__file__).resolve().parent / "_pg_workers.py"


def _spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKERS), *args],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _line(proc: subprocess.Popen[str]) -> str:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line, proc.stderr.read() if proc.stderr else ""
    return line.strip()


# -- bounded waits ------------------------------------------------------------------------------


def test_outside_session_holding_the_pool_lock_times_out(pg_url: str) -> None:
    with ipam.open(pg_url) as store:
        store.create_pool("lan", "10.0.0.0/24").allocate("a")
    url = pg_url + "&timeout=0.5"
    with ipam.open(url) as store, psycopg.connect(_plain(pg_url)) as outside:
        pool = store.pool("lan")
        outside.execute(f'SELECT 1 FROM "{_schema(pg_url)}".pools WHERE name = %s FOR UPDATE', ("lan",))
        for call in (lambda: pool.release("10.0.0.1"), lambda: pool.allocate_many(2), lambda: pool.allocate(ip="10.0.0.9")):
            started = time.monotonic()
            with pytest.raises(StoreError, match=r"waited 0\.5 s for pool 'lan', locked by another session"):
                call()
            assert time.monotonic() - started < 20  # bounded (the wait itself is 0.5 s)
        # allocate() on a lowest / random pool does not lock the pool's row (its advisory lock, shared, and one
        # free interval's row): it goes on
        assert pool.allocate("b") == IP("10.0.0.2")
        outside.rollback()
        assert pool.allocate("c") == IP("10.0.0.3")  # and the rest works again
        assert pool.release("10.0.0.1")
        assert_partition(pool)


def test_outside_session_holding_a_subnet_pool_times_out(pg_url: str) -> None:
    """``SubnetPool.allocate`` (one statement, ``netx_carve``) waits for the pool's row as long as the rest."""
    with ipam.open(pg_url) as store:
        store.create_subnet_pool("nodes", "10.0.0.0/16").allocate(24, "a")
    with ipam.open(pg_url + "&timeout=0.5") as store, psycopg.connect(_plain(pg_url)) as outside:
        nodes = store.subnet_pool("nodes")
        outside.execute(f'SELECT 1 FROM "{_schema(pg_url)}".pools WHERE name = %s FOR UPDATE', ("nodes",))
        started = time.monotonic()
        with pytest.raises(StoreError, match=r"waited 0\.5 s for pool 'nodes', locked by another session"):
            nodes.allocate(24, "b")
        assert time.monotonic() - started < 20
        outside.rollback()
        assert nodes.allocate(24, "b") == IPNet("10.0.1.0/24")  # nothing of the call that waited stayed
        assert nodes.stats().allocated == 512


def test_stopped_process_holding_the_pool_lock_times_out(pg_url: str) -> None:
    with ipam.open(pg_url) as store:
        store.create_pool("lan", "10.0.0.0/24")
    proc = _spawn("hold", pg_url, "lan")
    try:
        assert _line(proc) == "held"
        _, status = os.waitpid(proc.pid, os.WUNTRACED)
        assert os.WIFSTOPPED(status)
        with ipam.open(pg_url + "&timeout=1") as store:
            pool = store.pool("lan")
            with pytest.raises(StoreError, match=r"waited 1 s for pool 'lan'.*stuck or stopped process"):
                pool.allocate("x")
            assert pool.stats().allocated == 0  # reads lock nothing, so they never wait
            assert pool.owner_of("10.0.0.1") is None
    finally:
        proc.kill()
        os.kill(proc.pid, signal.SIGCONT)
        proc.wait(timeout=30)
    with ipam.open(pg_url) as store:  # the holder is gone: everything proceeds
        assert store.pool("lan").allocate("x") == IP("10.0.0.1")


def test_ctrl_c_cancels_an_allocate_that_waits(pg_url: str) -> None:
    """SIGINT during ``allocate()`` (one prepared statement sent through libpq) interrupts it at once, cancels
    it on the server too, and leaves the store usable: as psycopg's own ``execute`` does."""
    from netx.ipam.store._pgsql import POOL_LOCK, POOL_MOD

    with ipam.open(pg_url) as store:
        store.create_pool("lan", "10.0.0.0/24")
    with psycopg.connect(_plain(pg_url)) as outside, psycopg.connect(_plain(pg_url), autocommit=True) as watch:
        # what a general-path call holds: the pool's advisory lock, exclusive, in a transaction
        outside.execute(f'SELECT pg_advisory_xact_lock({POOL_LOCK}, (id %% {POOL_MOD})::int) FROM "{_schema(pg_url)}".pools'
                        " WHERE name = %s", ("lan",))
        proc = _spawn("interrupt", pg_url + "&timeout=60", "lan")
        try:
            backend = int(_line(proc))
            deadline = time.monotonic() + 30
            query = "SELECT state, wait_event_type FROM pg_stat_activity WHERE pid = %s"
            while watch.execute(query, (backend,)).fetchone() != ("active", "Lock"):
                assert time.monotonic() < deadline, "the allocate() never waited for the lock"
                time.sleep(0.02)
            started = time.monotonic()
            proc.send_signal(signal.SIGINT)
            assert _line(proc) == "interrupted"
            assert time.monotonic() - started < 10  # not the 60 s lock timeout
            assert watch.execute(query, (backend,)).fetchone() == ("idle", "Client")  # cancelled on the server
            outside.rollback()
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
            assert _line(proc) == "10.0.0.1"  # the interrupted call took nothing, and the store goes on
            assert proc.wait(timeout=30) == 0
        finally:
            proc.kill()
            proc.wait(timeout=30)
    with ipam.open(pg_url) as store:
        assert list(store.pool("lan").allocations()) == [(IP("10.0.0.1"), "after")]


def test_timeout_option_is_checked() -> None:
    for bad in ("0", "-1", "abc", "1e9", "nan", ""):
        with pytest.raises(IPAMError, match="invalid timeout"):
            ipam.store.parse_url(f"postgresql://u@h/db?timeout={bad}")
    assert ipam.store.parse_url("postgresql://u@h/db?timeout=2.5&schema=x").timeout == 2.5
    assert "timeout" not in (ipam.store.parse_url("postgresql://u@h/db?timeout=2.5").conninfo or "")


# -- isolation ----------------------------------------------------------------------------------


@pytest.fixture
def serializable_url(pg_server: Any) -> Iterator[str]:
    """A database whose default isolation level is SERIALIZABLE."""
    name = f"ser_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_server.url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
        conn.execute(f"ALTER DATABASE {name} SET default_transaction_isolation = 'serializable'")
    yield pg_server.url.replace("/postgres?", f"/{name}?")
    with psycopg.connect(pg_server.url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE {name} WITH (FORCE)")


def test_serializable_default_makes_no_call_fail(serializable_url: str) -> None:
    with psycopg.connect(serializable_url) as conn:
        assert conn.execute("SHOW default_transaction_isolation").fetchone() == ("serializable",)
    with ipam.open(serializable_url) as store:
        store.create_pool("lan", "10.0.0.0/20")
    procs = [_spawn("mixed", serializable_url, "lan", "150", f"w{i}") for i in range(4)]
    for proc in procs:
        assert _line(proc) == "ready"
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    results = [proc.communicate(timeout=240)[0].strip() for proc in procs]
    assert results == ["ok"] * 4
    with ipam.open(serializable_url) as store:
        assert_partition(store.pool("lan"))


# -- owners -------------------------------------------------------------------------------------


def test_one_owner_limit_on_every_store(store_url: str) -> None:
    with ipam.open(store_url) as store:
        pool = store.create_pool("lan", "10.0.0.0/24")
        longest = "é" * 512  # 1024 bytes in UTF-8
        assert pool.allocate(longest) == IP("10.0.0.1")
        assert pool.owner_of("10.0.0.1") == longest
        assert pool.addresses_of(longest) == [IP("10.0.0.1")]
        for owner in ("x" * 1025, "€" * 342, "o" * 3000, "o" * 10**6):
            with pytest.raises(IPAMError, match="at most 1024 bytes on every store"):
                pool.allocate(owner)
            with pytest.raises(IPAMError, match="at most 1024 bytes"):
                pool.allocate_many(2, owner)
        assert pool.stats().allocated == 1
        assert_partition(pool)


def test_an_owner_no_store_can_hold_is_bad_input_on_every_store(store_url: str) -> None:
    """A NUL (PostgreSQL text cannot hold one) or a lone surrogate (not UTF-8): the same IPAMError everywhere,
    not a StoreError (an outage) on one store, a raw UnicodeEncodeError on another, and accepted on a third."""
    with ipam.open(store_url) as store:
        pool = store.create_pool("lan", "10.0.0.0/24")
        for owner, message in [("a\x00b", r"owner 'a\\x00b' contains a NUL character"),
                               ("\udcff", r"owner '\\udcff' is not valid Unicode text")]:
            for call in (lambda: pool.allocate(owner), lambda: pool.allocate_many(2, owner),
                         lambda: pool.ensure(owner), lambda: pool.addresses_of(owner)):
                with pytest.raises(IPAMError, match=message):
                    call()
        assert pool.stats().allocated == 0


# -- commit outcome unknown ---------------------------------------------------------------------


def _slow_commits(conn: Any, schema: str) -> None:
    """Make every COMMIT that touched allocations sleep 3 s first (a deferred constraint trigger)."""
    conn.execute(
        f'CREATE FUNCTION "{schema}".slow() RETURNS trigger LANGUAGE plpgsql AS'
        " $$ BEGIN PERFORM pg_sleep(3); RETURN NULL; END $$"
    )
    conn.execute(
        f'CREATE CONSTRAINT TRIGGER slow AFTER INSERT OR DELETE ON "{schema}".allocations'
        f' DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "{schema}".slow()'
    )


def _kill_when_sleeping(url: str, pid: int) -> threading.Thread:
    """Terminate backend ``pid`` as soon as it sleeps in the commit trigger (bounded: 20 s)."""

    def run() -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                row = conn.execute("SELECT query FROM pg_stat_activity WHERE pid = %s AND wait_event = 'PgSleep'",
                                   (pid,)).fetchone()
                if row:
                    conn.execute("SELECT pg_terminate_backend(%s, 10000)", (pid,))
                    return
                time.sleep(0.02)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_connection_lost_during_commit_says_outcome_unknown(pg_url: str) -> None:
    with ipam.open(pg_url) as store:
        pool = store.create_pool("lan", "10.0.0.0/24")
        rr = store.create_pool("rr", "10.1.0.0/24", strategy="round_robin")
        nodes = store.create_subnet_pool("nodes", "10.2.0.0/16")
        pool.allocate("before")
        with psycopg.connect(_plain(pg_url), autocommit=True) as conn:
            _slow_commits(conn, _schema(pg_url))
        calls = {"allocate": lambda: pool.allocate("vm-1"), "round_robin": lambda: rr.allocate("vm-2"),
                 "release": lambda: pool.release("10.0.0.1"), "carve": lambda: nodes.allocate(24, "node-1")}
        for what, call in calls.items():
            assert pool.stats().allocated == 1  # (re)connects
            killer = _kill_when_sleeping(_plain(pg_url), store._conn.info.backend_pid)  # type: ignore[attr-defined]
            with pytest.raises(OutcomeUnknown, match="outcome is unknown.*addresses_of"):
                call()
            killer.join(timeout=30)
            assert not killer.is_alive(), what
        # an OutcomeUnknown is a StoreError, and the store reconnects for the next call
        assert issubclass(OutcomeUnknown, StoreError) and not issubclass(OutcomeUnknown, ValueError)
        with psycopg.connect(_plain(pg_url), autocommit=True) as conn:
            conn.execute(f'DROP TRIGGER slow ON "{_schema(pg_url)}".allocations')
        assert pool.addresses_of("vm-1") == []  # this time the server had rolled it back
        assert pool.owner_of("10.0.0.1") == "before"
        assert pool.allocate("after") == IP("10.0.0.2")
        assert nodes.subnets_of("node-1") == [] and nodes.allocate(24) == IPNet("10.2.0.0/24")
        assert_partition(pool)
        assert_partition(rr)


# -- fork ---------------------------------------------------------------------------------------


def _child_allocates(pool: Any, n: int, queue: Any) -> None:
    try:
        queue.put([str(pool.allocate(f"child-{os.getpid()}")) for _ in range(n)])
    except BaseException as exc:  # reported to the parent
        queue.put(f"{type(exc).__name__}: {exc}")


def test_forked_children_use_their_own_connections(pg_url: str) -> None:
    ctx = multiprocessing.get_context("fork")
    with ipam.open(pg_url) as store:
        pool = store.create_pool("lan", "10.0.0.0/22")
        subnets = store.create_subnet_pool("nodes", "10.8.0.0/16")
        mine = [str(pool.allocate("parent"))]
        backend = store._conn.info.backend_pid  # type: ignore[attr-defined]
        queue = ctx.Queue()
        children = [ctx.Process(target=_child_allocates, args=(pool, 40, queue)) for _ in range(4)]
        for child in children:
            child.start()
        mine += [str(pool.allocate("parent")) for _ in range(40)]  # meanwhile, in the parent
        subnets.allocate(24, "parent")
        results = [queue.get(timeout=120) for _ in children]
        for child in children:
            child.join(timeout=60)
            assert child.exitcode == 0
        assert all(isinstance(r, list) for r in results), results
        everything = mine + [ip for r in results for ip in r]
        assert len(everything) == 201 and not [ip for ip, n in Counter(everything).items() if n > 1]
        # the parent's session survived its children (none of them closed or used it)
        assert store._conn.info.backend_pid == backend  # type: ignore[attr-defined]
        assert {str(ip) for ip, _ in pool.allocations()} == set(everything)
        assert_partition(pool)


def test_forked_child_leaves_the_other_threads_sessions_alone(pg_url: str) -> None:
    """A child forked while other threads hold connections of their own (their clones of the store) does not
    touch those sessions: the child has no such threads, and their connections are dropped unclosed."""
    ctx = multiprocessing.get_context("fork")
    with ipam.open(pg_url) as store:
        pool = store.create_pool("lan", "10.0.0.0/24")
        go, done = threading.Event(), threading.Event()
        seen: list[Any] = []

        def other_thread() -> None:
            seen.append(str(pool.allocate("thread")))
            seen.append(store._thread_store()._conn.info.backend_pid)  # type: ignore[attr-defined]
            go.set()
            assert done.wait(timeout=60)
            seen.append(str(pool.allocate("thread")))
            seen.append(store._thread_store()._conn.info.backend_pid)  # type: ignore[attr-defined]

        thread = threading.Thread(target=other_thread)
        thread.start()
        assert go.wait(timeout=30)
        queue = ctx.Queue()
        child = ctx.Process(target=_child_allocates, args=(pool, 5, queue))
        child.start()
        result = queue.get(timeout=120)
        child.join(timeout=60)
        assert child.exitcode == 0 and isinstance(result, list) and len(result) == 5, result
        done.set()
        thread.join(timeout=60)
        assert seen[0] == "10.0.0.1" and seen[1] == seen[3]  # the thread's session outlived the child
        assert sorted([seen[0], seen[2], *result], key=IP) == [f"10.0.0.{i}" for i in range(1, 8)]
        assert_partition(pool)


# -- threads ------------------------------------------------------------------------------------


def test_threads_allocate_while_another_thread_is_in_a_transaction(pg_url: str) -> None:
    with ipam.open(pg_url) as store:
        busy = store.create_pool("busy", "10.9.0.0/24")
        pool = store.create_pool("lan", "10.0.0.0/22")
        done = threading.Event()
        seen: list[bool] = []

        def long_call() -> None:  # holds the store's main connection in a transaction
            with busy._state.transaction():
                seen.append(done.wait(timeout=30))

        holder = threading.Thread(target=long_call)
        holder.start()
        got: list[str] = []
        workers = [threading.Thread(target=lambda: got.extend(str(pool.allocate("t")) for _ in range(25)))
                   for _ in range(4)]
        for w in workers:
            w.start()
        for w in workers:
            w.join(timeout=60)
        done.set()
        holder.join(timeout=60)
        assert seen == [True]  # the allocations finished while the other transaction was still open
        assert len(got) == len(set(got)) == 100
        assert_partition(pool)


def _backends(url: str) -> set[int]:
    """The server processes of the sessions connected to the test database, but this query's own."""
    with psycopg.connect(_plain(url), autocommit=True) as conn:
        rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                            " AND pid <> pg_backend_pid() AND backend_type = 'client backend'").fetchall()
    return {int(pid) for pid, in rows}


def test_threads_run_every_call_side_by_side(pg_url: str) -> None:
    """Every call, not only allocate(): a thread's transaction does not hold up the other threads' calls."""
    before = _backends(pg_url)
    store = ipam.open(pg_url)
    busy = store.create_pool("busy", "10.9.0.0/24")
    pool = store.create_pool("lan", "10.0.0.0/24")
    held, done = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def long_call() -> None:  # a general-path transaction, open until the other threads are done
        try:
            with busy._state.transaction():
                busy.allocate_many(2, "holder")
                held.set()
                assert done.wait(timeout=30)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    results: dict[int, list[Any]] = {}

    def general_calls(i: int) -> None:
        try:
            got = pool.allocate_many(3, f"t{i}")
            assert pool.release(got[0])
            results[i] = [got[1:], pool.stats().allocated, pool.owner_of(got[1]), store.pools(),
                          store.pool("lan").addresses_of(f"t{i}"), pool.ensure(f"e{i}")]
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    holder = threading.Thread(target=long_call)
    holder.start()
    assert held.wait(timeout=30)
    workers = [threading.Thread(target=general_calls, args=(i,)) for i in range(4)]
    for w in workers:
        w.start()
    deadline = time.monotonic() + 30
    for w in workers:
        w.join(timeout=max(0.0, deadline - time.monotonic()))
    finished = not any(w.is_alive() for w in workers)
    done.set()  # (also when they did not finish: so that they can, and the test ends)
    assert finished and not errors, "calls of other threads waited for one thread's transaction"
    holder.join(timeout=60)
    assert not errors and sorted(results) == [0, 1, 2, 3]
    for i, (kept, allocated, owner, names, held_by, ensured) in results.items():
        assert owner == f"t{i}" and names == ["busy", "lan"] and held_by == kept and allocated >= 2
        assert pool.addresses_of(f"e{i}") == ensured
    assert pool.stats().allocated == 12 and busy.stats().allocated == 2
    assert_partition(pool)
    # each thread had a connection of its own, closed with its thread (or with the store)
    assert len(_backends(pg_url) - before) >= 1
    store.close()
    deadline = time.monotonic() + 30
    while _backends(pg_url) - before:
        assert time.monotonic() < deadline, "a thread's connection outlived the store"
        time.sleep(0.05)


def test_threads_mixing_every_call_on_one_pool_keep_it_consistent(pg_url: str) -> None:
    """Threads of one store, each on its own connection, mixing every kind of call on one pool: the database's
    locks order them; nothing is handed out twice, nothing is lost, the free space stays the complement."""
    with ipam.open(pg_url) as store:
        pool = store.create_pool("lan", "10.0.0.0/24", "2001:db8::/120", strategy="random")
        held: dict[str, list[IP]] = {}
        errors: list[BaseException] = []

        def run(tag: str, seed: int) -> None:
            rng = random.Random(seed)
            mine: list[IP] = []
            try:
                for i in range(40):
                    r = rng.random()
                    if r < 0.35 or not mine:
                        mine.append(pool.allocate(tag))
                    elif r < 0.5:
                        mine += pool.allocate_many(2, tag, version=6)
                    elif r < 0.65:
                        assert pool.release(mine.pop(rng.randrange(len(mine))))
                    elif r < 0.8:
                        assert sorted(pool.addresses_of(tag), key=IP) == sorted(mine, key=IP)
                    elif r < 0.9:
                        ensured = pool.ensure(f"{tag}-e", 2)
                        assert len(ensured) == 2
                    else:
                        assert pool.stats().allocated >= len(mine)
                held[tag] = mine
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(f"t{i}", i)) for i in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not errors and len(held) == 6, errors
        owners = {ip: owner for ip, owner in pool.allocations()}
        for tag, mine in held.items():
            assert sorted(ip for ip, owner in owners.items() if owner == tag) == sorted(mine, key=IP)
            assert len(pool.addresses_of(f"{tag}-e")) == 2
        assert len(owners) == sum(len(m) for m in held.values()) + 12
        assert_partition(pool)


def test_a_threads_connection_closes_when_the_thread_ends(pg_url: str) -> None:
    with ipam.open(pg_url) as store:
        pool = store.create_pool("lan", "10.0.0.0/24")
        before = _backends(pg_url)
        thread = threading.Thread(target=lambda: pool.allocate("t"))
        thread.start()
        thread.join(timeout=30)
        deadline = time.monotonic() + 30
        while _backends(pg_url) - before or len(_backends(pg_url)) != len(before):
            assert time.monotonic() < deadline, "the thread's connection outlived the thread"
            time.sleep(0.05)
        assert pool.owner_of("10.0.0.1") == "t"


# -- restart mid-stream -------------------------------------------------------------------------


def test_server_restart_mid_stream_loses_nothing_and_duplicates_nothing() -> None:
    server = TempPostgres(fast=True)
    server.start()
    try:
        url = server.url + "&timeout=5"
        with ipam.open(url) as store:
            store.create_pool("lan", "10.0.0.0/16")
        procs = [_spawn("stream", url, "lan", "400", f"w{i}") for i in range(2)]
        for proc in procs:
            assert _line(proc) == "ready"
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        seen = [_line(procs[0]) for _ in range(60)]  # mid-stream ...
        server.restart()  # ... a crash and crash recovery
        lines = seen
        for proc in procs:  # each worker gives up after 120 s, so these reads end
            assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
            proc.stdin.close()
            lines += proc.stdout.read().split("\n")  # (not communicate(): it would skip what readline buffered)
            assert proc.wait(timeout=60) == 0, proc.stderr.read()
        assert lines.count("done") == 2
        handed = [line.split() for line in lines if line and line != "done" and not line.startswith("unknown")]
        unknown = [line.split()[1] for line in lines if line.startswith("unknown")]
        assert len(handed) + len(unknown) == 800  # every call finished, despite the restart
        with ipam.open(url) as store:
            pool = store.pool("lan")
            recorded = dict((str(ip), owner) for ip, owner in pool.allocations())
            assert not [ip for ip, n in Counter(ip for ip, _ in handed).items() if n > 1]
            assert all(recorded.get(ip) == owner for ip, owner in handed)  # nothing returned was lost
            for owner in unknown:  # an unknown outcome took at most one address
                assert len(pool.addresses_of(owner)) <= 1
            extra = set(recorded) - {ip for ip, _ in handed}
            assert len(extra) == sum(len(pool.addresses_of(o)) for o in unknown), sorted(extra)
            assert_partition(pool)
    finally:
        server.stop()


def test_store_error_is_not_a_value_error() -> None:
    assert issubclass(StoreError, netx.Error) and not issubclass(StoreError, ValueError)
