"""Run every benchmark in this folder, one after another, and print their tables.

    python benchmarks/run.py            # full sizes (about 15 minutes on 2 cores)
    python benchmarks/run.py --quick    # small sizes, seconds (what the smoke test runs)
    python benchmarks/run.py parse set  # only bench_parse.py and bench_set.py
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    flags = [a for a in argv if a.startswith("-")]
    names = [a for a in argv if not a.startswith("-")]
    scripts = sorted(HERE.glob("bench_*.py"))
    if names:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in names]
    failed = []
    for script in scripts:
        print(f"\n## {script.stem}\n", flush=True)
        start = time.perf_counter()
        code = subprocess.call([sys.executable, str(script), *flags])
        print(f"\n({script.name}: {time.perf_counter() - start:.1f} s, exit {code})", flush=True)
        if code:
            failed.append(script.name)
    if failed:
        print("\nfailed:", ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
