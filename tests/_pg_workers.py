"""Helper processes for the PostgreSQL fault tests: ``python tests/_pg_workers.py CMD URL POOL ...``.

    hold URL POOL            lock POOL in a transaction, print ``held``, then SIGSTOP itself (inside it)
    mixed URL POOL N TAG     print ``ready``, wait for a line, then N calls mixing allocate / release /
                             allocate_many / owner_of; print ``ok`` or the first error's type and message
    until URL POOL N TAG     print ``ready``, wait for a line, then up to N allocate() calls until one fails;
                             print ``ok K`` (K addresses handed out, no failure) or ``ERROR-TYPE K``
    interrupt URL POOL       print its connection's backend pid, call allocate() (the test holds the pool, then
                             sends SIGINT); print ``interrupted``, wait for a line, then allocate() again and
                             print the address
    stream URL POOL N TAG    N allocate() calls with owners TAG-0, TAG-1, ... retrying through outages
                             (bounded); prints ``ip owner`` per address handed out, ``unknown owner``
                             for every OutcomeUnknown, then ``done``
"""

from __future__ import annotations

import os
import random
import signal
import sys
import time
from typing import Any

import netx.ipam
from netx.ipam import OutcomeUnknown, StoreError


def _ready(url: str, name: str) -> Any:
    """Open the pool, say ``ready``, wait for the go line."""
    pool = netx.ipam.open(url).pool(name)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    sys.stdin.readline()
    return pool


def main(argv: list[str]) -> int:
    cmd, url, name = argv[:3]
    out = sys.stdout
    if cmd == "hold":
        store = netx.ipam.open(url)
        pool = store.pool(name)
        with pool._state.transaction():
            out.write("held\n")
            out.flush()
            os.kill(os.getpid(), signal.SIGSTOP)
            time.sleep(60)  # only after SIGCONT; the test kills us first
        return 0
    if cmd == "interrupt":
        store = netx.ipam.open(url)
        pool = store.pool(name)
        out.write(f"{store._conn.info.backend_pid}\n")  # type: ignore[attr-defined]
        out.flush()
        try:
            pool.allocate("interrupted")
        except KeyboardInterrupt:
            out.write("interrupted\n")
        else:
            out.write("not interrupted\n")
            return 1
        out.flush()
        sys.stdin.readline()
        out.write(f"{pool.allocate('after')}\n")
        return 0
    if cmd == "mixed":
        n, tag = int(argv[3]), argv[4]
        pool = _ready(url, name)
        rng = random.Random(tag)
        mine: list[object] = []
        try:
            for i in range(n):
                r = rng.random()
                if r < 0.5 or not mine:
                    mine.append(pool.allocate(f"{tag}-{i}"))
                elif r < 0.7:
                    pool.release(mine.pop(rng.randrange(len(mine))))
                elif r < 0.85:
                    mine += pool.allocate_many(2, tag)
                else:
                    pool.owner_of(mine[-1])
        except Exception as exc:  # reported to the test
            out.write(f"{type(exc).__name__}: {exc}\n")
            return 1
        out.write("ok\n")
        return 0
    if cmd == "until":
        n, tag = int(argv[3]), argv[4]
        pool = _ready(url, name)
        done = 0
        try:
            for i in range(n):
                pool.allocate(f"{tag}-{i}")
                done += 1
        except Exception as exc:  # reported to the test
            out.write(f"{type(exc).__name__} {done}\n")
            return 0
        out.write(f"ok {done}\n")
        return 0
    if cmd == "stream":
        n, tag = int(argv[3]), argv[4]
        pool = _ready(url, name)
        deadline = time.monotonic() + 120
        i = 0
        while i < n and time.monotonic() < deadline:
            owner = f"{tag}-{i}"
            try:
                ip = pool.allocate(owner)
            except OutcomeUnknown:
                out.write(f"unknown {owner}\n")
                i += 1
            except StoreError:  # the server is down: try again a little later
                time.sleep(0.05)
                continue
            else:
                out.write(f"{ip} {owner}\n")
                i += 1
            out.flush()
        out.write("done\n")
        return 0
    raise SystemExit(f"unknown command {cmd!r}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
