"""netx.json: the orjson / json.dumps hook, dumps, typed loads and the JSONEncoder."""

from __future__ import annotations

import ipaddress
import json
from typing import Annotated, Optional

import netaddr
import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, Field, ValidationError

import netx
import netx.json as nj
from netx import IP, IPInterface, IPNet


class _MyAddress(ipaddress.IPv4Address):
    """A stdlib subclass: the hook must still write it as text."""


# -- default ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value, text",
    [
        (IP("10.0.0.1"), "10.0.0.1"),
        (IP("2001:DB8::1"), "2001:db8::1"),
        (IP("fe80::1%eth0"), "fe80::1%eth0"),
        (IP(167772161), "10.0.0.1"),
        (IP(1, version=6), "::1"),
        (IP(b"\x0a\x00\x00\x01"), "10.0.0.1"),
        (IPNet("10.0.0.0/8"), "10.0.0.0/8"),
        (IPNet("2001:db8::/32"), "2001:db8::/32"),
        (IPNet("10.0.0.0/255.255.255.0"), "10.0.0.0/24"),
        (IPInterface("10.0.0.5/24"), "10.0.0.5/24"),
        (IPInterface("2001:db8::5/64"), "2001:db8::5/64"),
        (ipaddress.IPv4Address("10.0.0.1"), "10.0.0.1"),
        (ipaddress.IPv6Address("2001:db8::1"), "2001:db8::1"),
        (ipaddress.IPv4Network("10.0.0.0/8"), "10.0.0.0/8"),
        (ipaddress.IPv6Network("2001:db8::/32"), "2001:db8::/32"),
        (ipaddress.IPv4Interface("10.0.0.5/24"), "10.0.0.5/24"),
        (ipaddress.IPv6Interface("2001:db8::5/64"), "2001:db8::5/64"),
        (_MyAddress("192.0.2.1"), "192.0.2.1"),
    ],
    ids=repr,
)
def test_default_writes_addresses_networks_interfaces_as_text(value: object, text: str) -> None:
    assert nj.default(value) == text
    assert orjson.dumps([value], default=nj.default) == f'["{text}"]'.encode()
    assert json.dumps([value], default=nj.default) == f'["{text}"]'


def test_default_on_an_address_whose_text_is_not_cached_yet() -> None:
    ip = IP((0x20010DB8 << 96) | 0xABC, version=6)  # built from an int: no text yet
    assert nj.default(ip) == "2001:db8::abc"
    assert nj.default(ip) == "2001:db8::abc"  # and again, from the cache


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.integers(0, 2**32 - 1).map(lambda i: (i, 4)), st.integers(0, 2**128 - 1).map(lambda i: (i, 6))))
def test_default_matches_the_stdlib_text(value: tuple[int, int]) -> None:
    i, version = value
    stdlib = ipaddress.ip_address(i) if version == 4 else ipaddress.IPv6Address(i)
    assert nj.default(IP(i, version=version)) == str(stdlib) == nj.default(stdlib)
    assert nj.default(IP(str(stdlib))) == str(stdlib)


def test_default_writes_a_range_as_first_dash_last() -> None:
    rng = netx.IPRange("10.0.0.10", "10.0.0.20")
    assert nj.default(rng) == "10.0.0.10-10.0.0.20"
    assert nj.dumps({"r": rng}) == b'{"r":"10.0.0.10-10.0.0.20"}'
    v6 = netx.IPRange("2001:db8::1-2001:db8::ff")
    assert nj.default(v6) == str(v6) == "2001:db8::1-2001:db8::ff"


def test_default_writes_a_set_as_its_cidrs() -> None:
    s = netx.IPSet(["10.0.0.0/25", "10.0.0.128/25", "10.0.1.1", "2001:db8::/64"])
    assert nj.default(s) == ["10.0.0.0/24", "10.0.1.1/32", "2001:db8::/64"]
    assert nj.dumps(s) == b'["10.0.0.0/24","10.0.1.1/32","2001:db8::/64"]'
    assert nj.default(netx.IPSet()) == []
    assert json.dumps(s, cls=nj.Encoder) == '["10.0.0.0/24", "10.0.1.1/32", "2001:db8::/64"]'


class _Thing:
    pass


@pytest.mark.parametrize(
    "value",
    [object(), _Thing(), {1, 2}, b"\x0a\x00\x00\x01", 1.5j, netaddr.IPAddress("10.0.0.1"), IP, ipaddress.IPv4Address],
    ids=repr,
)
def test_default_rejects_anything_else_with_type_error(value: object) -> None:
    with pytest.raises(TypeError, match=f"Object of type {type(value).__name__} is not JSON serializable"):
        nj.default(value)
    with pytest.raises(TypeError):
        orjson.dumps(value, default=nj.default)
    with pytest.raises(TypeError):
        json.dumps(value, cls=nj.Encoder)


def test_default_rejects_unknown_types_every_time() -> None:
    """A miss is not remembered as a hit: the second call raises too."""
    for _ in range(2):
        with pytest.raises(TypeError):
            nj.default(_Thing())


# -- dumps ------------------------------------------------------------------------------------
def test_dumps_writes_nested_structures() -> None:
    doc = {
        "hosts": [IP("10.0.0.1"), IP("::1")],
        "net": IPNet("10.0.0.0/24"),
        "iface": IPInterface("10.0.0.5/24"),
        "stdlib": ipaddress.ip_address("192.0.2.1"),
        "n": 3,
        "none": None,
    }
    out = nj.dumps(doc)
    assert isinstance(out, bytes)
    assert out == (
        b'{"hosts":["10.0.0.1","::1"],"net":"10.0.0.0/24","iface":"10.0.0.5/24",'
        b'"stdlib":"192.0.2.1","n":3,"none":null}'
    )


def test_dumps_passes_orjson_options() -> None:
    doc = {"b": IP("10.0.0.2"), "a": IP("10.0.0.1")}
    assert nj.dumps(doc, option=orjson.OPT_SORT_KEYS) == b'{"a":"10.0.0.1","b":"10.0.0.2"}'
    assert nj.dumps([IP("::1")], option=orjson.OPT_INDENT_2) == b'[\n  "::1"\n]'
    with pytest.raises(TypeError):
        nj.dumps(doc, option="sorted")  # type: ignore[arg-type]


def test_dumps_rejects_unknown_objects() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        nj.dumps({"x": _Thing()})


# -- loads ------------------------------------------------------------------------------------
class Host(BaseModel):
    name: str
    ip: IP
    net: IPNet
    backup: Optional[IP] = None


def test_loads_without_a_type_is_orjson_loads() -> None:
    assert nj.loads(b'{"a": ["10.0.0.1", 1]}') == {"a": ["10.0.0.1", 1]}
    assert nj.loads('"10.0.0.1"') == "10.0.0.1"
    with pytest.raises(orjson.JSONDecodeError):
        nj.loads(b"{")


def test_loads_validates_into_list_of_ip() -> None:
    out = nj.loads(b'["10.0.0.1", "2001:DB8::1", "fe80::1%eth0"]', list[IP])
    assert out == [IP("10.0.0.1"), IP("2001:db8::1"), IP("fe80::1%eth0")]
    assert all(type(v) is IP for v in out)


def test_loads_validates_into_dicts_and_nested_types() -> None:
    nets = nj.loads('{"lan": "192.168.0.0/16", "v6": "2001:db8::/32"}', dict[str, IPNet])
    assert nets == {"lan": IPNet("192.168.0.0/16"), "v6": IPNet("2001:db8::/32")}
    by_ip = nj.loads(b'{"10.0.0.1": ["10.0.0.5/24"]}', dict[IP, list[IPInterface]])
    assert by_ip == {IP("10.0.0.1"): [IPInterface("10.0.0.5/24")]}
    assert nj.loads(b'["10.0.0.1", null]', list[Optional[IP]]) == [IP("10.0.0.1"), None]
    assert nj.loads(b'["::1"]', list[netx.IPv6]) == [IP("::1")]


def test_loads_validates_into_a_model() -> None:
    host = nj.loads(b'{"name": "a", "ip": "10.0.0.1", "net": "10.0.0.0/24"}', Host)
    assert host == Host(name="a", ip=IP("10.0.0.1"), net=IPNet("10.0.0.0/24"))
    assert host.backup is None


def test_loads_accepts_str_bytes_bytearray_memoryview() -> None:
    text = '["10.0.0.1"]'
    for data in (text, text.encode(), bytearray(text.encode()), memoryview(text.encode())):
        assert nj.loads(data, list[IP]) == [IP("10.0.0.1")]
        assert nj.loads(data) == ["10.0.0.1"]


@pytest.mark.parametrize(
    "data, kind, where",
    [
        (b'["10.0.0.1", "10.0.0.256"]', list[IP], (1,)),
        (b'["10.0.0.1", 167772161]', list[IP], (1,)),
        (b'{"a": "10.0.0.1/24"}', dict[str, IPNet], ("a",)),
        (b'["2001:db8::1"]', list[netx.IPv4], (0,)),
        (b'{"name": "a", "ip": "nope", "net": "10.0.0.0/24"}', Host, ("ip",)),
        (b'{"name": "a", "ip": "10.0.0.1", "net": "10.0.0.0/24", "backup": 5}', Host, ("backup",)),
    ],
)
def test_loads_rejects_bad_input_with_validation_error(data: bytes, kind: object, where: tuple) -> None:
    with pytest.raises(ValidationError) as info:
        nj.loads(data, kind)
    assert [e["loc"] for e in info.value.errors()] == [where]


def test_loads_rejects_broken_json_with_validation_error_when_typed() -> None:
    with pytest.raises(ValidationError) as info:
        nj.loads(b'["10.0.0.1"', list[IP])
    assert info.value.errors()[0]["type"] == "json_invalid"


def test_loads_handles_unhashable_type_forms() -> None:
    kind = Annotated[list[IP], Field(min_length=1)]
    assert nj.loads(b'["10.0.0.1"]', kind) == [IP("10.0.0.1")]
    with pytest.raises(ValidationError):
        nj.loads(b"[]", kind)


def test_loads_reuses_its_adapter() -> None:
    nj.loads(b'["10.0.0.1"]', list[IPNet])
    before = nj._adapter.cache_info().hits
    nj.loads(b'["10.0.0.0/8"]', list[IPNet])
    assert nj._adapter.cache_info().hits == before + 1


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.integers(0, 2**32 - 1), st.integers(2**32, 2**128 - 1)), max_size=20))
def test_dumps_loads_round_trip(ints: list[int]) -> None:
    ips = [IP(i) for i in ints]
    assert nj.loads(nj.dumps(ips), list[IP]) == ips
    nets = [ip.prefix(24 if ip.version == 4 else 64) for ip in ips]
    assert nj.loads(nj.dumps(nets), list[IPNet]) == nets


# -- Encoder ----------------------------------------------------------------------------------
def test_encoder_with_stdlib_json() -> None:
    doc = {"ip": IP("10.0.0.1"), "nets": [IPNet("10.0.0.0/8")], "std": ipaddress.ip_interface("::1/128")}
    assert json.dumps(doc, cls=nj.Encoder) == '{"ip": "10.0.0.1", "nets": ["10.0.0.0/8"], "std": "::1/128"}'
    assert json.dumps(doc, cls=nj.Encoder, sort_keys=True, indent=None).startswith('{"ip"')
    assert issubclass(nj.Encoder, json.JSONEncoder)
    assert json.loads(json.dumps(doc, cls=nj.Encoder)) == orjson.loads(nj.dumps(doc))
    with pytest.raises(TypeError, match="_Thing"):
        json.dumps({"x": _Thing()}, cls=nj.Encoder)
