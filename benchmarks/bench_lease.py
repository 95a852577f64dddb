"""Leases: the cost of an allocation must not grow with the number of expired leases waiting to be reclaimed.

    python benchmarks/bench_lease.py            # full sizes
    python benchmarks/bench_lease.py --quick    # small sizes (smoke test)

A pool is filled with leases that then expire; every ``allocate()`` afterwards finds no
free address and reclaims one expired lease (the oldest) before handing it out. Timed:
``allocate()`` with few expired leases waiting vs with many (100× more), on the in-memory
pool and on SQLite (target: within 2× — the reclaim is one index range scan with a
LIMIT), and next to a plain ``allocate()`` from free space in the same pool kind (no
leases), the floor.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # benchmarks/ is not a package
from _harness import Row, best_ns, print_header, print_table, quick_flag, row  # noqa: E402

import netx  # noqa: E402
import netx.ipam as ipam  # noqa: E402

TTL = 0.5


def _expired_pool(store: Any, name: str, size: int) -> Any:
    """A pool of ``size`` addresses, every one a lease that has expired."""
    cidr = f"{10 + len(name)}.0.0.0/{32 - (size - 1).bit_length() - 1}"
    pool = store.create_pool(name, cidr)
    free = pool.stats().free
    pool.allocate_many(free, "old", ttl=TTL)
    return pool


def bench(kind: str, make_store: Any, few: int, many: int, calls: int, repeats: int) -> list[Row]:
    store = make_store()
    small, large = _expired_pool(store, "small", few), _expired_pool(store, "largepool", many)
    plain = store.create_pool("plain", "10.200.0.0/16")
    time.sleep(TTL + 0.1)
    counter = iter(range(10**9))

    def alloc(pool: Any) -> Any:
        return lambda: [pool.allocate(f"n{next(counter)}") for _ in range(calls)]

    t_small = best_ns(alloc(small), calls, repeats)
    t_large = best_ns(alloc(large), calls, repeats)
    t_plain = best_ns(alloc(plain), calls, repeats)
    store.close()
    return [
        row(f"{kind}: allocate() reclaiming, {many:,} vs {few:,} expired leases waiting", t_large, t_small,
            f"{few:,} expired", 2, within=True),
        row(f"{kind}: allocate() reclaiming an expired lease vs from free space", t_large, t_plain,
            "free space, no leases"),
    ]


def main(argv: list[str] | None = None) -> int:
    quick = quick_flag(argv, __doc__)
    few, many, calls, repeats = (128, 8192, 20, 3) if quick else (1024, 65536, 100, 5)
    root = Path(tempfile.mkdtemp(prefix="bench-lease-"))
    try:
        rows = bench("memory", lambda: ipam.open("memory://"), few, many, calls, repeats)
        rows += bench("SQLite", lambda: ipam.open(f"sqlite:///{root}/lease.db"), few, many, calls, repeats)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print_header(
        "Per allocate() call, best of the repeats; each call reclaims one expired lease (pool exhausted).",
        netx, quick=quick,
    )
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
