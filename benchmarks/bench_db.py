"""netx in databases: SQLAlchemy column types and psycopg loaders against their plain peers.

    python benchmarks/bench_db.py            # 100,000 rows
    python benchmarks/bench_db.py --quick    # 5,000 rows (smoke test)

Cases (one run, side by side, best of N, distinct random addresses, 30% IPv6):
- insert N rows in one transaction, then select them all, through SQLAlchemy Core: a
  ``netx.sqlalchemy`` column (``IPType`` / ``IPNetType`` / ``IPInterfaceType``) holding
  netx values vs a plain ``String`` column holding the same values as text; on SQLite and
  on PostgreSQL (psycopg 3): target netx within 1.5x. Paired rounds (9 on SQLite, 5 on
  PostgreSQL): in each, the netx column's insert runs back to back with the String column's,
  then the two selects, in an order alternating by round; the ratio is the median of the
  rounds' paired ratios (netx insert + select over String insert + select), and the cells
  show each column's best insert + best select. Timed with the cyclic GC paused (as
  bench_parse and bench_pool do): netx values are GC-tracked objects and str is not, so
  with the GC running the ratio also measures how big this process's heap is; one row per
  backend shows that case, without a target;
- psycopg fetching N ``inet`` (and ``cidr``) values, text and binary: ``netx.psycopg``
  loaders producing netx values vs psycopg's own loaders producing ``ipaddress`` objects
  (target: at least as fast, >= 1x), with the floor (the same column fetched as ``text``:
  no parsing at all) alongside.
"""

from __future__ import annotations

import ipaddress
import os
import random
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable

import netx

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # benchmarks/ is not a package
from _harness import (  # noqa: E402
    Row, fmt_ns, interleaved, paired, print_header, print_table, quick_flag, random_addresses, ratio_cell, row,
    throwaway_postgres)

ROWS: list[Row] = []
NOTES: list[str] = []


def _values(n: int, seed: int) -> dict[str, tuple[list[Any], list[str]]]:
    """Per column kind: n distinct netx values, and the same values as text."""
    rng = random.Random(seed)
    addrs = list(dict.fromkeys(random_addresses(int(n * 1.05) + 10, rng, 0.3)))[:n]
    ips = [netx.IP(a) for a in addrs]
    nets = [ip.prefix(rng.choice([8, 16, 24, 28, 32]) if ip.version == 4 else rng.choice([32, 48, 64, 112]))
            for ip in ips]
    ifaces = [netx.IPInterface((ip, net.prefixlen)) for ip, net in zip(ips, nets)]
    return {kind: (vals, [str(v) for v in vals]) for kind, vals in (("IP", ips), ("IPNet", nets), ("IPInterface", ifaces))}


# -- SQLAlchemy: netx column vs String column ------------------------------------------------
def bench_sqlalchemy(backend: str, url: str, n: int, repeats: int, connect_args: dict[str, Any] | None = None) -> None:
    from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, delete, insert, select

    from netx.sqlalchemy import IPInterfaceType, IPNetType, IPType

    engine = create_engine(url, connect_args=connect_args or {})
    md = MetaData()
    types: dict[str, Any] = {"IP": IPType, "IPNet": IPNetType, "IPInterface": IPInterfaceType}
    tables = {kind: (Table(f"bench_{kind.lower()}", md, Column("id", Integer, primary_key=True), Column("v", t)),
                     Table(f"bench_{kind.lower()}_text", md, Column("id", Integer, primary_key=True), Column("v", String(64))))
              for kind, t in types.items()}
    md.drop_all(engine)
    md.create_all(engine)
    data = _values(n, 1)
    for kind, (typed, plain) in tables.items():
        values, texts = data[kind]
        typed_rows = [{"id": k, "v": v} for k, v in enumerate(values)]
        plain_rows = [{"id": k, "v": v} for k, v in enumerate(texts)]
        check: dict[str, list[Any]] = {}

        def run(table: Any, rows: list[dict[str, Any]], label: str) -> list[Callable[[], None]]:
            def insert_all() -> None:
                with engine.begin() as conn:
                    conn.execute(delete(table))
                    conn.execute(insert(table), rows)

            def select_all() -> None:
                with engine.connect() as conn:
                    check[label] = conn.execute(select(table.c.v).order_by(table.c.id)).scalars().all()
            return [insert_all, select_all]

        # Paired rounds: each phase of the netx column runs back to back with the same phase of the
        # String column (order alternating by round), and the ratio is the median of the rounds'
        # paired ratios. This machine's CPU switches between speeds ~1.45x apart every second or
        # so; two columns' separate bests can come from different states, a pair cannot.
        netx_side, text_side = run(typed, typed_rows, "netx"), run(plain, plain_rows, "text")
        for gc_off in (True, False) if kind == "IP" else (True,):
            t_netx, t_plain, median = paired(netx_side, text_side, n, repeats, gc_off=gc_off)
            if check["netx"] != values or check["text"] != texts:
                raise SystemExit(f"{backend} {kind}: rows read back differ from the rows written")
            case = f"{backend}: insert + select {n:,} rows, {types[kind].__name__} vs String (text) column, per row"
            best_of = f"; best of each alone: {t_netx / t_plain:.2f}×"
            if gc_off:
                cell = ratio_cell(median, 1.5, within=True, note=f" (median of {repeats} paired rounds{best_of})")
            else:  # the same with the cyclic GC running: netx values are GC-tracked objects, str is not
                case += ", cyclic GC on"
                cell = ratio_cell(median, note=f" (no target: GC cost grows with the process's heap{best_of})")
            ROWS.append((case, fmt_ns(t_netx), fmt_ns(t_plain) + " (String)", cell))
    md.drop_all(engine)
    engine.dispose()


# -- psycopg: netx loaders vs psycopg's ipaddress loaders ------------------------------------
def bench_psycopg(url: str, n: int, repeats: int) -> None:
    import psycopg

    import netx.psycopg

    data = _values(n, 2)
    with psycopg.connect(url) as setup:
        setup.execute("DROP TABLE IF EXISTS bench_load")
        setup.execute("CREATE TABLE bench_load (a inet, n cidr)")
        with setup.cursor().copy("COPY bench_load (a, n) FROM STDIN") as copy:
            for ip, net in zip(data["IP"][1][: n // 2] + data["IPInterface"][1][n // 2:], data["IPNet"][1]):
                copy.write_row((ip, net))
    theirs = psycopg.connect(url)
    ours = psycopg.connect(url)
    netx.psycopg.register(ours)
    try:
        for column, what in (("a", "inet"), ("n", "cidr")):
            for binary in (False, True):
                fmt = "binary" if binary else "text"
                query = f"SELECT {column} FROM bench_load"
                got: dict[str, list[Any]] = {}

                def fetch(conn: Any, label: str, sql: str = query) -> Callable[[], None]:
                    def go() -> None:
                        got[label] = conn.cursor(binary=binary).execute(sql).fetchall()
                    return go

                t_netx, t_std, t_floor = interleaved(
                    [fetch(ours, "netx"), fetch(theirs, "std"), fetch(theirs, "floor", f"SELECT {column}::text FROM bench_load")],
                    n, repeats)
                if [r[0] for r in got["netx"]] != [_as_netx(r[0]) for r in got["std"]]:
                    raise SystemExit(f"psycopg {what} {fmt}: netx and psycopg loaded different values")
                kind = "IP / IPInterface" if what == "inet" else "IPNet"
                ROWS.append(row(f"psycopg: fetch {n:,} {what} ({fmt}) as {kind} vs psycopg's ipaddress loaders, per value",
                                t_netx, t_std, "psycopg", target=1))
                if not binary:
                    NOTES.append(f"psycopg floor, {what}: the same {n:,} values fetched as text (no parsing) take "
                                 f"{fmt_ns(t_floor)} per value; netx {fmt_ns(t_netx)}")
    finally:
        theirs.close()
        ours.close()


def _as_netx(value: Any) -> Any:
    if isinstance(value, (ipaddress.IPv4Interface, ipaddress.IPv6Interface)):
        return netx.IPInterface(value)
    if isinstance(value, (ipaddress.IPv4Network, ipaddress.IPv6Network)):
        return netx.IPNet(value)
    return netx.IP(value)


def main(argv: list[str] | None = None) -> int:
    quick = quick_flag(sys.argv[1:] if argv is None else argv, __doc__)
    n, repeats = (5_000, 2) if quick else (100_000, 5)
    root = Path(tempfile.mkdtemp(prefix="netx-bench-db-"))
    try:
        bench_sqlalchemy("SQLite", f"sqlite:///{root}/bench.db", n, 2 if quick else 9)  # (its rounds are short)
        with throwaway_postgres(NOTES) as server:
            if server is not None:
                bench_sqlalchemy("PostgreSQL", server.url.replace("postgresql://", "postgresql+psycopg://", 1), n, repeats)
                bench_psycopg(server.url, n, repeats)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    import psycopg
    import sqlalchemy

    print_header("time per row / value, best of N; ratio = netx / peer where the target is a ceiling (SQLAlchemy "
                 "rows: the median of paired rounds), peer / netx where it is a floor", netx, sqlalchemy, psycopg, quick=quick, sqlite=sqlite3.sqlite_version)
    print_table(ROWS, NOTES)
    return 0


if __name__ == "__main__":
    sys.exit(main())
