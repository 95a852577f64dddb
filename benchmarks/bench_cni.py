"""netx-ipam (the CNI IPAM plugin) start-up and call cost, next to host-local and a bare interpreter.

    python benchmarks/bench_cni.py            # full: 15 rounds
    python benchmarks/bench_cni.py --quick    # 3 rounds (smoke test)

A kubelet starts the IPAM plugin once per pod, so what counts is one whole process:
interpreter start-up, imports, opening the store, the call, exit. Each round runs, one
after another (so all see the same machine load):

- ``python -c pass`` on the same interpreter (the floor any Python plugin pays);
- ``netx-ipam ADD`` on SQLite (the default store: a file under ``dataDir``), a real
  allocation committed to disk (each ADD is undone by an untimed DEL);
- the same ``ADD`` through ``/usr/lib/cni/host-local`` (Go, files under ``dataDir``);
- ``netx-ipam DEL`` and host-local ``DEL``;
- with PostgreSQL binaries present (full run only): ``netx-ipam ADD`` on a throwaway
  PostgreSQL server (the cluster-wide setup).

The netx package's bytecode is compiled first, as an installed package's is. Wall time is
the best of the rounds; CPU time (user + system of the child, from
``getrusage``) is less sensitive to other load on the machine. Target: ``netx-ipam ADD`` on
SQLite costs at most 3× ``python -c pass`` in CPU time.
"""

from __future__ import annotations

import compileall
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # benchmarks/ is not a package
from _harness import Row, fmt_ns, print_header, print_table, quick_flag, ratio_cell  # noqa: E402

import netx  # noqa: E402

HOST_LOCAL = "/usr/lib/cni/host-local"
SCRIPT = shutil.which("netx-ipam", path=str(Path(sys.executable).parent)) or "netx-ipam"
ENV = {"CNI_NETNS": "/var/run/netns/bench", "CNI_IFNAME": "eth0", "CNI_PATH": "/usr/lib/cni"}


def _conf(plugin: str, data_dir: Path, **ipam: Any) -> bytes:
    return json.dumps({
        "cniVersion": "1.0.0", "name": "bench", "type": "bridge",
        "ipam": {"type": plugin, "dataDir": str(data_dir), "ranges": [[{"subnet": "10.88.0.0/16"}]],
                 "routes": [{"dst": "0.0.0.0/0"}], **ipam},
    }).encode()


def _run(argv: list[str], command: str | None = None, container: str = "", data: bytes = b"") -> tuple[float, float]:
    """One process: (wall ns, CPU ns of the child)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CNI_") and k != "PYTHONDONTWRITEBYTECODE"}
    if command is not None:
        env.update(ENV, CNI_COMMAND=command, CNI_CONTAINERID=container)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter_ns()
    proc = subprocess.run(argv, input=data, env=env, capture_output=True, timeout=120)
    wall = time.perf_counter_ns() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{argv[0]} {command} failed: {proc.stdout.decode()[:500]} {proc.stderr.decode()[-500:]}")
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1e9
    return wall, cpu


class Best:
    """Best wall and CPU time of a case over the rounds."""

    def __init__(self) -> None:
        self.wall = float("inf")
        self.cpu = float("inf")

    def add(self, sample: tuple[float, float]) -> None:
        self.wall = min(self.wall, sample[0])
        self.cpu = min(self.cpu, sample[1])


def _pg_url(root: Path) -> tuple[Any, str] | None:
    try:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # the throwaway server
        from _pgtest import PostgresUnavailable, TempPostgres
    except ImportError:
        return None
    server = TempPostgres(fast=False)
    try:
        server.start()
    except PostgresUnavailable:
        server.stop()
        return None
    return server, server.url


def main(argv: list[str] | None = None) -> int:
    quick = quick_flag(argv, __doc__)
    # An installed package has its bytecode compiled (pip does it); a checkout may not.
    compileall.compile_dir(os.path.dirname(netx.__file__), quiet=1)
    rounds = 3 if quick else 15
    root = Path(tempfile.mkdtemp(prefix="bench-cni-"))
    have_host_local = os.access(HOST_LOCAL, os.X_OK)
    pg = None if quick else _pg_url(root)
    try:
        ours, ref = _conf("netx-ipam", root / "netx"), _conf("host-local", root / "host-local")
        cases: dict[str, Best] = {k: Best() for k in ("pass", "add", "del", "hl-add", "hl-del", "pg-add")}
        _run([SCRIPT], "ADD", "warmup", ours)  # creates the database file and the pool (not timed)
        pg_conf = None
        if pg is not None:
            pg_conf = _conf("netx-ipam", root / "pg", store=pg[1] + "&schema=bench_cni")
            _run([SCRIPT], "ADD", "warmup", pg_conf)
        for i in range(rounds):
            cases["pass"].add(_run([sys.executable, "-c", "pass"]))
            cases["add"].add(_run([SCRIPT], "ADD", f"pod{i}", ours))
            cases["del"].add(_run([SCRIPT], "DEL", f"pod{i}", ours))
            if have_host_local:
                cases["hl-add"].add(_run([HOST_LOCAL], "ADD", f"pod{i}", ref))
                cases["hl-del"].add(_run([HOST_LOCAL], "DEL", f"pod{i}", ref))
            if pg_conf is not None:
                cases["pg-add"].add(_run([SCRIPT], "ADD", f"pod{i}", pg_conf))
                _run([SCRIPT], "DEL", f"pod{i}", pg_conf)
    finally:
        if pg is not None:
            pg[0].stop()
        shutil.rmtree(root, ignore_errors=True)

    base = cases["pass"]
    print_header(
        "One process per call (what a runtime does per pod). Wall: best of the rounds; "
        "CPU: user + system time of the child, best of the rounds.",
        netx, quick=quick,
    )
    rows: list[Row] = []
    add = cases["add"]
    rows.append((
        "netx-ipam ADD (SQLite) vs `python -c pass`, CPU", fmt_ns(add.cpu), fmt_ns(base.cpu) + " (python -c pass)",
        ratio_cell(add.cpu / base.cpu, 3, within=True),
    ))
    rows.append((
        "netx-ipam ADD (SQLite) vs `python -c pass`, wall", fmt_ns(add.wall), fmt_ns(base.wall) + " (python -c pass)",
        ratio_cell(add.wall / base.wall),
    ))
    if have_host_local:
        for case, ours_case, ref_case in (("ADD", "add", "hl-add"), ("DEL", "del", "hl-del")):
            a, b = cases[ours_case], cases[ref_case]
            rows.append((
                f"netx-ipam {case} (SQLite) vs host-local {case}, wall", fmt_ns(a.wall), fmt_ns(b.wall) + " (host-local)",
                ratio_cell(a.wall / b.wall, note=" slower"),
            ))
    if pg_conf is not None:
        p = cases["pg-add"]
        rows.append((
            "netx-ipam ADD (PostgreSQL) vs `python -c pass`, wall", fmt_ns(p.wall), fmt_ns(base.wall) + " (python -c pass)",
            ratio_cell(p.wall / base.wall),
        ))
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
