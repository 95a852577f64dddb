"""The example service (examples/devices/app.py) end to end with FastAPI's TestClient,
on SQLite and on the real throwaway PostgreSQL (its tables and its IPAM store alike)."""

from __future__ import annotations

import importlib.util
import sys
import uuid
from pathlib import Path
from types import ModuleType
from typing import Any, Iterator

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("sqlalchemy")

from fastapi.testclient import TestClient  # noqa: E402

APP = Path(__file__).resolve().parent.parent / "examples" / "devices" / "app.py"


def _module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("devices_app", APP)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # SQLAlchemy resolves the models' annotations through it
    spec.loader.exec_module(module)
    return module


@pytest.fixture(params=["sqlite", "postgresql"])
def client(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestClient]:
    app_module = _module()
    if request.param == "sqlite":
        app = app_module.create_app(f"sqlite:///{tmp_path / 'devices.db'}", f"sqlite:///{tmp_path / 'ipam.db'}")
        with TestClient(app) as c:
            yield c
        return
    import psycopg

    server = request.getfixturevalue("pg_server")
    schema = f"svc_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server.url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        app = app_module.create_app(server.url.replace("postgresql://", "postgresql+psycopg://", 1),
                                    f"{server.url}&schema={schema}_ipam",
                                    connect_args={"options": f"-c search_path={schema}"})
        with TestClient(app) as c:
            yield c
    finally:
        with psycopg.connect(server.url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}_ipam" CASCADE')


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def test_create_list_within_and_allocate(client: TestClient) -> None:
    _ok(client.post("/networks", json={"name": "lab", "cidr": "10.0.0.0/29", "gateway": "10.0.0.1"}), 201)
    _ok(client.post("/networks", json={"name": "v6", "cidr": "2001:db8::/64"}), 201)
    made = _ok(client.post("/devices", json={"name": "router", "address": "192.168.1.1", "network": "192.168.1.0/24"}), 201)
    assert made == {"id": made["id"], "name": "router", "address": "192.168.1.1", "network": "192.168.1.0/24", "pool": None}
    _ok(client.post("/devices", json={"name": "dns", "address": "2001:db8::53", "network": "2001:db8::/64"}), 201)

    # allocation: the pool's lowest free address (not the network address, not the gateway)
    first = _ok(client.post("/devices/allocate", json={"name": "web-1", "network": "lab"}), 201)
    assert (first["address"], first["network"], first["pool"]) == ("10.0.0.2", "10.0.0.0/29", "lab")
    assert _ok(client.post("/devices/allocate", json={"name": "web-2", "network": "lab"}), 201)["address"] == "10.0.0.3"
    assert _ok(client.post("/devices/allocate", json={"name": "h6", "network": "v6"}), 201)["address"] == "2001:db8::1"

    # list: address order, IPv4 before IPv6; within uses the column comparator
    names = [d["name"] for d in _ok(client.get("/devices"))]
    assert names == ["web-1", "web-2", "router", "h6", "dns"]
    assert [d["name"] for d in _ok(client.get("/devices", params={"within": "10.0.0.0/24"}))] == ["web-1", "web-2"]
    assert [d["name"] for d in _ok(client.get("/devices", params={"within": "2001:db8::/120"}))] == ["h6", "dns"]
    assert [d["name"] for d in _ok(client.get("/devices", params={"within": "0.0.0.0/0"}))] == ["web-1", "web-2", "router"]
    assert _ok(client.get("/devices", params={"within": "172.16.0.0/12"})) == []
    assert _ok(client.get("/devices/web-2"))["address"] == "10.0.0.3"

    # delete releases the pool address; the next allocation reuses it
    assert client.delete("/devices/web-1").status_code == 204
    assert _ok(client.post("/devices/allocate", json={"name": "web-3", "network": "lab"}), 201)["address"] == "10.0.0.2"


def test_errors(client: TestClient) -> None:
    _ok(client.post("/networks", json={"name": "tiny", "cidr": "10.9.0.0/30"}), 201)
    assert client.post("/networks", json={"name": "again", "cidr": "10.9.0.0/24"}).status_code == 409  # overlaps
    assert client.post("/networks", json={"name": "x", "cidr": "10.9.1.0/24", "gateway": "10.0.0.1"}).status_code == 422
    bad = client.post("/devices", json={"name": "a", "address": "10.0.0.256", "network": "10.0.0.0/24"})
    assert bad.status_code == 422 and "10.0.0.256" in bad.text
    assert client.post("/devices", json={"name": "a", "address": "10.0.0.1", "network": "10.0.0.1/24"}).status_code == 422
    assert client.post("/devices", json={"name": "a", "address": "10.1.0.1", "network": "10.0.0.0/24"}).status_code == 422
    # a device given an address inside a network takes it from that network's pool ...
    assert _ok(client.post("/devices", json={"name": "a", "address": "10.9.0.1", "network": "10.9.0.0/30"}), 201)["pool"] == "tiny"
    taken = client.post("/devices", json={"name": "b", "address": "10.9.0.1", "network": "10.9.0.0/30"})
    assert taken.status_code == 409 and "10.9.0.1" in taken.text
    # ... so allocation skips it; /30 has two usable addresses, then the pool is exhausted
    assert _ok(client.post("/devices/allocate", json={"name": "c", "network": "tiny"}), 201)["address"] == "10.9.0.2"
    assert client.post("/devices/allocate", json={"name": "d", "network": "tiny"}).status_code == 409
    # a name that exists: the allocation fails and its address goes back to the pool
    assert client.delete("/devices/c").status_code == 204
    assert client.post("/devices/allocate", json={"name": "a", "network": "tiny"}).status_code == 409
    assert _ok(client.post("/devices/allocate", json={"name": "d", "network": "tiny"}), 201)["address"] == "10.9.0.2"
    assert client.post("/devices/allocate", json={"name": "e", "network": "nope"}).status_code == 404
    assert client.get("/devices", params={"within": "10.0.0.1/24"}).status_code == 422
    assert client.get("/devices/nobody").status_code == 404


def test_openapi_schema(client: TestClient) -> None:
    schema = _ok(client.get("/openapi.json"))
    parts = schema["components"]["schemas"]
    address = parts["DeviceIn"]["properties"]["address"]
    assert {"type": "string", "format": "ipv4"} in address["anyOf"] and {"type": "string", "format": "ipv6"} in address["anyOf"]
    assert parts["DeviceOut"]["properties"]["network"]["type"] == "string"
    within = next(p for p in schema["paths"]["/devices"]["get"]["parameters"] if p["name"] == "within")
    assert within["in"] == "query" and "string" in str(within["schema"])
    assert set(schema["paths"]) == {"/networks", "/devices", "/devices/allocate", "/devices/{name}"}
