"""bench_db's SQLite rows counted in CPU instructions (valgrind's callgrind), not timed.

    python benchmarks/count_db.py            # 20,000 rows per case (about 10 minutes)
    python benchmarks/count_db.py --quick    # 2,000 rows (smoke test; needs valgrind)

The same case as bench_db.py (insert N rows in one transaction through SQLAlchemy Core,
then select them all; a netx column holding netx values vs a ``String`` column holding the
same values as text), on a SQLite file in a temporary directory, with the cyclic GC off.
Each side runs once and three times under callgrind; the difference over two rounds is
what one round costs, without start-up and imports. Instruction counts do not move with
machine load or with a virtual CPU's changing speed (timings on this machine swing ~1.45x
within seconds: see docs/benchmarks.md), so this is the steady reading of bench_db's
ratio; memory stalls, which counts do not see, are what the timed rows add.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)  # benchmarks/ is not a package
from _harness import quick_flag  # noqa: E402

KINDS = ("IP", "IPNet", "IPInterface")


def child(kind: str, side: str, rounds: int, n: int, folder: str) -> None:
    """One process: set up, run one untimed round, then ``rounds`` more (what callgrind counts)."""
    import gc

    from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, delete, insert, select

    import netx.sqlalchemy as ns
    from bench_db import _values

    column = {"IP": ns.IPType, "IPNet": ns.IPNetType, "IPInterface": ns.IPInterfaceType}[kind]
    engine = create_engine(f"sqlite:///{folder}/count.db")
    table = Table("t", MetaData(), Column("id", Integer, primary_key=True),
                  Column("v", column if side == "netx" else String(64)))
    table.metadata.create_all(engine)
    values, texts = _values(n, 1)[kind]
    rows = [{"id": k, "v": v} for k, v in enumerate(values if side == "netx" else texts)]

    def once() -> list[object]:
        with engine.begin() as conn:
            conn.execute(delete(table))
            conn.execute(insert(table), rows)
        with engine.connect() as conn:
            return list(conn.execute(select(table.c.v).order_by(table.c.id)).scalars().all())

    if once() != (values if side == "netx" else texts):
        raise SystemExit(f"{kind} {side}: rows read back differ from the rows written")
    gc.disable()
    for _ in range(rounds):
        once()


def count(kind: str, side: str, rounds: int, n: int) -> int:
    """Instructions callgrind counts for a child doing ``rounds`` rounds."""
    folder = tempfile.mkdtemp(prefix="netx-count-db-")
    try:
        out = os.path.join(folder, "callgrind.out")
        proc = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, __file__,
             "--child", kind, side, str(rounds), str(n), folder],
            capture_output=True, text=True, timeout=1800)
        found = re.search(r"Collected : (\d+)", proc.stderr)
        if proc.returncode != 0 or found is None:
            raise SystemExit(f"callgrind failed for {kind} {side}: {proc.stderr[-2000:]}")
        return int(found.group(1))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        child(argv[1], argv[2], int(argv[3]), int(argv[4]), argv[5])
        return 0
    quick = quick_flag(argv, __doc__)
    if shutil.which("valgrind") is None:
        print("valgrind is not installed: nothing to count (apt-get install valgrind)")
        return 0
    n = 2_000 if quick else 20_000
    print(f"SQLite, insert + select {n:,} rows through SQLAlchemy Core, CPU instructions per row "
          "(callgrind; one round = three rounds minus one, halved); ratio = netx / String\n")
    print("| column | netx | String | ratio (target ≤ 1.5×) |")
    print("| --- | ---: | ---: | --- |")
    for kind in KINDS:
        per_row = {side: (count(kind, side, 3, n) - count(kind, side, 1, n)) / 2 / n for side in ("netx", "text")}
        ratio = per_row["netx"] / per_row["text"]
        print(f"| {kind}Type | {per_row['netx']:,.0f} | {per_row['text']:,.0f} | {ratio:.2f}× "
              f"{'PASS' if ratio <= 1.5 else 'MISS'} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
