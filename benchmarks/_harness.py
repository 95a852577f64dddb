"""What every benchmark script shares: best-of-N timing, ns/µs/ms cells, ratio verdicts
against targets (PASS/MISS) and the ``| case | netx | peer | ratio |`` table.

Not a package module: the scripts find it because ``sys.path[0]`` is this folder.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import ipaddress
import os
import platform
import random
import statistics
import sys
import time
from types import ModuleType
from typing import Any, Callable, Iterable, Iterator

Row = tuple[str, str, str, str]  # case, netx cell, peer cell, ratio cell


# -- timing ----------------------------------------------------------------------------------


def interleaved(fns: list[Callable[[], Any]], ops: int, repeats: int, *,
                setup: Callable[[], Any] | None = None, gc_off: bool = False) -> list[float]:
    """Best-of-``repeats`` ns per op of each ``fn`` (each does ``ops`` ops), taking turns so that all
    see the same machine load. ``setup`` runs untimed at the start of each round; ``gc_off``
    collects, then keeps the cyclic GC off while the round is timed."""
    best = [float("inf")] * len(fns)
    for _ in range(repeats):
        if setup is not None:
            setup()
        if gc_off:
            gc.collect()
            gc.disable()
        try:
            for k, fn in enumerate(fns):
                start = time.perf_counter_ns()
                fn()
                best[k] = min(best[k], time.perf_counter_ns() - start)
        finally:
            if gc_off:
                gc.enable()
    return [b / ops for b in best]


def paired(a: list[Callable[[], Any]], b: list[Callable[[], Any]], ops: int, repeats: int, *,
           gc_off: bool = False) -> tuple[float, float, float]:
    """Two sides of one comparison, each a list of phases (insert, then select): the best-of-``repeats``
    ns per op of each side (every phase's best, added), and the median over rounds of the paired
    ratio ``a / b``. Each round runs phase k of both sides back to back, in an order that alternates
    from round to round, so both halves of a pair meet the same machine state: on a virtual machine
    whose CPU switches between speeds every second or so (see ``cpu_spread``), each side's best alone
    can come from different states, and their ratio with it; the paired median is steady."""
    if len(a) != len(b):
        raise ValueError("both sides need the same phases")
    best_a, best_b = [float("inf")] * len(a), [float("inf")] * len(b)
    ratios: list[float] = []
    for r in range(repeats):
        sums = [0, 0]
        if gc_off:
            gc.collect()
            gc.disable()
        try:
            for k, pair in enumerate(zip(a, b)):
                for side in ((0, 1) if r % 2 == 0 else (1, 0)):
                    start = time.perf_counter_ns()
                    pair[side]()
                    took = time.perf_counter_ns() - start
                    sums[side] += took
                    best = best_a if side == 0 else best_b
                    best[k] = min(best[k], took)
        finally:
            if gc_off:
                gc.enable()
        ratios.append(sums[0] / sums[1])
    return sum(best_a) / ops, sum(best_b) / ops, statistics.median(ratios)


def best_ns(fn: Callable[[], Any], ops: int = 1, repeats: int = 5, *,
            setup: Callable[[], Any] | None = None, gc_off: bool = False) -> float:
    """Best-of-``repeats`` ns per op of ``fn`` (which does ``ops`` ops); see ``interleaved``."""
    return interleaved([fn], ops, repeats, setup=setup, gc_off=gc_off)[0]


# -- cells -----------------------------------------------------------------------------------


def fmt_ns(ns: float) -> str:
    """A time in ns as three significant digits in ns, µs, ms or s: ``46.0 ns``, ``1.82 µs``."""
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if abs(ns) >= scale * 0.9995:  # 999.7 ns prints as 1.00 µs, not 1,000 ns
            ns, label = ns / scale, unit
            break
    else:
        label = "ns"
    digits = 2 if abs(ns) < 10 else 1 if abs(ns) < 100 else 0
    return f"{ns:,.{digits}f} {label}"


def verdict(ok: bool, target: str) -> str:
    """``(target ≥ 4×) PASS`` or ``... MISS``; ``target`` is the text after "target"."""
    return f"(target {target}) {'PASS' if ok else 'MISS'}"


def ratio_cell(ratio: float, target: float | None = None, *, within: bool = False, note: str = "") -> str:
    """``5.33× (target ≥ 4×) PASS``; ``within`` means lower is better: ``1.32× (target ≤ 3×) PASS``."""
    text = f"{ratio:.2f}×{note}"
    if target is None:
        return text
    ok = ratio <= target if within else ratio >= target
    sign = "≤" if within else "≥"
    return f"{text} {verdict(ok, f'{sign} {target:g}×')}"


def row(case: str, netx_ns: float, peer_ns: float, peer: str = "", target: float | None = None, *,
        within: bool = False, note: str = "") -> Row:
    """One table row comparing two times. The ratio is peer / netx (higher is better for netx),
    or with ``within`` netx / peer against a ceiling (netx may cost at most ``target``× its peer)."""
    ratio = netx_ns / peer_ns if within else peer_ns / netx_ns
    return (case, fmt_ns(netx_ns), fmt_ns(peer_ns) + (f" ({peer})" if peer else ""),
            ratio_cell(ratio, target, within=within, note=note))


# -- data ------------------------------------------------------------------------------------


def random_addresses(n: int, rng: random.Random,
                     v6_share: float) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """``n`` uniformly random stdlib addresses, each IPv6 with probability ``v6_share``."""
    out: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = []
    for _ in range(n):
        if rng.random() < v6_share:
            out.append(ipaddress.IPv6Address(rng.getrandbits(128)))
        else:
            out.append(ipaddress.IPv4Address(rng.getrandbits(32)))
    return out


# -- output ----------------------------------------------------------------------------------


def quick_flag(argv: list[str] | None, doc: str | None) -> bool:
    """Parse the command line every benchmark takes (``--quick``) and return whether it was given."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes, few repeats (the smoke test)")
    return parser.parse_args(argv).quick


def cpu_spread(seconds: float = 0.5) -> float:
    """How unsteady this machine's CPU is right now: the 90th over the 10th percentile time of
    the same ~5 ms piece of pure-Python work, repeated for ``seconds`` (1.0x: steady). A virtual
    machine whose speed swings between states within seconds shows it here (seen: ~1.45x)."""
    times: list[float] = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        start = time.perf_counter()
        total = 0
        for i in range(50_000):
            total += i * i
        times.append(time.perf_counter() - start)
    times.sort()
    return times[len(times) * 9 // 10] / times[len(times) // 10]


def print_header(details: str, *modules: ModuleType, quick: bool = False, **versions: str) -> None:
    """The line above a table: the versions measured, the machine (with its CPU's steadiness
    at the end of the run, ``cpu_spread``), then what the numbers mean."""
    parts = [f"{m.__name__} {m.__version__}" for m in modules]
    parts += [f"{name} {version}" for name, version in versions.items()]
    parts += [f"Python {platform.python_version()}", f"{os.cpu_count()} CPUs"]
    if not quick:
        parts.append(f"CPU spread {cpu_spread():.2f}× (90th / 10th percentile time of one small piece of work, over 0.5 s)")
    print(", ".join(parts) + (" (--quick: small sizes, noisy)" if quick else ""))
    print(details + "\n")


def print_table(rows: list[Row], notes: Iterable[str] = ()) -> None:
    """The markdown table, then one line naming the rows that missed their target (if any), then ``notes``."""
    print("| case | netx | peer | ratio |")
    print("| --- | ---: | ---: | --- |")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    missed = [r[0] for r in rows if r[3].endswith(" MISS")]
    targets = sum(r[3].endswith((" PASS", " MISS")) for r in rows)
    if missed:
        print(f"\nMISS ({len(missed)} of {targets} targets): {'; '.join(missed)}")
    elif targets:
        print(f"\nall {targets} targets met")
    for note in notes:
        print(f"\n{note}")
    sys.stdout.flush()


# -- a throwaway PostgreSQL ------------------------------------------------------------------


@contextlib.contextmanager
def throwaway_postgres(notes: list[str], *, fast: bool = True) -> Iterator[Any]:
    """A started throwaway PostgreSQL server (the test suite's helper, wherever it lives), or
    None with the reason appended to ``notes`` when there is none here; stopped on exit."""
    try:
        from netx.ipam.store._pgtest import TempPostgres
    except ImportError:
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests"))
        try:
            from _pgtest import TempPostgres  # type: ignore[no-redef]
        except ImportError:
            notes.append("PostgreSQL rows skipped: no throwaway-server helper found")
            yield None
            return
    server = TempPostgres(fast=fast)
    try:
        server.start()
    except Exception as exc:  # no PostgreSQL binaries on this machine: report, don't fail
        server.stop()
        notes.append(f"PostgreSQL rows skipped: {exc}")
        yield None
        return
    try:
        yield server
    finally:
        server.stop()
