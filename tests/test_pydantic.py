"""netx types as pydantic v2 fields: validation, dumps, errors, JSON Schema, IPv4 & co."""

from __future__ import annotations

import ipaddress
import json
import pickle
import re
import subprocess
import sys
from typing import Any, Optional, Union

import netaddr
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

import netx
from netx import IP, IPInterface, IPNet, IPRange, IPSet, IPv4, IPv4Net, IPv6, IPv6Net
from netx._pydantic import core_schema_for, json_schema_for


class Everything(BaseModel):
    ip: IP
    v4: IPv4
    v6: IPv6
    net: IPNet
    net4: IPv4Net
    net6: IPv6Net
    iface: IPInterface


class Optionals(BaseModel):
    ip: Optional[IP] = None
    v4: Optional[IPv4] = None
    net: Optional[IPNet] = None
    net6: Optional[IPv6Net] = None
    iface: Optional[IPInterface] = None


class Collections(BaseModel):
    ips: list[IP] = []
    nets: dict[str, IPNet] = {}
    by_ip: dict[IP, IPv4Net] = {}
    members: frozenset[IPv6] = frozenset()
    pair: tuple[IPv4, IPInterface] | None = None


GOOD = {
    "ip": "2001:db8::1",
    "v4": "10.0.0.1",
    "v6": "fe80::1",
    "net": "10.0.0.0/8",
    "net4": "192.168.0.0/16",
    "net6": "2001:db8::/32",
    "iface": "10.0.0.5/24",
}


def everything() -> Everything:
    return Everything(**GOOD)


# -- validation -----------------------------------------------------------------------------
def test_validated_values_are_netx_objects() -> None:
    m = everything()
    assert m.ip == IP("2001:db8::1") and type(m.ip) is IP
    assert m.v4 == IP("10.0.0.1") and type(m.v4) is IP
    assert m.v6 == IP("fe80::1") and type(m.v6) is IP
    assert m.net == IPNet("10.0.0.0/8") and type(m.net) is IPNet
    assert m.net4 == IPNet("192.168.0.0/16") and type(m.net4) is IPNet
    assert m.net6 == IPNet("2001:db8::/32") and type(m.net6) is IPNet
    assert m.iface == IPInterface("10.0.0.5/24") and type(m.iface) is IPInterface


@pytest.mark.parametrize(
    "value",
    [
        "10.0.0.1",
        167772161,
        b"\x0a\x00\x00\x01",
        bytearray(b"\x0a\x00\x00\x01"),
        ipaddress.IPv4Address("10.0.0.1"),
        IP("10.0.0.1"),
        netaddr.IPAddress("10.0.0.1"),
    ],
    ids=repr,
)
def test_python_input_is_anything_the_constructor_takes(value: Any) -> None:
    assert TypeAdapter(IP).validate_python(value) == IP("10.0.0.1")
    assert TypeAdapter(IPv4).validate_python(value) == IP("10.0.0.1")


def test_python_input_for_networks_and_interfaces() -> None:
    for value in ("10.0.0.0/24", ("10.0.0.0", 24), ipaddress.ip_network("10.0.0.0/24"), IPNet("10.0.0.0/24"),
                  netaddr.IPNetwork("10.0.0.0/24"), "10.0.0.0/255.255.255.0"):
        assert TypeAdapter(IPNet).validate_python(value) == IPNet("10.0.0.0/24")
        assert TypeAdapter(IPv4Net).validate_python(value) == IPNet("10.0.0.0/24")
    for value in ("10.0.0.5/24", ("10.0.0.5", 24), ipaddress.ip_interface("10.0.0.5/24"), IPInterface("10.0.0.5/24")):
        assert TypeAdapter(IPInterface).validate_python(value) == IPInterface("10.0.0.5/24")
    assert TypeAdapter(IPv6Net).validate_python(("2001:db8::", 32)) == IPNet("2001:db8::/32")
    for value in (IP("10.0.0.1"), ipaddress.IPv4Address("10.0.0.1")):  # an address is its /32
        assert TypeAdapter(IPNet).validate_python(value) == IPNet("10.0.0.1/32")
        assert TypeAdapter(IPInterface).validate_python(value) == IPInterface("10.0.0.1/32")


def test_netx_objects_pass_through_unchanged() -> None:
    ip, net, iface = IP("10.0.0.1"), IPNet("10.0.0.0/8"), IPInterface("10.0.0.1/8")
    m = Everything(ip=ip, v4=ip, v6=IP("::1"), net=net, net4=net, net6=IPNet("::/0"), iface=iface)
    assert m.ip is ip and m.v4 is ip and m.net is net and m.net4 is net and m.iface is iface


def test_the_object_fast_path_takes_only_exact_values_of_the_version() -> None:
    class MyIP(IP):
        __slots__ = ()

    class Proxy:  # stands for an IPv4 IP, as transparent proxies do (``__class__`` is what isinstance reads)
        __class__ = IP  # type: ignore[assignment]
        _ver = 4

    v4, v6 = TypeAdapter(list[IPv4]), TypeAdapter(list[IPv6])
    ips = [IP("10.0.0.1"), IP("10.0.0.2")]
    assert all(a is b for a, b in zip(v4.validate_python(ips), ips))  # passed through, not copied
    mine = MyIP("10.0.0.3")
    out = v4.validate_python([mine])[0]
    assert type(out) is IP and out == IP("10.0.0.3")  # a subclass validates as its base
    assert type(TypeAdapter(IP).validate_python(mine)) is IP
    with pytest.raises(ValidationError, match="is an IPv4 address, not IPv6"):
        v6.validate_python(ips)
    with pytest.raises(ValidationError, match="is an IPv6 address, not IPv4"):
        v4.validate_python([IP("::1")])
    proxy: Any = Proxy()
    assert isinstance(proxy, IP)  # pydantic's own isinstance-based validators take it too
    assert TypeAdapter(IPv4).validate_python(proxy) is proxy


def test_json_input() -> None:
    m = Everything.model_validate_json(
        '{"ip": "10.0.0.1", "v4": "10.0.0.2", "v6": "2001:DB8::1", "net": "2001:db8::/32", '
        '"net4": "10.0.0.0/255.0.0.0", "net6": "::/0", "iface": "fe80::1%eth0/64"}'
    )
    assert (m.ip, m.v4, m.v6) == (IP("10.0.0.1"), IP("10.0.0.2"), IP("2001:db8::1"))
    assert (m.net, m.net4, m.net6) == (IPNet("2001:db8::/32"), IPNet("10.0.0.0/8"), IPNet("::/0"))
    assert m.iface == IPInterface("fe80::1%eth0/64")
    assert str(m.v6) == "2001:db8::1"


@pytest.mark.parametrize("field", list(GOOD))
@pytest.mark.parametrize("bad", ["167772161", '["10.0.0.1"]', "null", "true", '{"a": 1}'])
def test_json_input_is_strings_only(field: str, bad: str) -> None:
    payload = ", ".join(f'"{k}": "{v}"' if k != field else f'"{k}": {bad}' for k, v in GOOD.items())
    with pytest.raises(ValidationError) as info:
        Everything.model_validate_json("{" + payload + "}")
    (error,) = info.value.errors()
    assert error["loc"] == (field,)
    assert error["type"] == "string_type"


def test_zoned_addresses() -> None:
    assert TypeAdapter(IP).validate_json('"fe80::1%eth0"') == IP("fe80::1%eth0")
    assert TypeAdapter(IPv6).validate_python("fe80::1%2") == IP("fe80::1%2")


# -- errors ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "field, value, code, words",
    [
        ("ip", "10.0.0.256", "ip_address", ["'10.0.0.256'", "256"]),
        ("ip", "nope", "ip_address", ["'nope'"]),
        ("ip", -1, "ip_address", ["-1"]),
        ("ip", b"\x01\x02\x03", "ip_address", ["3 bytes"]),
        ("v4", "::1", "ip_v4_address", ["'::1'", "IPv6", "not IPv4"]),
        ("v4", IP("::1"), "ip_v4_address", ["::1", "IPv6", "not IPv4"]),
        ("v4", "1.2.3", "ip_v4_address", ["'1.2.3'"]),
        ("v6", "10.0.0.1", "ip_v6_address", ["'10.0.0.1'", "IPv4", "not IPv6"]),
        ("v6", "2001:db8::g", "ip_v6_address", ["'2001:db8::g'"]),
        ("net", "10.0.0.1/24", "ip_network", ["'10.0.0.1/24'", "host bits"]),
        ("net", "10.0.0.0/33", "ip_network", ["'10.0.0.0/33'"]),
        ("net4", "2001:db8::/32", "ip_v4_network", ["'2001:db8::/32'", "IPv6", "not IPv4"]),
        ("net6", "10.0.0.0/8", "ip_v6_network", ["'10.0.0.0/8'", "IPv4", "not IPv6"]),
        ("net6", "2001:db8::1/32", "ip_v6_network", ["'2001:db8::1/32'", "host bits"]),
        ("iface", "10.0.0.5/40", "ip_interface", ["'10.0.0.5/40'"]),
        ("iface", "x" * 5000, "ip_interface", ["5000 characters"]),
    ],
)
def test_bad_values_name_the_field_and_quote_the_input(field: str, value: Any, code: str, words: list[str]) -> None:
    with pytest.raises(ValidationError) as info:
        Everything(**{**GOOD, field: value})
    (error,) = info.value.errors()
    assert error["loc"] == (field,)
    assert error["type"] == code
    assert error["input"] is value
    for word in words:
        assert word in error["msg"]
    text = str(info.value)
    assert f"\n{field}\n" in text and code in text


@pytest.mark.parametrize("value", ["10.0.0.256", "10.0.0.0/33", "::1"])
def test_bad_json_values_name_the_field_and_quote_the_input(value: str) -> None:
    with pytest.raises(ValidationError) as info:
        Everything.model_validate_json(f'{{"ip": "2001:db8::1", "v4": "{value}", "v6": "::1", "net": "10.0.0.0/8",'
                                       f' "net4": "10.0.0.0/8", "net6": "::/0", "iface": "10.0.0.5/24"}}')
    (error,) = info.value.errors()
    assert error["loc"] == ("v4",) and error["type"] == "ip_v4_address" and error["input"] == value
    assert repr(value) in error["msg"]


@pytest.mark.parametrize("field", list(GOOD))
@pytest.mark.parametrize("value", [1.5, True, None, [1], object()], ids=repr)
def test_wrong_python_types_are_validation_errors(field: str, value: Any) -> None:
    with pytest.raises(ValidationError) as info:
        Everything(**{**GOOD, field: value})
    (error,) = info.value.errors()
    assert error["loc"] == (field,)
    assert error["type"].endswith("_type")
    assert type(value).__name__ in error["msg"]


def test_many_errors_at_once() -> None:
    with pytest.raises(ValidationError) as info:
        TypeAdapter(list[IP]).validate_python(["10.0.0.1", "bad", "::1", "10.1"])
    assert [e["loc"] for e in info.value.errors()] == [(1,), (3,)]


def test_strict_mode_takes_only_netx_objects_in_python_and_strings_in_json() -> None:
    class Strict(BaseModel):
        model_config = ConfigDict(strict=True)
        ip: IP
        v4: IPv4
        net: IPNet
        net6: IPv6Net

    ok = Strict(ip=IP("::1"), v4=IP("10.0.0.1"), net=IPNet("10.0.0.0/8"), net6=IPNet("::/0"))
    assert Strict.model_validate_json(ok.model_dump_json()) == ok
    with pytest.raises(ValidationError) as info:
        Strict(ip="::1", v4=IP("10.0.0.1"), net=IPNet("10.0.0.0/8"), net6=IPNet("::/0"))
    assert info.value.errors()[0]["type"] == "ip_address_type"
    with pytest.raises(ValidationError) as info:
        Strict(ip=IP("::1"), v4=IP("::2"), net=IPNet("10.0.0.0/8"), net6=IPNet("10.0.0.0/8"))
    assert [(e["loc"], e["type"]) for e in info.value.errors()] == [(("v4",), "ip_v4_address"), (("net6",), "ip_v6_network")]


# -- dumps ----------------------------------------------------------------------------------
def test_model_dump_keeps_netx_objects() -> None:
    dumped = everything().model_dump()
    assert dumped == {
        "ip": IP("2001:db8::1"), "v4": IP("10.0.0.1"), "v6": IP("fe80::1"), "net": IPNet("10.0.0.0/8"),
        "net4": IPNet("192.168.0.0/16"), "net6": IPNet("2001:db8::/32"), "iface": IPInterface("10.0.0.5/24"),
    }
    assert [type(v) for v in dumped.values()] == [IP, IP, IP, IPNet, IPNet, IPNet, IPInterface]


def test_json_dumps_give_strings() -> None:
    m = everything()
    assert m.model_dump(mode="json") == GOOD
    assert m.model_dump_json() == (
        '{"ip":"2001:db8::1","v4":"10.0.0.1","v6":"fe80::1","net":"10.0.0.0/8",'
        '"net4":"192.168.0.0/16","net6":"2001:db8::/32","iface":"10.0.0.5/24"}'
    )


def test_dumps_write_canonical_text() -> None:
    m = Everything(**{**GOOD, "ip": "2001:0DB8:0:0::1", "v4": 167772161, "net4": "10.0.0.0/255.0.0.0"})
    assert m.model_dump(mode="json")["ip"] == "2001:db8::1"
    assert m.model_dump(mode="json")["v4"] == "10.0.0.1"
    assert m.model_dump(mode="json")["net4"] == "10.0.0.0/8"


def test_round_trips() -> None:
    m = everything()
    assert Everything.model_validate_json(m.model_dump_json()) == m
    assert Everything.model_validate(m.model_dump()) == m
    assert Everything.model_validate(m.model_dump(mode="json")) == m
    assert pickle.loads(pickle.dumps(m)) == m
    assert m.model_copy(deep=True) == m


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 2**128 - 1), st.integers(0, 32), st.integers(0, 128))
def test_round_trips_for_any_values(v4: int, v6: int, p4: int, p6: int) -> None:
    m = Everything(
        ip=IP(v6, version=6), v4=IP(v4), v6=IP(v6, version=6), net=IP(v4).prefix(p4), net4=IP(v4).prefix(p4),
        net6=IP(v6, version=6).prefix(p6), iface=IPInterface(f"{ipaddress.IPv6Address(v6)}/{p6}"),
    )
    assert Everything.model_validate_json(m.model_dump_json()) == m
    assert m.model_dump(mode="json")["v6"] == str(ipaddress.IPv6Address(v6))


def test_optional_fields_and_none() -> None:
    empty = Optionals()
    assert empty.model_dump() == dict.fromkeys(("ip", "v4", "net", "net6", "iface"))
    assert empty.model_dump_json() == '{"ip":null,"v4":null,"net":null,"net6":null,"iface":null}'
    assert Optionals.model_validate_json(empty.model_dump_json()) == empty
    full = Optionals(ip="::1", v4="10.0.0.1", net="10.0.0.0/8", net6="::/0", iface="::1/64")
    assert Optionals.model_validate_json(full.model_dump_json()) == full
    assert Optionals(ip=None).ip is None
    with pytest.raises(ValidationError):
        Optionals(v4="::1")


def test_lists_dicts_sets_tuples_of_netx_types() -> None:
    c = Collections(
        ips=["10.0.0.1", IP("::1")],
        nets={"a": "10.0.0.0/8"},
        by_ip={"10.0.0.1": "10.0.0.0/24"},
        members=["::1", "::2", "::1"],
        pair=("10.0.0.1", "10.0.0.1/24"),
    )
    assert c.ips == [IP("10.0.0.1"), IP("::1")]
    assert c.nets == {"a": IPNet("10.0.0.0/8")}
    assert c.by_ip == {IP("10.0.0.1"): IPNet("10.0.0.0/24")}
    assert c.members == frozenset({IP("::1"), IP("::2")})
    assert c.pair == (IP("10.0.0.1"), IPInterface("10.0.0.1/24"))
    text = c.model_dump_json()
    assert '"by_ip":{"10.0.0.1":"10.0.0.0/24"}' in text
    assert Collections.model_validate_json(text) == c
    assert c.model_dump()["by_ip"] == {IP("10.0.0.1"): IPNet("10.0.0.0/24")}
    with pytest.raises(ValidationError) as info:
        Collections(by_ip={"10.0.0.1": "::/0"})
    assert info.value.errors()[0]["loc"] == ("by_ip", "10.0.0.1")


def test_unions_pick_the_type_that_fits() -> None:
    ta = TypeAdapter(list[Union[IP, IPNet]])
    assert ta.validate_json('["10.0.0.1", "10.0.0.0/8"]') == [IP("10.0.0.1"), IPNet("10.0.0.0/8")]
    ta4 = TypeAdapter(Union[IPv4, IPv6Net])
    assert ta4.validate_python("::/0") == IPNet("::/0")
    assert ta4.validate_python("10.0.0.1") == IP("10.0.0.1")


def test_validate_assignment_and_defaults() -> None:
    class Conf(BaseModel):
        model_config = ConfigDict(validate_assignment=True)
        gateway: IPv4 = IP("10.0.0.1")
        subnet: IPNet = IPNet("10.0.0.0/24")

    conf = Conf()
    conf.gateway = "10.0.0.254"
    assert conf.gateway == IP("10.0.0.254")
    with pytest.raises(ValidationError):
        conf.gateway = "::1"
    schema = Conf.model_json_schema()
    assert schema["properties"]["gateway"]["default"] == "10.0.0.1"
    assert schema["properties"]["subnet"]["default"] == "10.0.0.0/24"


# -- the constrained forms --------------------------------------------------------------------
def test_constrained_forms_are_constructors() -> None:
    assert IPv4("10.0.0.1") == IP("10.0.0.1") and type(IPv4("10.0.0.1")) is IP
    assert IPv4(167772161) == IP("10.0.0.1")
    assert IPv6("::1") == IP("::1") and type(IPv6("::1")) is IP
    assert IPv6(1) == IP("::1")  # an int is IPv6 when IPv6 is asked for
    assert IPv4Net("10.0.0.0/8") == IPNet("10.0.0.0/8") and type(IPv4Net("10.0.0.0/8")) is IPNet
    assert IPv6Net("2001:db8::/32") == IPNet("2001:db8::/32")
    assert IPv4Net("10.0.0.1/8", strict=False) == IPNet("10.0.0.0/8")


@pytest.mark.parametrize(
    "form, value, error",
    [
        (IPv4, "::1", netx.AddressError),
        (IPv4, "10.0.0.256", netx.AddressError),
        (IPv6, "10.0.0.1", netx.AddressError),
        (IPv4Net, "::/0", netx.NetworkError),
        (IPv6Net, "10.0.0.0/8", netx.NetworkError),
        (IPv4Net, "10.0.0.1/8", netx.NetworkError),
        (IPv4, 1.5, TypeError),
    ],
)
def test_constrained_forms_reject_the_other_version(form: Any, value: Any, error: type) -> None:
    with pytest.raises(error) as info:
        form(value)
    if error is not TypeError:
        assert repr(value) in str(info.value)


def test_isinstance_checks_the_version() -> None:
    v4, v6 = IP("10.0.0.1"), IP("::1")
    n4, n6 = IPNet("10.0.0.0/8"), IPNet("::/0")
    assert isinstance(v4, IPv4) and not isinstance(v6, IPv4)
    assert isinstance(v6, IPv6) and not isinstance(v4, IPv6)
    assert isinstance(n4, IPv4Net) and not isinstance(n6, IPv4Net)
    assert isinstance(n6, IPv6Net) and not isinstance(n4, IPv6Net)
    for other in ("10.0.0.1", ipaddress.IPv4Address("10.0.0.1"), n4, IPInterface("10.0.0.1/8"), None, 4):
        assert not isinstance(other, IPv4)
    assert not isinstance(v4, IPv4Net) and not isinstance(IPInterface("::1/64"), IPv6)
    assert isinstance(v4, (IPv6, IPv4))
    assert [ip for ip in [v4, v6, n4] if isinstance(ip, IPv6)] == [v6]


def test_constrained_forms_are_public_classes() -> None:
    assert netx.IPv4 is IPv4 and IPv4.__module__ == "netx" and IPv4.__name__ == "IPv4"
    assert isinstance(IPv4, type)
    assert pickle.loads(pickle.dumps(IPv6Net)) is IPv6Net
    assert IPv4.__doc__ and "IPv4" in IPv4.__doc__


def test_importing_netx_and_the_forms_does_not_import_pydantic() -> None:
    code = "import sys, netx; netx.IPv4; isinstance(netx.IP('::1'), netx.IPv6); print('pydantic' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


# -- JSON Schema ----------------------------------------------------------------------------
V4_SCHEMA = {"type": "string", "format": "ipv4"}
V6_SCHEMA = {"type": "string", "format": "ipv6"}


def _zoned(schema: dict[str, Any]) -> dict[str, Any]:
    return next(s for s in schema["anyOf"] if "pattern" in s)


def test_address_schemas_use_the_standard_formats() -> None:
    assert TypeAdapter(IPv4).json_schema() == V4_SCHEMA
    v6 = TypeAdapter(IPv6).json_schema()
    assert v6["anyOf"][0] == V6_SCHEMA  # "format": "ipv6", and a pattern for zoned addresses only
    assert _zoned(v6)["type"] == "string" and "format" not in _zoned(v6)
    assert TypeAdapter(IP).json_schema() == {"anyOf": [V4_SCHEMA, V6_SCHEMA, _zoned(v6)]}
    for mode in ("validation", "serialization"):
        assert TypeAdapter(IP).json_schema(mode=mode) == {"anyOf": [V4_SCHEMA, V6_SCHEMA, _zoned(v6)]}


ZONED = ["fe80::1%eth0", "fe80::1%1", "::1%lo", "1:2:3:4:5:6:1.2.3.4%x y", "ff02::1%enp0s31f6"]
NOT_ZONED = ["fe80::1%", "fe80::1%a%b", "fe80::1%a/b", "1.2.3.4%eth0", "fe80:::1%eth0", "12345::%a",
             "::01.2.3.4%a", "1:2:3:4:5:6:7:8:9%a"]


@pytest.mark.parametrize("kind", [IP, IPv6])
def test_zoned_ipv6_values_validate_against_the_schema(kind: Any) -> None:
    import jsonschema

    schema = TypeAdapter(kind).json_schema()
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    for text in ZONED:
        value = TypeAdapter(kind).validate_python(text)
        dumped = TypeAdapter(kind).dump_python(value, mode="json")
        jsonschema.validate(dumped, schema, format_checker=checker)
    for text in NOT_ZONED:
        with pytest.raises(ValidationError):
            TypeAdapter(kind).validate_python(text)
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(text, schema, format_checker=checker)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**128 - 1), st.sampled_from(["eth0", "1", "x"]), st.booleans())
def test_the_zoned_pattern_matches_exactly_the_stdlib_texts(value: int, zone: str, exploded: bool) -> None:
    import ipaddress

    pattern = re.compile(_zoned(TypeAdapter(IPv6).json_schema())["pattern"])
    addr = ipaddress.IPv6Address(value)
    for text in {str(addr), addr.exploded if exploded else addr.compressed.upper()}:
        assert pattern.search(f"{text}%{zone}"), text
        for broken in (text + ":1", "1:" + text if text.count(":") >= 7 else text + "::", text + "g"):
            try:
                ipaddress.IPv6Address(broken)
            except ValueError:
                assert not pattern.search(f"{broken}%{zone}"), broken


def test_network_and_interface_schemas_are_strings_without_a_format() -> None:
    for kind in (IPNet, IPv4Net, IPv6Net, IPInterface):
        schema = TypeAdapter(kind).json_schema()
        assert schema["type"] == "string"
        assert "format" not in schema
        assert schema["description"]
        re.compile(schema["pattern"])


def _formats(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["format"]] if isinstance(node.get("format"), str) else []
        return found + [f for value in node.values() for f in _formats(value)]
    if isinstance(node, list):
        return [f for value in node for f in _formats(value)]
    return []


def _validator(model: type[BaseModel]) -> Draft202012Validator:
    schema = model.model_json_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_schemas_hold_no_unknown_format() -> None:
    known = set(Draft202012Validator.FORMAT_CHECKER.checkers)
    assert {"ipv4", "ipv6"} <= known
    for model in (Everything, Optionals, Collections):
        formats = _formats(model.model_json_schema())
        assert formats, model
        assert set(formats) <= known, model
        assert set(formats) <= {"ipv4", "ipv6"}


def test_schema_accepts_good_payloads() -> None:
    validator = _validator(Everything)
    payloads = [
        GOOD,
        everything().model_dump(mode="json"),
        {"ip": "10.0.0.1", "v4": "0.0.0.0", "v6": "::", "net": "::/0", "net4": "10.0.0.0/255.0.0.0",
         "net6": "fe80::%eth0/64", "iface": "2001:db8::5/64"},
        {"ip": "::ffff:1.2.3.4", "v4": "255.255.255.255", "v6": "::ffff:10.0.0.1", "net": "10.0.0.0/0.255.255.255",
         "net4": "10.0.0.0/08", "net6": "::ffff:0.0.0.0/96", "iface": "10.0.0.5/255.255.255.0"},
    ]
    for payload in payloads:
        Everything.model_validate(payload)  # netx takes them ...
        assert list(validator.iter_errors(payload)) == [], payload  # ... and so does the schema
    _validator(Optionals).validate(Optionals().model_dump(mode="json"))
    _validator(Collections).validate(
        Collections(ips=["::1"], nets={"a": "10.0.0.0/8"}, by_ip={"10.0.0.1": "10.0.0.0/8"}, members=["::2"],
                    pair=("10.0.0.1", "::1/128")).model_dump(mode="json")
    )


@pytest.mark.parametrize(
    "field, value",
    [
        ("ip", "10.0.0.256"),
        ("ip", "nope"),
        ("ip", 167772161),
        ("v4", "10.0.0.256"),
        ("v4", "::1"),
        ("v4", "010.0.0.1"),
        ("v6", "10.0.0.1"),
        ("v6", "2001:db8::g"),
        ("v6", "1::2::3"),
        ("net", "garbage"),
        ("net", "10.0.0.0/-8"),
        ("net4", "2001:db8::/32"),
        ("net4", "10.0.0.0/abc"),
        ("net6", "10.0.0.0/8"),
        ("net6", "2001:db8::/255.255.0.0"),
        ("iface", "x"),
        ("iface", None),
    ],
)
def test_schema_rejects_bad_payloads(field: str, value: Any) -> None:
    payload = {**GOOD, field: value}
    assert [tuple(e.path) for e in _validator(Everything).iter_errors(payload)] == [(field,)]
    with pytest.raises(ValidationError):  # netx agrees
        Everything.model_validate_json(json.dumps(payload))


def _network_texts(draw: Any, version: int, interface: bool) -> str:
    bits = 32 if version == 4 else 128
    plen = draw(st.integers(0, bits))
    value = draw(st.integers(0, 2**bits - 1))
    if not interface:
        value &= ~((1 << (bits - plen)) - 1)
    addr = ipaddress.ip_address(value) if version == 4 else ipaddress.IPv6Address(value)
    text = addr.exploded if draw(st.booleans()) else str(addr)
    if version == 6 and draw(st.booleans()):
        text += "%" + draw(st.text(st.characters(exclude_characters="%/"), min_size=1, max_size=5))
    form = draw(st.sampled_from(["prefix", "zeros", "netmask", "hostmask", "bare"] if version == 4 else ["prefix", "zeros", "bare"]))
    if form == "prefix":
        return f"{text}/{plen}"
    if form == "zeros":
        return f"{text}/{plen:04d}"
    if form == "netmask":
        return f"{text}/{ipaddress.IPv4Network(f'0.0.0.0/{plen}').netmask}"
    if form == "hostmask" and 0 < plen < 32:  # /0 and /32 hostmasks read as netmasks
        return f"{text}/{ipaddress.IPv4Network(f'0.0.0.0/{plen}').hostmask}"
    if form == "bare" and (plen == bits or interface):
        return text
    return f"{text}/{plen}"


@st.composite
def _networks(draw: Any) -> tuple[int, bool, str]:
    version = draw(st.sampled_from([4, 6]))
    interface = draw(st.booleans())
    return version, interface, _network_texts(draw, version, interface)


@settings(max_examples=300, deadline=None)
@given(_networks())
def test_network_patterns_accept_every_valid_text(case: tuple[int, bool, str]) -> None:
    """The patterns are loose checks: whatever the stdlib (and so netx) accepts must match them."""
    version, interface, text = case
    stdlib = ipaddress.ip_interface(text) if interface else ipaddress.ip_network(text)
    assert stdlib.version == version
    kinds = [IPInterface] if interface else [IPNet, IPv4Net if version == 4 else IPv6Net]
    for kind in kinds:
        assert re.search(json_schema_for(kind)["pattern"], text), (kind, text)
        assert TypeAdapter(kind).validate_python(text) is not None
    other = IPv6Net if version == 4 else IPv4Net  # and the other family's pattern refuses it
    assert not re.search(json_schema_for(other)["pattern"], text), (other, text)


# -- the schema functions -------------------------------------------------------------------
def test_schema_functions_hand_out_fresh_copies() -> None:
    a, b = core_schema_for(IP), core_schema_for(IP)
    assert a == b and a is not b
    a["python_schema"]["lax_schema"]["function"] = None  # a caller scribbling on its copy ...
    assert core_schema_for(IP)["python_schema"]["lax_schema"]["function"] is not None  # ... harms no one
    s = json_schema_for(IPv4)
    s["format"] = "x"
    assert json_schema_for(IPv4) == V4_SCHEMA


def test_schema_functions_reject_foreign_classes() -> None:
    with pytest.raises(TypeError):
        core_schema_for(str)
    with pytest.raises(TypeError):
        json_schema_for(int)


# -- IPRange and IPSet ----------------------------------------------------------------------
class Firewall(BaseModel):
    dhcp: IPRange
    allow: IPSet
    deny: Optional[IPSet] = None


def test_ranges_and_sets_from_python_input() -> None:
    r = IPRange("10.0.0.10-10.0.0.20")
    for value in ("10.0.0.10-10.0.0.20", ("10.0.0.10", "10.0.0.20"), (IP("10.0.0.10"), 167772180), r,
                  netaddr.IPRange("10.0.0.10", "10.0.0.20")):
        assert TypeAdapter(IPRange).validate_python(value) == r
    assert TypeAdapter(IPRange).validate_python(r) is r
    assert TypeAdapter(IPRange).validate_python("10.0.0.0/30") == IPRange("10.0.0.0", "10.0.0.3")
    assert TypeAdapter(IPRange).validate_python(IPNet("::/127")) == IPRange("::", "::1")
    assert TypeAdapter(IPRange).validate_python("::1") == IPRange("::1", "::1")
    s = IPSet(["10.0.0.0/24", "10.0.1.1", "2001:db8::/64"])
    for value in (["10.0.0.0/24", "10.0.1.1", "2001:db8::/64"], ("10.0.0.0/25", "10.0.0.128/25", IP("10.0.1.1"),
                  IPNet("2001:db8::/64")), {"10.0.0.0-10.0.0.255", "10.0.1.1", "2001:db8::/64"}, s,
                  [IPSet(["10.0.0.0/24"]), IPRange("10.0.1.1", "10.0.1.1"), ipaddress.ip_network("2001:db8::/64")]):
        assert TypeAdapter(IPSet).validate_python(value) == s
    assert TypeAdapter(IPSet).validate_python(s) is s
    assert TypeAdapter(IPSet).validate_python("10.0.0.0/24") == IPSet(["10.0.0.0/24"])  # one item, as IPSet()
    assert TypeAdapter(IPSet).validate_python([]) == IPSet()
    m = Firewall(dhcp=("10.0.0.100", "10.0.0.200"), allow=["10.0.0.0/8"])
    assert type(m.dhcp) is IPRange and type(m.allow) is IPSet and m.deny is None


def test_ranges_and_sets_from_json() -> None:
    m = Firewall.model_validate_json(
        '{"dhcp": "10.0.0.100-10.0.0.200", "allow": ["10.0.0.0/8", "192.168.1.1", "10.1.0.0-10.1.0.3", "::1"],'
        ' "deny": []}'
    )
    assert m.dhcp == IPRange("10.0.0.100", "10.0.0.200")
    assert m.allow == IPSet(["10.0.0.0/8", "192.168.1.1", "10.1.0.0/30", "::1"])
    assert m.deny == IPSet()
    assert netx.json.loads(b'["10.0.0.1-10.0.0.3"]', IPSet).size == 3
    assert netx.json.loads(b'"::1-::3"', IPRange).size == 3


def test_ranges_and_sets_dump_as_default_does() -> None:
    m = Firewall(dhcp="10.0.0.100-10.0.0.200", allow=["10.0.0.0/24", "10.0.1.0-10.0.1.2", "2001:db8::1"])
    dumped = m.model_dump()
    assert type(dumped["dhcp"]) is IPRange and type(dumped["allow"]) is IPSet and dumped["deny"] is None
    want = {
        "dhcp": "10.0.0.100-10.0.0.200",
        "allow": ["10.0.0.0/24", "10.0.1.0/31", "10.0.1.2/32", "2001:db8::1/128"],
        "deny": None,
    }
    assert m.model_dump(mode="json") == want
    assert json.loads(m.model_dump_json()) == want
    assert json.loads(netx.json.dumps(dumped)) == want  # the same text as netx.json.default
    assert Firewall.model_validate_json(m.model_dump_json()) == m
    assert TypeAdapter(IPSet).dump_json(IPSet()) == b"[]"
    assert pickle.loads(pickle.dumps(m)) == m


@pytest.mark.parametrize(
    "field, value, code, words",
    [
        ("dhcp", "10.0.0.9-10.0.0.1", "ip_range", ["'10.0.0.9-10.0.0.1'", "after"]),
        ("dhcp", "10.0.0.1-::1", "ip_range", ["'10.0.0.1-::1'", "mixes"]),
        ("dhcp", ("10.0.0.1", "nope"), "ip_range", ["'nope'"]),
        ("dhcp", "10.0.0.1/24", "ip_range", ["'10.0.0.1/24'", "host bits"]),
        ("dhcp", 1.5, "ip_range_type", ["IP range", "float"]),
        ("dhcp", ["10.0.0.1", "10.0.0.2"], "ip_range_type", ["IP range", "list"]),
        ("allow", ["10.0.0.0/8", "10.0.0.300"], "ip_set", ["'10.0.0.300'"]),
        ("allow", ["10.0.0.1/24"], "ip_set", ["'10.0.0.1/24'", "host bits"]),
        ("allow", ["10.0.0.0/8", 1.5], "ip_set_type", ["float", "1.5"]),
        ("allow", 5, "ip_set_type", ["IP set", "int"]),
        ("allow", None, "ip_set_type", ["IP set", "NoneType"]),
    ],
)
def test_bad_ranges_and_sets_name_the_field_and_quote_the_input(field: str, value: Any, code: str,
                                                                  words: list[str]) -> None:
    payload = {"dhcp": "10.0.0.1-10.0.0.2", "allow": [], field: value}
    with pytest.raises(ValidationError) as info:
        Firewall(**payload)
    (error,) = info.value.errors()
    assert error["loc"] == (field,) and error["type"] == code and error["input"] == value
    for word in words:
        assert word in error["msg"], (word, error["msg"])
    assert "Firewall" in str(info.value) and field in str(info.value)


@pytest.mark.parametrize(
    "payload, loc, code",
    [
        ('{"dhcp": 5, "allow": []}', ("dhcp",), "string_type"),
        ('{"dhcp": ["10.0.0.1", "10.0.0.2"], "allow": []}', ("dhcp",), "string_type"),
        ('{"dhcp": "10.0.0.1-10.0.0.x", "allow": []}', ("dhcp",), "ip_range"),
        ('{"dhcp": "10.0.0.1", "allow": "10.0.0.0/8"}', ("allow",), "list_type"),
        ('{"dhcp": "10.0.0.1", "allow": ["10.0.0.0/8", 3]}', ("allow", 1), "string_type"),
        ('{"dhcp": "10.0.0.1", "allow": ["10.0.0.0/8", "10.0.0.0/33"]}', ("allow",), "ip_set"),
        ('{"dhcp": "10.0.0.1", "allow": null}', ("allow",), "list_type"),
    ],
)
def test_bad_json_ranges_and_sets(payload: str, loc: tuple[Any, ...], code: str) -> None:
    with pytest.raises(ValidationError) as info:
        Firewall.model_validate_json(payload)
    (error,) = info.value.errors()
    assert (error["loc"], error["type"]) == (loc, code)


def test_ranges_and_sets_in_strict_mode() -> None:
    r, s = IPRange("10.0.0.1-10.0.0.2"), IPSet(["10.0.0.0/8"])
    for kind, good, bad in ((IPRange, r, "10.0.0.1-10.0.0.2"), (IPSet, s, ["10.0.0.0/8"])):
        adapter = TypeAdapter(kind, config=ConfigDict(strict=True))
        assert adapter.validate_python(good) is good
        with pytest.raises(ValidationError) as info:
            adapter.validate_python(bad)
        assert info.value.errors()[0]["type"] == f"ip_{kind.__name__[2:].lower()}_type"
        assert adapter.validate_json(json.dumps(bad)) == good


def test_range_and_set_schemas_are_standard() -> None:
    r = TypeAdapter(IPRange).json_schema()
    assert r["type"] == "string" and r["description"] and "format" not in r
    s = TypeAdapter(IPSet).json_schema()
    assert s["type"] == "array" and s["items"]["type"] == "string" and s["description"]
    assert s["items"]["pattern"] == r["pattern"] and "format" not in s["items"]
    for mode in ("validation", "serialization"):
        assert TypeAdapter(IPRange).json_schema(mode=mode) == r
        assert TypeAdapter(IPSet).json_schema(mode=mode) == s
    schema = Firewall.model_json_schema()
    Draft202012Validator.check_schema(schema)
    assert _formats(schema) == []


def test_range_and_set_schemas_accept_good_payloads() -> None:
    validator = _validator(Firewall)
    payloads = [
        {"dhcp": "10.0.0.10-10.0.0.20", "allow": ["10.0.0.0/24", "10.0.1.1", "10.0.2.0-10.0.2.9"]},
        {"dhcp": "2001:db8::1-2001:db8::ff", "allow": [], "deny": None},
        {"dhcp": "10.0.0.0/24", "allow": ["::/0", "fe80::1%eth0", "fe80::%en-0/64", "::1-::9", "0.0.0.0/0"],
         "deny": ["10.0.0.0/255.0.0.0", "::ffff:1.2.3.4", "fe80::1%a-fe80::2%b"]},
        {"dhcp": "::", "allow": ["255.255.255.255"]},
        Firewall(dhcp="::ffff:10.0.0.1-::ffff:10.0.0.9", allow=["10.0.0.0/8", "::1"]).model_dump(mode="json"),
    ]
    for payload in payloads:
        Firewall.model_validate(payload)  # netx takes them ...
        Firewall.model_validate_json(json.dumps(payload))
        assert list(validator.iter_errors(payload)) == [], payload  # ... and so does the schema


@pytest.mark.parametrize(
    "payload, path",
    [
        ({"dhcp": 5, "allow": []}, ("dhcp",)),
        ({"dhcp": "nope", "allow": []}, ("dhcp",)),
        ({"dhcp": "10.0.0.1-::1", "allow": []}, ("dhcp",)),
        ({"dhcp": "10.0.0.1 - 10.0.0.2", "allow": []}, ("dhcp",)),
        ({"dhcp": "10.0.0.1", "allow": "10.0.0.0/8"}, ("allow",)),
        ({"dhcp": "10.0.0.1", "allow": ["10.0.0.0/8", 3]}, ("allow", 1)),
        ({"dhcp": "10.0.0.1", "allow": ["garbage"]}, ("allow", 0)),
        ({"dhcp": "10.0.0.1", "allow": ["::1-10.0.0.1"]}, ("allow", 0)),
        ({"dhcp": "10.0.0.1", "allow": ["::/abc"]}, ("allow", 0)),
        ({"dhcp": "10.0.0.1", "allow": [], "deny": {"a": 1}}, ("deny",)),
    ],
)
def test_range_and_set_schemas_reject_bad_payloads(payload: dict[str, Any], path: tuple[Any, ...]) -> None:
    assert [tuple(e.path)[: len(path)] for e in _validator(Firewall).iter_errors(payload)] == [path]
    with pytest.raises(ValidationError):  # netx agrees
        Firewall.model_validate_json(json.dumps(payload))


@st.composite
def _range_texts(draw: Any) -> str:
    bits = draw(st.sampled_from([32, 128]))
    lo = draw(st.integers(0, 2**bits - 1))
    hi = draw(st.integers(lo, 2**bits - 1))
    kind = ipaddress.IPv4Address if bits == 32 else ipaddress.IPv6Address
    a, b = kind(lo), kind(hi)
    text = [str(a), a.exploded][draw(st.integers(0, 1))], [str(b), b.exploded][draw(st.integers(0, 1))]
    if bits == 128 and draw(st.booleans()):
        text = (text[0] + "%" + draw(st.text(st.characters(exclude_characters="%/", exclude_categories=("Cs",)), min_size=1, max_size=4)),
                text[1])
    form = draw(st.sampled_from(["range", "address", "cidr"]))
    if form == "range":
        return f"{text[0]}-{text[1]}"
    if form == "address":
        return text[0]
    return str(ipaddress.ip_network((lo, draw(st.integers(0, bits))), strict=False))


@settings(max_examples=200, deadline=None)
@given(_range_texts())
def test_range_pattern_accepts_every_valid_text(text: str) -> None:
    assert re.search(json_schema_for(IPRange)["pattern"], text), text
    assert TypeAdapter(IPRange).validate_json(json.dumps(text)) == IPRange(text)
    assert TypeAdapter(IPSet).validate_json(json.dumps([text])) == IPSet([text])
