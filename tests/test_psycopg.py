"""netx.psycopg (and netx.asyncpg) against the real throwaway PostgreSQL server.

Loaders are checked differentially against psycopg's own ``ipaddress`` loaders over many
values, in text and binary; dumpers by what the server makes of the values; each of the
three scopes (connection, cursor, global) by what it changes and what it leaves alone.
"""

from __future__ import annotations

import asyncio
import ipaddress
import random
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

psycopg = pytest.importorskip("psycopg")

import netx  # noqa: E402
import netx.psycopg  # noqa: E402
from netx import IP, IPInterface, IPNet  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def _texts(n: int, seed: int = 3) -> tuple[list[str], list[str]]:
    """``n`` inet texts (hosts and interfaces) and ``n`` cidr texts, edge values first."""
    rng = random.Random(seed)
    inets = ["0.0.0.0", "255.255.255.255", "10.0.0.5/24", "10.0.0.5/0", "::", "::1", "::ffff:1.2.3.4",
             "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db8::5/64", "fe80::1/10", "1.2.3.4/31"]
    cidrs = ["0.0.0.0/0", "::/0", "10.0.0.0/8", "10.0.0.1/32", "2001:db8::/32", "::1/128", "::ffff:0:0/96"]
    while len(inets) < n or len(cidrs) < n:
        if rng.random() < 0.5:
            ip: Any = ipaddress.IPv4Address(rng.getrandbits(32))
        else:
            ip = ipaddress.IPv6Address(rng.getrandbits(128) >> rng.choice([0, 64, 100]))
        plen = rng.randrange(ip.max_prefixlen + 1)
        inets.append(str(ip) if rng.random() < 0.5 else f"{ip}/{plen}")
        cidrs.append(str(ipaddress.ip_network(f"{ip}/{plen}", strict=False)))
    return inets[:n], cidrs[:n]


def _as_netx(value: Any) -> Any:
    """What netx should load for a value psycopg's own loaders produced."""
    if isinstance(value, (ipaddress.IPv4Interface, ipaddress.IPv6Interface)):
        return IPInterface(value)
    if isinstance(value, (ipaddress.IPv4Network, ipaddress.IPv6Network)):
        return IPNet(value)
    return IP(value)


SELECT = "SELECT unnest(%s::text[])::inet, unnest(%s::text[])::cidr"


@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
def test_loaders_match_psycopgs_own(pg_server: Any, binary: bool) -> None:
    inets, cidrs = _texts(2000)
    with psycopg.connect(pg_server.url) as plain, psycopg.connect(pg_server.url) as conn:
        netx.psycopg.register(conn)
        theirs = plain.cursor(binary=binary).execute(SELECT, [inets, cidrs]).fetchall()
        ours = conn.cursor(binary=binary).execute(SELECT, [inets, cidrs]).fetchall()
    assert len(ours) == len(inets)
    assert ours == [(_as_netx(a), _as_netx(b)) for a, b in theirs]
    assert {type(a) for a, _ in ours} == {IP, IPInterface} and {type(b) for _, b in ours} == {IPNet}
    # hosts load as IP, prefixed values as IPInterface (as psycopg's loaders give address / interface)
    assert ours[0][0] == IP("0.0.0.0") and ours[2][0] == IPInterface("10.0.0.5/24")


@pytest.mark.parametrize("fmt", ["%s", "%b", "%t"])
def test_dumpers_send_inet_and_cidr(pg_server: Any, fmt: str) -> None:
    values = [IP("10.0.0.1"), IP("::ffff:1.2.3.4"), IP("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
              IPInterface("10.0.0.5/24"), IPInterface("2001:db8::5/64"), IPNet("10.0.0.0/8"), IPNet("::/0")]
    with psycopg.connect(pg_server.url) as conn:
        netx.psycopg.register(conn)
        for value in values:
            kind, text, back = conn.execute(f"SELECT pg_typeof({fmt})::text, ({fmt})::text, {fmt}",
                                            [value, value, value]).fetchone()
            assert kind == ("cidr" if isinstance(value, IPNet) else "inet")
            host = isinstance(value, IP)
            assert IPInterface(text) == IPInterface((value, value.max_prefixlen) if host else str(value)), (value, text)
            assert back == value and type(back) is type(value)
        conn.execute("CREATE TEMP TABLE t (a inet, n cidr)")
        with conn.cursor() as cur:
            cur.executemany(f"INSERT INTO t VALUES ({fmt}, {fmt})", [(IP("10.0.0.1"), IPNet("10.0.0.0/24")),
                                                                     (IPInterface("::1/64"), IPNet("::/64"))])
        assert conn.execute("SELECT a, n FROM t WHERE a <<= %s ORDER BY a", [IPNet("::/0")]).fetchall() == [
            (IPInterface("::1/64"), IPNet("::/64"))]


def test_zones_are_refused(pg_server: Any) -> None:
    with psycopg.connect(pg_server.url) as conn:
        netx.psycopg.register(conn)
        for fmt in ("%s", "%t"):
            with pytest.raises(netx.AddressError, match="no zones.*fe80::1%eth0"):
                conn.execute(f"SELECT {fmt}", [IP("fe80::1%eth0")])


def test_connection_scope(pg_server: Any) -> None:
    with psycopg.connect(pg_server.url) as conn, psycopg.connect(pg_server.url) as other:
        netx.psycopg.register(conn)
        assert conn.execute("SELECT '10.0.0.1'::inet").fetchone() == (IP("10.0.0.1"),)
        assert other.execute("SELECT '10.0.0.1'::inet").fetchone() == (ipaddress.IPv4Address("10.0.0.1"),)
        assert type(other.execute("SELECT '10.0.0.1'::inet").fetchone()[0]) is ipaddress.IPv4Address
        with pytest.raises(psycopg.ProgrammingError):  # no dumper for netx values there
            other.execute("SELECT %s", [IP("10.0.0.1")])


def test_cursor_scope(pg_server: Any) -> None:
    with psycopg.connect(pg_server.url) as conn:
        cur = conn.cursor()
        netx.psycopg.register(cur)
        assert cur.execute("SELECT '10.0.0.0/24'::cidr, %s", [IP("::1")]).fetchone() == (IPNet("10.0.0.0/24"), IP("::1"))
        assert conn.execute("SELECT '10.0.0.0/24'::cidr").fetchone() == (ipaddress.ip_network("10.0.0.0/24"),)


def test_global_scope(pg_server: Any) -> None:
    # psycopg.adapters is process-wide: check it in a process of its own
    code = textwrap.dedent(f"""
        import ipaddress, psycopg, netx, netx.psycopg
        with psycopg.connect({pg_server.url!r}) as before:
            assert before.execute("SELECT '10.0.0.1'::inet").fetchone() == (ipaddress.ip_address("10.0.0.1"),)
        netx.psycopg.register()
        with psycopg.connect({pg_server.url!r}) as after:
            row = after.execute("SELECT '10.0.0.5/24'::inet, '::/0'::cidr, %s", [netx.IPNet("10.0.0.0/8")]).fetchone()
            assert row == (netx.IPInterface("10.0.0.5/24"), netx.IPNet("::/0"), netx.IPNet("10.0.0.0/8")), row
            assert after.cursor(binary=True).execute("SELECT '::1'::inet").fetchone() == (netx.IP("::1"),)
        print("ok")
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stdout + proc.stderr


def test_asyncpg_codecs(pg_server: Any) -> None:
    asyncpg = pytest.importorskip("asyncpg")
    import netx.asyncpg

    async def run() -> None:
        conn = await asyncpg.connect(host=str(pg_server.dir), port=pg_server.port, user="postgres", database="postgres")
        try:
            await netx.asyncpg.register(conn)
            inets, cidrs = _texts(500)
            rows = await conn.fetch(SELECT.replace("%s", "$1", 1).replace("%s", "$2", 1), inets, cidrs)
            ifaces = [ipaddress.ip_interface(a) for a in inets]
            want = [(IP(i.ip) if i.network.prefixlen == i.max_prefixlen else IPInterface(i), IPNet(b))
                    for i, b in zip(ifaces, cidrs)]
            assert [(r[0], r[1]) for r in rows] == want
            back = await conn.fetchrow("SELECT $1::inet, $2::inet, $3::cidr, $4::inet", IP("::1"),
                                       IPInterface("10.0.0.5/24"), IPNet("10.0.0.0/8"), "10.9.9.9")
            assert tuple(back) == (IP("::1"), IPInterface("10.0.0.5/24"), IPNet("10.0.0.0/8"), IP("10.9.9.9"))
            with pytest.raises(asyncpg.DataError, match="no zones") as info:  # asyncpg wraps encoder errors
                await conn.fetchrow("SELECT $1::inet", IP("fe80::1%eth0"))
            assert isinstance(info.value.__cause__, netx.AddressError)
        finally:
            await conn.close()

    asyncio.run(asyncio.wait_for(run(), 60))
