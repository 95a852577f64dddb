"""netx types as pydantic v2 fields against pydantic's own ipaddress types, side by side.

    python benchmarks/bench_pydantic.py            # 10k values per case
    python benchmarks/bench_pydantic.py --quick    # 500 values, few repeats (smoke test)

Lists are ``TypeAdapter(list[T])``; models are ``TypeAdapter(list[Model])`` over 1/4 as many
records with five address fields each. Dump rows reuse the text netx caches on each value
(as any second dump does), except the one marked "text not cached yet". Times are ns per value (per record for models),
best of N repeats. Targets: ``list[netx.IP]`` validate_json ≥ 3× and dump_json ≥ 5× faster
than ``list[pydantic.IPvAnyAddress]`` on 50/50 IPv4/IPv6 addresses; ``list[netx.IPv4]``
validate_python on netx objects at least as fast as ``list[IPv4Address]`` on stdlib objects.
"""

from __future__ import annotations

import ipaddress
import os
import random
import sys
from ipaddress import IPv4Address, IPv6Address
from typing import Any, Callable, Optional

import orjson
import pydantic
from pydantic import BaseModel, IPvAnyAddress, IPvAnyInterface, IPvAnyNetwork, TypeAdapter

import netx
from netx import IP, IPInterface, IPNet

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # benchmarks/ is not a package
from _harness import (  # noqa: E402
    Row, best_ns, interleaved, print_header, print_table, quick_flag, random_addresses, row)


class NetxHost(BaseModel):
    address: IP
    gateway: netx.IPv4
    subnet: IPNet
    interface: IPInterface
    backup: Optional[IP] = None


class PydanticHost(BaseModel):
    address: IPvAnyAddress
    gateway: IPv4Address
    subnet: IPvAnyNetwork
    interface: IPvAnyInterface
    backup: Optional[IPvAnyAddress] = None


def host_records(n: int, rng: random.Random) -> list[dict[str, Any]]:
    records = []
    for k in range(n):
        v6 = k % 2 == 1
        bits, plen = (128, 64) if v6 else (32, 24)
        value = rng.getrandbits(bits)
        addr = IPv6Address(value) if v6 else IPv4Address(value)
        net = ipaddress.ip_network((addr, plen), strict=False)
        records.append({
            "address": str(addr),
            "gateway": str(IPv4Address(rng.getrandbits(32))),
            "subnet": str(net),
            "interface": f"{addr}/{plen}",
            "backup": None if k % 3 else str(net.network_address + 1),
        })
    return records


def main(argv: list[str] | None = None) -> int:
    quick = quick_flag(argv, __doc__)
    n, repeats = (500, 3) if quick else (10_000, 15)
    rng = random.Random(7)

    mixed = [str(a) for a in random_addresses(n, rng, 0.5)]
    only_v4 = [str(a) for a in random_addresses(n, rng, 0.0)]
    nets = [str(ipaddress.ip_network(f"{a}/{24 if '.' in a else 64}", strict=False)) for a in mixed]
    records = host_records(n // 4, rng)
    data = {
        "mixed": orjson.dumps(mixed), "v4": orjson.dumps(only_v4),
        "nets": orjson.dumps(nets), "records": orjson.dumps(records),
    }

    rows: list[Row] = []
    netx_ns: list[float] = []  # netx's time per case, for the floor rows

    def compare(name: str, count: int, mine: Callable[[], Any], peer_name: str, peer: Callable[[], Any],
                target: float | None = None, setup: Callable[[], Any] | None = None) -> None:
        if setup is not None:
            setup()
        a, b = mine(), peer()
        if isinstance(a, (bytes, str)):
            assert orjson.loads(a) == orjson.loads(b), f"{name}: netx and pydantic disagree"
        elif isinstance(a, list) and a and isinstance(a[0], BaseModel):
            assert [m.model_dump(mode="json") for m in a] == [m.model_dump(mode="json") for m in b], name
        else:
            assert [str(x) for x in a] == [str(x) for x in b], f"{name}: netx and pydantic disagree"
        mine_ns, peer_ns = interleaved([mine, peer], count, repeats, setup=setup)
        rows.append(row(name, mine_ns, peer_ns, peer_name, target))
        netx_ns.append(mine_ns)

    def lists(label: str, key: str, texts: list[str], mine_t: Any, peer_t: Any, peer_name: str,
              targets: tuple[float | None, float | None], objects_target: float | None = None) -> None:
        mine_ta, peer_ta = TypeAdapter(list[mine_t]), TypeAdapter(list[peer_t])
        raw = data[key]
        mine_v, peer_v = mine_ta.validate_json(raw), peer_ta.validate_json(raw)
        compare(f"{label} validate_json", n, lambda: mine_ta.validate_json(raw),
                peer_name, lambda: peer_ta.validate_json(raw), targets[0])
        compare(f"{label} dump_json", n, lambda: mine_ta.dump_json(mine_v),
                peer_name, lambda: peer_ta.dump_json(peer_v), targets[1])
        compare(f"{label} validate_python (str)", n, lambda: mine_ta.validate_python(texts),
                peer_name, lambda: peer_ta.validate_python(texts))
        compare(f"{label} validate_python (objects)", n, lambda: mine_ta.validate_python(mine_v),
                peer_name, lambda: peer_ta.validate_python(peer_v), objects_target)
        compare(f"{label} dump_python(mode='json')", n, lambda: mine_ta.dump_python(mine_v, mode="json"),
                peer_name, lambda: peer_ta.dump_python(peer_v, mode="json"))

    lists("list[IP], 50/50", "mixed", mixed, IP, IPvAnyAddress, "IPvAnyAddress", (3, 5))
    # The dump rows above reuse each value's cached text; here every repeat dumps addresses
    # fresh from parsing, whose IPv6 text has not been formatted yet.
    ip_ta, any_ta = TypeAdapter(list[IP]), TypeAdapter(list[IPvAnyAddress])
    any_v = any_ta.validate_json(data["mixed"])
    fresh: list[list[IP]] = []
    compare("list[IP], 50/50 dump_json, text not cached yet", n, lambda: ip_ta.dump_json(fresh[0]),
            "IPvAnyAddress", lambda: any_ta.dump_json(any_v),
            setup=lambda: fresh.__setitem__(slice(None), [ip_ta.validate_json(data["mixed"])]))
    lists("list[IPv4], IPv4 only", "v4", only_v4, netx.IPv4, IPv4Address, "IPv4Address", (None, None), 1.0)
    lists("list[IPNet], 50/50", "nets", nets, IPNet, IPvAnyNetwork, "IPvAnyNetwork", (None, None))

    m_ta, p_ta = TypeAdapter(list[NetxHost]), TypeAdapter(list[PydanticHost])
    raw = data["records"]
    m_v, p_v = m_ta.validate_json(raw), p_ta.validate_json(raw)
    count = len(records)
    compare("model, 5 fields: validate_json", count, lambda: m_ta.validate_json(raw),
            "pydantic types", lambda: p_ta.validate_json(raw))
    compare("model, 5 fields: validate_python (dicts of str)", count, lambda: m_ta.validate_python(records),
            "pydantic types", lambda: p_ta.validate_python(records))
    compare("model, 5 fields: model_dump_json", count, lambda: [m.model_dump_json() for m in m_v],
            "pydantic types", lambda: [m.model_dump_json() for m in p_v])
    compare("model, 5 fields: dump_json of the list", count, lambda: m_ta.dump_json(m_v),
            "pydantic types", lambda: p_ta.dump_json(p_v))

    floor_ta = TypeAdapter(list[str])
    floor_vj = best_ns(lambda: floor_ta.validate_json(data["mixed"]), n, repeats)
    floor_dj = best_ns(lambda: floor_ta.dump_json(mixed), n, repeats)

    vj, dj = netx_ns[0], netx_ns[1]
    rows.append(row("floor: list[str] validate_json, same data", vj, floor_vj, "str"))
    rows.append(row("floor: list[str] dump_json, same text", dj, floor_dj, "str"))

    print_header(f"{n} values per list case ({len(records)} records per model case), best of {repeats}; "
                 f"time per value (per record for models); ratio = pydantic / netx (higher is better)",
                 netx, pydantic, quick=quick)
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
