"""The type-description protocol (``__netx__``) and the adapters that read it: netx.json,
stdlib json, pydantic (typed and ``Any`` fields), msgspec hooks, FastAPI without a response model."""

from __future__ import annotations

import ipaddress
import json
import subprocess
import sys
from typing import Annotated, Any

import msgspec
import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import to_jsonable_python

import netx
from netx import IP, IPInterface, IPNet, IPRange, IPSet, IPv4, IPv4Net, IPv6, IPv6Net, Masked
from netx._desc import TypeDesc, desc_of, find_desc
from netx._errors import AddressError
from netx._value import _Ordered


class MyIP(IP):
    __slots__ = ()


class MyNet(IPNet):
    __slots__ = ()


VALUES: list[tuple[Any, Any]] = [
    (IP("10.0.0.1"), "10.0.0.1"),
    (IP("fe80::1%eth0"), "fe80::1%eth0"),
    (IPNet("10.0.0.0/24"), "10.0.0.0/24"),
    (IPInterface("10.0.0.5/24"), "10.0.0.5/24"),
    (IPRange("10.0.0.1-10.0.0.9"), "10.0.0.1-10.0.0.9"),
    (IPSet(["10.0.0.0/25", "10.0.0.128/25", "::1"]), ["10.0.0.0/24", "::1/128"]),
    (MyIP("10.0.0.2"), "10.0.0.2"),
    (MyNet("10.1.0.0/16"), "10.1.0.0/16"),
    (ipaddress.ip_address("10.0.0.3"), "10.0.0.3"),
]


# -- the description itself ------------------------------------------------------------------
def test_every_public_type_carries_a_description() -> None:
    for kind in (IP, IPNet, IPInterface, IPRange, IPSet, IPv4, IPv6, IPv4Net, IPv6Net):
        desc = desc_of(kind)
        assert isinstance(desc, TypeDesc) and issubclass(desc.error, netx.NetxError)
        assert desc.schema() == desc.schema() and desc.schema() is not desc.schema()
    assert desc_of(IPv4).version == 4 and desc_of(IPv4).cls is IP
    assert find_desc(MyIP) is desc_of(IP)  # subclasses inherit it
    assert find_desc(str) is None and find_desc("x") is None
    with pytest.raises(TypeError, match="not a netx value type"):
        desc_of(int)


def test_the_adapters_name_no_concrete_type() -> None:
    import netx._fastapi
    import netx._pydantic
    import netx.json

    import ast

    concrete = {"_ip", "_net", "_range", "_set"}
    for module in (netx.json, netx._pydantic, netx._fastapi):
        tree = ast.parse(open(module.__file__ or "").read())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert not concrete & set((node.module or "").split(".")), (module.__name__, node.module)
                assert not concrete & {alias.name for alias in node.names}, (module.__name__, node.module)
            elif isinstance(node, ast.Import):
                assert not any(concrete & set(alias.name.split(".")) for alias in node.names)


# -- JSON: netx.json, stdlib json, msgspec ---------------------------------------------------
@pytest.mark.parametrize(("value", "expected"), VALUES)
def test_every_json_path_writes_the_json_value(value: Any, expected: Any) -> None:
    assert netx.json.default(value) == expected
    assert json.loads(netx.json.dumps({"v": value})) == {"v": expected}
    assert json.loads(json.dumps({"v": value}, cls=netx.json.Encoder)) == {"v": expected}
    assert json.loads(msgspec.json.encode({"v": value}, enc_hook=netx.json.enc_hook)) == {"v": expected}
    assert to_jsonable_python(value) == expected


def test_unknown_types_are_refused_as_each_serializer_expects() -> None:
    with pytest.raises(TypeError, match="object is not JSON serializable|not JSON serializable"):
        netx.json.dumps(object())
    with pytest.raises(TypeError):
        json.dumps(object(), cls=netx.json.Encoder)
    with pytest.raises(TypeError, match="Encoding objects of type object is unsupported"):
        netx.json.enc_hook(object())
    with pytest.raises(TypeError, match="Encoding objects of type object is unsupported"):
        msgspec.json.encode(object(), enc_hook=netx.json.enc_hook)


def test_msgspec_decodes_netx_types_with_dec_hook() -> None:
    class Host(msgspec.Struct):
        ip: IP
        net: IPv4Net
        allow: IPSet
        v6: IPv6

    data = b'{"ip": "10.0.0.1", "net": "10.0.0.0/8", "allow": ["10.0.0.0/24"], "v6": "fe80::1%eth0"}'
    host = msgspec.json.decode(data, type=Host, dec_hook=netx.json.dec_hook)
    assert host.ip == IP("10.0.0.1") and type(host.ip) is IP and host.net == IPNet("10.0.0.0/8")
    assert host.allow == IPSet(["10.0.0.0/24"]) and host.v6.zone == "eth0"
    assert msgspec.json.encode(host, enc_hook=netx.json.enc_hook) == data.replace(b": ", b":").replace(b", ", b",")
    assert msgspec.json.decode(b'["10.0.0.1", "::1"]', type=list[IP], dec_hook=netx.json.dec_hook) == [
        IP("10.0.0.1"), IP("::1")
    ]
    with pytest.raises(msgspec.ValidationError, match=r"invalid IP address '10.0.0.300'.*\$\[1\]"):
        msgspec.json.decode(b'["10.0.0.1", "10.0.0.300"]', type=list[IP], dec_hook=netx.json.dec_hook)
    with pytest.raises(msgspec.ValidationError, match=r"'::1' is an IPv6 address, not IPv4"):
        msgspec.json.decode(b'["::1"]', type=list[IPv4], dec_hook=netx.json.dec_hook)
    with pytest.raises(msgspec.ValidationError, match=r"Expected `str`, got `int`"):
        msgspec.json.decode(b"[1]", type=list[IP], dec_hook=netx.json.dec_hook)
    with pytest.raises(msgspec.ValidationError, match=r"host bits set"):
        msgspec.json.decode(b'"10.0.0.1/8"', type=IPNet, dec_hook=netx.json.dec_hook)
    with pytest.raises(msgspec.ValidationError, match="dec_hook does not decode"):
        msgspec.json.decode(b'"x"', type=complex, dec_hook=netx.json.dec_hook)


# -- pydantic fields that know nothing about netx ---------------------------------------------
def test_pydantic_any_and_dict_fields_serialize_netx_values() -> None:
    class Loose(BaseModel):
        one: Any
        many: dict[str, Any]
        items: list[Any]

    m = Loose(one=IP("10.0.0.1"), many={k: v for k, (v, _) in enumerate(VALUES) for k in [str(k)]}, items=[MyNet("10.0.0.0/8")])
    dumped = m.model_dump()
    assert dumped["one"] is m.one and dumped["items"][0] is m.items[0]  # Python mode keeps the objects
    assert json.loads(m.model_dump_json()) == {
        "one": "10.0.0.1",
        "many": {str(k): expected for k, (_, expected) in enumerate(VALUES)},
        "items": ["10.0.0.0/8"],
    }
    assert m.model_dump(mode="json")["one"] == "10.0.0.1"


def test_typed_fields_of_subclasses_validate_as_the_base() -> None:
    class M(BaseModel):
        ip: MyIP

    assert type(M(ip="10.0.0.1").ip) is IP
    assert M(ip=MyIP("10.0.0.1")).model_dump_json() == '{"ip":"10.0.0.1"}'


# -- Masked -------------------------------------------------------------------------------------
def test_masked_network_fields_clear_host_bits() -> None:
    class Route(BaseModel):
        dst: Annotated[IPNet, Masked]
        v4: Annotated[IPv4Net, Masked]
        v6: Annotated[IPv6Net, Masked] = IPNet("::/0")
        exact: IPNet = IPNet("0.0.0.0/0")

    r = Route(dst="10.0.0.5/24", v4=("10.1.2.3", 16), v6="2001:db8::1/32")
    assert (r.dst, r.v4, r.v6) == (IPNet("10.0.0.0/24"), IPNet("10.1.0.0/16"), IPNet("2001:db8::/32"))
    assert Route.model_validate_json('{"dst": "fe80::1/10", "v4": "10.0.0.9/8"}').dst == IPNet("fe80::/10")
    with pytest.raises(ValidationError, match="is an IPv6 network, not IPv4"):
        Route(dst="10.0.0.0/8", v4="::1/64")
    with pytest.raises(ValidationError, match="host bits set"):
        Route(dst="10.0.0.0/8", v4="10.0.0.0/8", exact="10.0.0.1/8")
    with pytest.raises(ValidationError, match="invalid IP network"):
        Route(dst="10.0.0.300/8", v4="10.0.0.0/8")
    schema = Route.model_json_schema()["properties"]
    assert schema["v4"]["pattern"] == desc_of(IPv4Net).json_schema["pattern"]
    assert repr(Masked) == "netx.Masked"
    with pytest.raises(TypeError, match="Masked applies to IPNet"):
        TypeAdapter(Annotated[IP, Masked])


# -- FastAPI without a response model ----------------------------------------------------------
def _fastapi_app() -> Any:
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/values")
    def values() -> Any:  # no response model: FastAPI runs jsonable_encoder on the result
        return {"ip": IP("10.0.0.1"), "all": [v for v, _ in VALUES], "sub": MyIP("10.0.0.9")}

    return app


def test_fastapi_endpoints_return_netx_values() -> None:
    from fastapi.encoders import jsonable_encoder
    from fastapi.testclient import TestClient

    with TestClient(_fastapi_app()) as client:
        response = client.get("/values")
    assert response.status_code == 200, response.text
    assert response.json() == {"ip": "10.0.0.1", "all": [e for _, e in VALUES], "sub": "10.0.0.9"}
    assert jsonable_encoder({"n": IPNet("10.0.0.0/8")}) == {"n": "10.0.0.0/8"}


@pytest.mark.parametrize("order", ["fastapi first", "netx first"])
def test_fastapi_registration_does_not_depend_on_import_order(order: str) -> None:
    imports = "import fastapi.encoders, netx" if order == "fastapi first" else "import netx, fastapi.encoders"
    code = (
        f"{imports}\n"
        "from fastapi.encoders import jsonable_encoder\n"
        "print(jsonable_encoder([netx.IP('10.0.0.1'), netx.IPSet(['10.0.0.0/24'])]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['10.0.0.1', ['10.0.0.0/24']]"


def test_import_netx_does_not_import_fastapi_or_pydantic() -> None:
    code = "import sys, netx; print(sorted(m for m in ('fastapi', 'pydantic', 'msgspec') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


# -- adding a type touches one module: a toy type with only a description ---------------------
class Port(_Ordered):
    """A TCP port: the least a new netx value type needs to work with every adapter."""

    __slots__ = ("_n",)

    def __init__(self, value: Any) -> None:
        n = int(value) if isinstance(value, (int, str)) and not isinstance(value, bool) else None
        if n is None and not isinstance(value, Port):
            raise TypeError(f"cannot make a Port from {type(value).__name__}")
        n = value._n if isinstance(value, Port) else n
        assert n is not None
        if not 0 <= n <= 65535:
            raise AddressError(f"invalid port {value!r}: not between 0 and 65535")
        self._n = n

    def __str__(self) -> str:
        return str(self._n)

    def _key(self) -> tuple[int]:
        return (self._n,)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Port) and other._n == self._n

    def __hash__(self) -> int:
        return hash(self._n)


Port.__netx__ = TypeDesc(
    cls=Port, name="port", code="port", error=AddressError, accepts="an int or str",
    from_python=Port, to_json_value=Port.__str__, from_json_value=Port,
    json_schema={"type": "string", "pattern": "^[0-9]{1,5}$"},
)


def test_a_new_type_needs_nothing_but_its_description() -> None:
    class Service(BaseModel):
        port: Port
        anything: Any = None

    s = Service(port=80, anything=Port(443))
    assert s.port == Port(80) and s.model_dump_json() == '{"port":"80","anything":"443"}'
    assert Service.model_validate_json('{"port": "22"}').port == Port(22)
    with pytest.raises(ValidationError, match=r"invalid port 70000.*type=port,"):
        Service(port=70000)
    with pytest.raises(ValidationError, match=r"Input should be a valid port \(an int or str\), not float"):
        Service(port=1.5)
    assert Service.model_json_schema()["properties"]["port"]["pattern"] == "^[0-9]{1,5}$"
    assert netx.json.dumps([Port(1)]) == b'["1"]' and Port.from_json('"8080"') == Port(8080)
    assert msgspec.json.decode(b'"53"', type=Port, dec_hook=netx.json.dec_hook) == Port(53)
    from fastapi.encoders import jsonable_encoder

    assert jsonable_encoder({"p": Port(8)}) == {"p": "8"}
    with pytest.raises(AddressError, match="expected a JSON string holding a port"):
        Port.from_json("8")
