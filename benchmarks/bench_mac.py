"""MAC and IPPort parsing against their peers, side by side in one run.

    python benchmarks/bench_mac.py           # 20k distinct strings per case
    python benchmarks/bench_mac.py --quick   # small sizes (the smoke test)

``MAC(s)`` against ``netaddr.EUI(s)`` in each accepted form (and pydantic-extra-types'
``MacAddress`` where it is installed); ``IPPort(s)`` against the stdlib's nearest
equivalent (``rpartition`` + ``ipaddress.ip_address`` + ``int``). Every time is the best
of several interleaved runs; ``ratio`` is peer time / netx time (higher is better).
"""

from __future__ import annotations

import ipaddress
import os
import random
import sys
from typing import Any

import netaddr

import netx
from netx import IP, MAC, IPPort

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # benchmarks/ is not a package
from _harness import Row, interleaved, print_header, print_table, quick_flag, row  # noqa: E402


def stdlib_endpoint(text: str) -> tuple[Any, int]:
    """What code without netx writes for ``host:port`` (no bracket or range checks)."""
    host, _, port = text.rpartition(":")
    return ipaddress.ip_address(host.strip("[]")), int(port)


def main(argv: list[str] | None = None) -> int:
    quick = quick_flag(argv, __doc__)
    n, reps = (2_000, 3) if quick else (20_000, 7)
    rng = random.Random(2024)
    values = [rng.getrandbits(48) for _ in range(n)]
    raws = [v.to_bytes(6, "big") for v in values]
    forms = {
        "00:1a:2b:3c:4d:5e": [r.hex(":") for r in raws],
        "00-1A-2B-3C-4D-5E": [r.hex("-").upper() for r in raws],
        "001a.2b3c.4d5e": [r.hex(".", 2) for r in raws],
        "001a2b3c4d5e": [r.hex() for r in raws],
        "EUI-64 00:..:70": [rng.getrandbits(64).to_bytes(8, "big").hex(":") for _ in range(n)],
    }
    print_header(f"{n:,} distinct random strings per case, best of {reps}; ratio = peer / netx (higher is better)",
                 netx, netaddr, quick=quick)
    rows: list[Row] = []
    EUI = netaddr.EUI
    for form, texts in forms.items():
        for t in texts[:200]:
            assert int(MAC(t)) == int(EUI(t))
        mine, theirs = interleaved([lambda: [MAC(t) for t in texts], lambda: [EUI(t) for t in texts]], n, reps)
        rows.append(row(f"MAC(s) {form} vs netaddr.EUI", mine, theirs, "netaddr", target=3))
    try:
        from pydantic_extra_types.mac_address import MacAddress
        from pydantic import TypeAdapter
    except ImportError:
        pass
    else:  # pragma: no cover - optional peer
        texts = forms["00:1a:2b:3c:4d:5e"]
        netx_ta, extra_ta = TypeAdapter(list[MAC]), TypeAdapter(list[MacAddress])
        mine, theirs = interleaved([lambda: netx_ta.validate_python(texts), lambda: extra_ta.validate_python(texts)], n, reps)
        rows.append(row("pydantic list[MAC] vs list[MacAddress] (pydantic-extra-types)", mine, theirs, "extra-types"))
    macs = [MAC(t) for t in forms["00:1a:2b:3c:4d:5e"]]
    euis = [EUI(t) for t in forms["00:1a:2b:3c:4d:5e"]]
    mine, theirs = interleaved([lambda: [m.link_local() for m in macs], lambda: [e.ipv6_link_local() for e in euis]], n, reps)
    rows.append(row("mac.link_local() vs EUI.ipv6_link_local()", mine, theirs, "netaddr"))
    mine, theirs = interleaved([lambda: [str(m) for m in macs], lambda: [str(e) for e in euis]], n, reps)
    rows.append(row("str(mac) (the text is cached) vs str(EUI)", mine, theirs, "netaddr"))

    endpoints = [f"{IP(rng.getrandbits(32), version=4)}:{rng.randrange(65536)}" for _ in range(n // 2)]
    endpoints += [f"[{IP(rng.getrandbits(128), version=6)}]:{rng.randrange(65536)}" for _ in range(n // 2)]
    mine, theirs = interleaved([lambda: [IPPort(t) for t in endpoints], lambda: [stdlib_endpoint(t) for t in endpoints]],
                               n, reps)
    rows.append(row("IPPort(s) (half IPv6) vs rpartition + ip_address + int", mine, theirs, "stdlib"))
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
