"""netx.sqlalchemy column types on real SQLite and a real (throwaway) PostgreSQL.

Every comparator is checked differentially: the rows the database returns equal what the
same test computes in Python with netx (``in``, ``overlaps``, ``<``), on both backends.
SQLite plans must use the column's index; Alembic's autogenerate output must import and run.
"""

from __future__ import annotations

import random
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

sqlalchemy = pytest.importorskip("sqlalchemy")

from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, event, insert, select  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from sqlalchemy.exc import StatementError  # noqa: E402

import netx  # noqa: E402
from netx import IP, IPInterface, IPNet  # noqa: E402
from netx.sqlalchemy import IPInterfaceType, IPNetType, IPType, render_item  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def pg_engine_url(server_url: str) -> str:
    """The SQLAlchemy (psycopg 3) URL of the throwaway server."""
    return server_url.replace("postgresql://", "postgresql+psycopg://", 1)


@pytest.fixture
def pg_engine(pg_server: Any) -> Iterator[Engine]:
    """An engine on a schema of its own (dropped afterwards)."""
    import psycopg

    schema = f"sa_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_server.url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    engine = create_engine(pg_engine_url(pg_server.url), connect_args={"options": f"-c search_path={schema}"})
    yield engine
    engine.dispose()
    with psycopg.connect(pg_server.url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = create_engine(f"sqlite:///{tmp_path / 'sa.db'}")
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> Engine:
    return request.getfixturevalue("sqlite_engine" if request.param == "sqlite" else "pg_engine")  # type: ignore[no-any-return]


def _table(md: MetaData) -> Table:
    return Table(
        "things", md,
        Column("id", Integer, primary_key=True),
        Column("ip", IPType, index=True),
        Column("net", IPNetType, index=True),
        Column("iface", IPInterfaceType, index=True),
    )


# -- data: clustered, so that ranges, containment and ties really happen ---------------------
def _data(rng: random.Random, n: int, zones: bool) -> list[tuple[IP, IPNet, IPInterface]]:
    bases4 = [0x0A000000, 0x0A000100, 0xC0A80000, 0, 0xFFFFFF00]
    bases6 = [0x20010DB8 << 96, 0xFE80 << 112, 0, (1 << 128) - 256, 0xFFFF << 32]
    rows = []
    for _ in range(n):
        if rng.random() < 0.5:
            ver, bits, base = 4, 32, rng.choice(bases4)
        else:
            ver, bits, base = 6, 128, rng.choice(bases6)
        i = (base + rng.randrange(512)) % (1 << bits)
        plen = rng.choice([0, 1, bits - 24, bits - 9, bits - 8, bits - 2, bits - 1, bits])
        ip = IP(i, version=ver)
        if zones and ver == 6 and rng.random() < 0.2:
            ip = ip.with_zone(rng.choice(["eth0", "eth1", "é"]))
        net = ip.with_zone(None).prefix(plen)
        if zones and ver == 6 and rng.random() < 0.1:
            net = IPNet(f"{net.ip}%eth0/{plen}")
        iface = IPInterface(f"{ip}/{plen}")
        rows.append((ip, net, iface))
    return rows


def _probes(rng: random.Random, data: list[tuple[IP, IPNet, IPInterface]], n: int) -> list[IPNet]:
    out = [IPNet("0.0.0.0/0"), IPNet("::/0"), IPNet("10.0.0.0/24"), IPNet("10.0.0.0/23"), IPNet("255.255.255.255/32"),
           IPNet("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff00/120")]
    for _ in range(n):
        ip = rng.choice(data)[0].with_zone(None)
        out.append(ip.prefix(rng.randrange(ip.max_prefixlen + 1)))
    return out


def _load(engine: Engine, zones: bool, n: int = 300, seed: int = 11) -> tuple[Table, list[tuple[IP, IPNet, IPInterface]]]:
    md = MetaData()
    table = _table(md)
    md.create_all(engine)
    data = _data(random.Random(seed), n, zones)
    with engine.begin() as conn:
        conn.execute(insert(table), [{"id": k, "ip": a, "net": b, "iface": c} for k, (a, b, c) in enumerate(data)])
    return table, data


def _ids(engine: Engine, table: Table, where: Any) -> set[int]:
    with engine.connect() as conn:
        return {r[0] for r in conn.execute(select(table.c.id).where(where))}


def _expect(data: list[tuple[IP, IPNet, IPInterface]], pred: Callable[[IP, IPNet, IPInterface], bool]) -> set[int]:
    return {k for k, row in enumerate(data) if pred(*row)}


def _iface_key(i: IPInterface) -> tuple[Any, ...]:
    """The contract's interface order (stdlib / PostgreSQL ``inet``): by network, then address."""
    return (i.network.version, int(i.network.ip), i.prefixlen, int(i.ip), i.ip.zone or "")


# -- round trips and order --------------------------------------------------------------------
EDGES = ["0.0.0.0", "255.255.255.255", "10.0.0.1", "::", "::1", "::ffff:10.0.0.1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db8::1"]


def test_round_trip_and_none(engine: Engine) -> None:
    md = MetaData()
    table = _table(md)
    md.create_all(engine)
    rows = [{"id": k, "ip": IP(a), "net": IP(a).prefix(IP(a).max_prefixlen - 3), "iface": IPInterface(f"{a}/{IP(a).max_prefixlen - 3}")}
            for k, a in enumerate(EDGES)]
    rows.append({"id": 99, "ip": None, "net": None, "iface": None})
    with engine.begin() as conn:
        conn.execute(insert(table), rows)
    with engine.connect() as conn:
        got = {r.id: (r.ip, r.net, r.iface) for r in conn.execute(select(table))}
    assert got == {r["id"]: (r["ip"], r["net"], r["iface"]) for r in rows}
    kinds = {type(v) for v in got[0]}
    assert kinds == {IP, IPNet, IPInterface}
    _assert_whole([v for r in got.values() for v in r if v is not None])


def _assert_whole(values: list[Any]) -> None:
    """Values read from a column are whole objects: every slot a freshly parsed value has set is set
    to the same thing (a loader that builds objects slot by slot must not leave one out), so they
    sort, hash and compare like the parsed ones."""
    for got in values:
        fresh = type(got)(str(got))
        for cls in (type(got), IP):
            for part in (got, got.ip if isinstance(got, IPInterface) else got):
                if not isinstance(part, cls):
                    continue
                twin = fresh.ip if part is not got else fresh
                for slot in cls.__slots__:
                    if slot in ("_str", "_obj", "_na", "_ba", "_addr"):  # caches, made on first use
                        continue
                    assert getattr(part, slot, "unset") == getattr(twin, slot, "unset"), (got, slot)
    ips = [v.ip if isinstance(v, IPInterface) else v for v in values if not isinstance(v, IPNet)]
    assert sorted(ips) == sorted(IP(str(v)) for v in ips)
    assert sorted(values, key=str) == sorted((type(v)(str(v)) for v in values), key=str)


def test_strings_and_stdlib_values_are_accepted(engine: Engine) -> None:
    import ipaddress

    md = MetaData()
    table = _table(md)
    md.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(table), [{"id": 1, "ip": "10.0.0.1", "net": ipaddress.ip_network("10.0.0.0/24"),
                                      "iface": ipaddress.ip_interface("10.0.0.1/24")}])
        assert conn.execute(select(table.c.ip, table.c.net, table.c.iface)).one() == (
            IP("10.0.0.1"), IPNet("10.0.0.0/24"), IPInterface("10.0.0.1/24"))
        assert conn.execute(select(table.c.id).where(table.c.ip == "10.0.0.1")).scalar() == 1
        assert conn.execute(select(table.c.id).where(table.c.ip.in_(["10.0.0.1", "::1"]))).scalar() == 1
    with pytest.raises(StatementError) as info:
        with engine.begin() as conn:
            conn.execute(insert(table), [{"id": 2, "ip": "10.0.0.256"}])
    assert isinstance(info.value.orig, netx.AddressError) and "10.0.0.256" in str(info.value)


def test_order_by_is_netx_order(engine: Engine) -> None:
    zones = engine.dialect.name != "postgresql"
    table, data = _load(engine, zones)
    with engine.connect() as conn:
        ips = [r[0] for r in conn.execute(select(table.c.ip).order_by(table.c.ip, table.c.id))]
        nets = [r[0] for r in conn.execute(select(table.c.net).order_by(table.c.net, table.c.id))]
        ifaces = [r[0] for r in conn.execute(select(table.c.iface).order_by(table.c.iface, table.c.id))]
    assert ips == sorted(row[0] for row in data)
    assert nets == sorted(row[1] for row in data)
    assert ifaces == sorted((row[2] for row in data), key=_iface_key) == sorted(row[2] for row in data)
    assert ips[0].version == 4 and ips[-1].version == 6


@pytest.mark.parametrize("op", ["<", ">", "<=", ">="])
def test_comparisons_match_python(engine: Engine, op: str) -> None:
    import operator

    fn = {"<": operator.lt, ">": operator.gt, "<=": operator.le, ">=": operator.ge}[op]
    table, data = _load(engine, engine.dialect.name != "postgresql")
    rng = random.Random(5)
    for _ in range(12):
        ip, net, iface = rng.choice(data)
        ip, net = ip.with_zone(None), net.masked()
        assert _ids(engine, table, fn(table.c.ip, ip)) == _expect(data, lambda a, b, c: fn(a, ip))
        assert _ids(engine, table, fn(table.c.net, net)) == _expect(data, lambda a, b, c: fn(b, net))
        assert _ids(engine, table, table.c.ip == ip) == _expect(data, lambda a, b, c: a == ip)


def test_comparators_match_python(engine: Engine) -> None:
    table, data = _load(engine, engine.dialect.name != "postgresql")
    rng = random.Random(7)
    for probe in _probes(rng, data, 40):
        assert _ids(engine, table, table.c.ip.within(probe)) == _expect(data, lambda a, b, c: a in probe), probe
        assert _ids(engine, table, table.c.net.within(probe)) == _expect(data, lambda a, b, c: b in probe), probe
        assert _ids(engine, table, table.c.iface.within(probe)) == _expect(data, lambda a, b, c: c in probe), probe
        assert _ids(engine, table, table.c.ip.overlaps(probe)) == _expect(data, lambda a, b, c: a in probe), probe
        assert _ids(engine, table, table.c.net.overlaps(probe)) == _expect(data, lambda a, b, c: b.overlaps(probe)), probe
        assert _ids(engine, table, table.c.iface.overlaps(probe)) == _expect(
            data, lambda a, b, c: c.network.overlaps(probe)), probe
        x = probe.last
        assert _ids(engine, table, table.c.ip.contains_ip(x)) == _expect(data, lambda a, b, c: a.with_zone(None) == x), x
        assert _ids(engine, table, table.c.net.contains_ip(x)) == _expect(data, lambda a, b, c: x in b), x
        assert _ids(engine, table, table.c.iface.contains_ip(x)) == _expect(data, lambda a, b, c: x in c.network), x
        assert _ids(engine, table, ~table.c.ip.within(probe) & (table.c.id >= 0)) == _expect(
            data, lambda a, b, c: a not in probe), probe


def test_comparators_take_strings_and_combine(engine: Engine) -> None:
    table, data = _load(engine, False, n=50)
    expect = _expect(data, lambda a, b, c: a in IPNet("10.0.0.0/24") and a.version == 4)
    assert _ids(engine, table, table.c.ip.within("10.0.0.0/24") & table.c.ip.within("0.0.0.0/0")) == expect
    either = _expect(data, lambda a, b, c: a in IPNet("10.0.0.0/24") or a in IPNet("::/0"))
    assert _ids(engine, table, table.c.ip.within("10.0.0.0/24") | table.c.ip.within("::/0")) == either
    with pytest.raises(netx.NetworkError):
        table.c.ip.within("10.0.0.1/24")  # host bits: as IPNet() itself
    with pytest.raises(netx.AddressError):
        table.c.net.contains_ip("not an address")


# -- zones ------------------------------------------------------------------------------------
def test_zones_survive_on_sqlite(sqlite_engine: Engine) -> None:
    md = MetaData()
    table = _table(md)
    md.create_all(sqlite_engine)
    values = (IP("fe80::1%eth0"), IPNet("fe80::%eth0/64"), IPInterface("fe80::1%eth1/64"))
    with sqlite_engine.begin() as conn:
        conn.execute(insert(table), [{"id": 1, "ip": values[0], "net": values[1], "iface": values[2]},
                                     {"id": 2, "ip": "fe80::1", "net": "fe80::/64", "iface": "fe80::1/64"}])
        assert conn.execute(select(table.c.ip, table.c.net, table.c.iface).where(table.c.id == 1)).one() == values
        assert conn.execute(select(table.c.id).where(table.c.ip == values[0])).scalars().all() == [1]
        assert conn.execute(select(table.c.ip).order_by(table.c.ip)).scalars().all() == [IP("fe80::1"), values[0]]


def test_postgresql_rejects_zones_clearly(pg_engine: Engine) -> None:
    md = MetaData()
    table = _table(md)
    md.create_all(pg_engine)
    for column, value in (("ip", "fe80::1%eth0"), ("net", IPNet("fe80::%eth0/64")), ("iface", "fe80::1%eth0/64")):
        with pytest.raises(StatementError) as info:
            with pg_engine.begin() as conn:
                conn.execute(insert(table), [{"id": 1, column: value}])
        assert isinstance(info.value.orig, netx.AddressError if column == "ip" else netx.NetworkError)
        assert "no zones" in str(info.value) and "fe80::" in str(info.value)
    with pytest.raises(StatementError, match="no zones"):
        with pg_engine.connect() as conn:
            conn.execute(select(table.c.id).where(table.c.net.contains_ip("fe80::1%eth0")))


# -- the schema and the plans -----------------------------------------------------------------
def test_native_types_on_postgresql(pg_engine: Engine) -> None:
    md = MetaData()
    _table(md)
    md.create_all(pg_engine)
    with pg_engine.connect() as conn:
        types = dict(conn.exec_driver_sql(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'things'").all())
    assert types == {"id": "integer", "ip": "inet", "net": "cidr", "iface": "inet"}


def test_python_type_cache_ok_and_repr() -> None:
    assert (IPType().python_type, IPNetType().python_type, IPInterfaceType().python_type) == (IP, IPNet, IPInterface)
    assert IPType.cache_ok and IPNetType.cache_ok and IPInterfaceType.cache_ok
    assert repr(IPNetType()) == "IPNetType()"
    md = MetaData()
    table = _table(md)
    a = select(table.c.id).where(table.c.net.within("10.0.0.0/24"))
    b = select(table.c.id).where(table.c.net.within("10.9.0.0/24"))
    c = select(table.c.id).where(table.c.net.within("10.0.0.0/16"))
    d = select(table.c.id).where(table.c.iface.within("10.0.0.0/24"))
    e = select(table.c.id).where(table.c.iface.within("10.0.0.0/16"))  # fewer key ranges: another statement
    keys = [s._generate_cache_key() for s in (a, b, c, d, e)]
    assert None not in keys and keys[0] == keys[1] == keys[2] and keys[3] != keys[4]  # values are parameters


def _plans(engine: Engine, stmt: Any) -> list[str]:
    """The EXPLAIN QUERY PLAN details of ``stmt`` as SQLite runs it (its real parameters)."""
    seen: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        with engine.connect() as conn:
            conn.execute(stmt).all()
            statement, parameters = seen[-1]
            return [row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()]
    finally:
        event.remove(engine, "before_cursor_execute", capture)


def test_sqlite_queries_use_the_index(sqlite_engine: Engine) -> None:
    table, _ = _load(sqlite_engine, True, n=200)
    net, ip = IPNet("10.0.0.0/24"), IP("10.0.0.7")
    for col in (table.c.ip, table.c.net, table.c.iface):
        for where in (col.within(net), col.overlaps(net), col.contains_ip(ip), col < IP("10.0.0.9") if col is table.c.ip else col == col.type.python_type("10.0.0.0/24")):
            plans = _plans(sqlite_engine, select(table.c.id).where(where))
            assert all(f"INDEX ix_things_{col.name}" in p for p in plans if p.startswith(("SEARCH", "SCAN"))), (col, plans)
            assert not any(p.startswith("SCAN things") for p in plans), (col, plans)
        plans = _plans(sqlite_engine, select(table.c.id).order_by(col))
        assert any(f"INDEX ix_things_{col.name}" in p for p in plans) and not any("TEMP B-TREE" in p for p in plans), plans


def test_postgresql_within_uses_the_btree_index(pg_engine: Engine) -> None:
    table, _ = _load(pg_engine, False, n=200)
    with pg_engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE things")
        conn.exec_driver_sql("SET enable_seqscan = off")
        for col in (table.c.ip, table.c.net):
            stmt = select(table.c.id).where(col.within("10.0.0.0/24"))
            sql = str(stmt.compile(pg_engine, compile_kwargs={"literal_binds": True}))
            plan = "\n".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + sql).all())
            assert f"ix_things_{col.name}" in plan, plan
        # contains_ip and overlaps (>>=, &&) are served by a GiST index with inet_ops, as the docs say
        conn.exec_driver_sql("CREATE INDEX gist_things_net ON things USING gist (net inet_ops)")
        for where in (table.c.net.contains_ip("10.0.0.7"), table.c.net.overlaps("10.0.0.0/16")):
            sql = str(select(table.c.id).where(where).compile(pg_engine, compile_kwargs={"literal_binds": True}))
            plan = "\n".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + sql).all())
            assert "gist_things_net" in plan, plan


# -- Alembic ------------------------------------------------------------------------------------
MODELS = '''
from sqlalchemy import Column, Integer, MetaData, Table
from netx.sqlalchemy import IPType, IPNetType, IPInterfaceType

metadata = MetaData()
Table("hosts", metadata, Column("id", Integer, primary_key=True), Column("ip", IPType, index=True),
      Column("net", IPNetType), Column("iface", IPInterfaceType))
'''

ENV = '''
from alembic import context
from sqlalchemy import create_engine
import netx.sqlalchemy
from models import metadata

engine = create_engine(context.config.get_main_option("sqlalchemy.url"), connect_args=CONNECT_ARGS)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=metadata, compare_type=True,
                      render_item=netx.sqlalchemy.render_item)
    with context.begin_transaction():
        context.run_migrations()
'''


def _alembic(tmp_path: Path, url: str, connect_args: dict[str, str], *commands: str) -> None:
    """Run alembic commands in a fresh process, on a project whose env.py uses the render hook."""
    project = tmp_path / "migrations"
    if not project.exists():
        subprocess.run([sys.executable, "-m", "alembic", "init", str(project)], cwd=tmp_path, check=True,
                       capture_output=True, timeout=120)
        (project / "env.py").write_text(ENV.replace("CONNECT_ARGS", repr(connect_args)))
        (tmp_path / "models.py").write_text(MODELS)
        ini = (tmp_path / "alembic.ini").read_text()
        (tmp_path / "alembic.ini").write_text(ini.replace("driver://user:pass@localhost/dbname", url.replace("%", "%%")))
    for command in commands:
        proc = subprocess.run([sys.executable, "-m", "alembic", *command.split()], cwd=tmp_path, capture_output=True,
                              text=True, timeout=120, env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"})
        assert proc.returncode == 0, proc.stdout + proc.stderr


def _autogenerate_round_trip(tmp_path: Path, url: str, connect_args: dict[str, str]) -> None:
    _alembic(tmp_path, url, connect_args, "revision --autogenerate -m hosts", "upgrade head")
    (script,) = (tmp_path / "migrations" / "versions").glob("*hosts.py")
    code = script.read_text()
    assert "import netx.sqlalchemy" in code
    for name in ("IPType", "IPNetType", "IPInterfaceType"):
        assert f"sa.Column('{'ip' if name == 'IPType' else 'net' if name == 'IPNetType' else 'iface'}', netx.sqlalchemy.{name}()" in code
    # a second autogenerate against the migrated database finds nothing to change (types compare equal)
    _alembic(tmp_path, url, connect_args, "revision --autogenerate -m again")
    (again,) = (tmp_path / "migrations" / "versions").glob("*again.py")
    body = again.read_text()
    assert "op.alter_column" not in body and "op.add_column" not in body and "op.create_table" not in body, body
    # the migrated table works with the types
    sys.path.insert(0, str(tmp_path))
    try:
        md = MetaData()
        hosts = Table("hosts", md, Column("id", Integer, primary_key=True), Column("ip", IPType))
        engine = create_engine(url, connect_args=connect_args)
        with engine.begin() as conn:
            conn.execute(insert(hosts), [{"id": 1, "ip": IP("10.0.0.1")}, {"id": 2, "ip": IP("::1")}])
            assert conn.execute(select(hosts.c.ip).where(hosts.c.ip.within("::/0"))).scalars().all() == [IP("::1")]
        engine.dispose()
    finally:
        sys.path.remove(str(tmp_path))


def test_alembic_autogenerate_sqlite(tmp_path: Path) -> None:
    pytest.importorskip("alembic")
    _autogenerate_round_trip(tmp_path, f"sqlite:///{tmp_path / 'alembic.db'}", {})


def test_alembic_autogenerate_postgresql(tmp_path: Path, pg_engine: Engine) -> None:
    pytest.importorskip("alembic")
    url = pg_engine.url.render_as_string(hide_password=False)
    _autogenerate_round_trip(tmp_path, url, _connect_options(pg_engine))


def _connect_options(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        schema = conn.exec_driver_sql("SELECT current_schema()").scalar()
    return {"options": f"-c search_path={schema}"}


def test_render_item_leaves_other_objects_to_alembic() -> None:
    class Ctx:
        imports: set[str] = set()

    assert render_item("type", String(), Ctx()) is False
    assert render_item("type", IPInterfaceType(), Ctx()) == "netx.sqlalchemy.IPInterfaceType()"
    assert Ctx.imports == {"import netx.sqlalchemy"}


# -- any netx type, through its description ---------------------------------------------------
class Vlan:
    """A toy value type that exists only as a class and a ``__netx__`` description."""

    __slots__ = ("n",)

    def __init__(self, value: Any) -> None:
        self.n = int(value.n if isinstance(value, Vlan) else value)
        if not 1 <= self.n <= 4094:
            raise netx.AddressError(f"invalid VLAN {value!r}")

    def __str__(self) -> str:
        return str(self.n)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Vlan) and other.n == self.n

    def __hash__(self) -> int:
        return self.n


def _vlan_desc() -> Any:
    from netx._desc import TypeDesc

    return TypeDesc(cls=Vlan, name="VLAN", code="vlan", error=netx.AddressError, accepts="an int or str",
                    from_python=Vlan, to_json_value=Vlan.__str__, from_json_value=Vlan,
                    json_schema={"type": "string"})


Vlan.__netx__ = _vlan_desc()  # type: ignore[attr-defined]


def test_netx_type_reads_any_description(engine: Engine) -> None:
    from netx.sqlalchemy import NetxType

    md = MetaData()
    table = Table("described", md, Column("id", Integer, primary_key=True), Column("r", NetxType(netx.IPRange)),
                  Column("s", NetxType(netx.IPSet)), Column("v", NetxType(Vlan)))
    md.create_all(engine)
    rows = [{"id": 1, "r": netx.IPRange("10.0.0.10-10.0.0.20"), "s": netx.IPSet(["10.0.0.0/24", "::1"]), "v": Vlan(42)},
            {"id": 2, "r": "::1-::9", "s": [], "v": "7"}, {"id": 3, "r": None, "s": None, "v": None}]
    with engine.begin() as conn:
        conn.execute(insert(table), rows)
        got = conn.execute(select(table.c.r, table.c.s, table.c.v).order_by(table.c.id)).all()
    assert got == [(netx.IPRange("10.0.0.10-10.0.0.20"), netx.IPSet(["10.0.0.0/24", "::1"]), Vlan(42)),
                   (netx.IPRange("::1-::9"), netx.IPSet(), Vlan(7)), (None, None, None)]
    assert NetxType(Vlan).python_type is Vlan and repr(NetxType(netx.IPRange)) == "NetxType(netx.IPRange)"
    with pytest.raises(StatementError, match="invalid VLAN"):
        with engine.begin() as conn:
            conn.execute(insert(table), [{"id": 4, "v": 5000}])
    with pytest.raises(TypeError, match="not a netx value type"):
        NetxType(int)


def test_render_item_imports_the_type_of_a_netx_type_column() -> None:
    from netx.sqlalchemy import NetxType

    class Ctx:
        imports: set[str] = set()

    assert render_item("type", NetxType(netx.IPRange), Ctx()) == "netx.sqlalchemy.NetxType(netx.IPRange)"
    assert Ctx.imports == {"import netx.sqlalchemy", "import netx"}


# -- laziness -----------------------------------------------------------------------------------
def test_import_netx_does_not_import_sqlalchemy_or_psycopg() -> None:
    code = textwrap.dedent("""
        import sys, netx
        netx.IP("10.0.0.1"); netx.IPNet("10.0.0.0/24"); netx.json.dumps([netx.IP("::1")])
        bad = sorted(m for m in sys.modules if m.split(".")[0] in ("sqlalchemy", "psycopg", "asyncpg", "alembic"))
        assert not bad, bad
    """)
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60, cwd=ROOT)
