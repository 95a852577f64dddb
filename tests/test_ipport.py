"""netx.IPPort: Go's netip.AddrPort grammar, errors, order, pickling, sockets."""

from __future__ import annotations

import copy
import ipaddress
import pickle
import socket
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import netx
from netx import IP, AddressError, IPPort


def test_forms() -> None:
    p = IPPort("10.0.0.1:80")
    assert p.ip == IP("10.0.0.1") and p.port == 80 and p.version == 4
    assert str(p) == "10.0.0.1:80" and repr(p) == "IPPort('10.0.0.1:80')"
    q = IPPort("[2001:DB8::1]:443")
    assert q.ip == IP("2001:db8::1") and q.port == 443 and str(q) == "[2001:db8::1]:443"
    z = IPPort("[fe80::1%eth0]:22")
    assert z.ip.zone == "eth0" and str(z) == "[fe80::1%eth0]:22"
    assert str(IPPort("[::ffff:10.0.0.1]:8080")) == f"[{IP('::ffff:10.0.0.1')}]:8080"  # mapped is IPv6
    assert IPPort("0.0.0.0:0").port == 0 and IPPort("[::]:65535").port == 65535
    assert IPPort("10.0.0.1:0080") == IPPort("10.0.0.1:80")  # leading zeros, as Go's ParseAddrPort


def test_two_argument_and_other_forms() -> None:
    want = IPPort("10.0.0.1:80")
    assert IPPort("10.0.0.1", 80) == want and IPPort(IP("10.0.0.1"), 80) == want
    assert IPPort(ipaddress.ip_address("10.0.0.1"), 80) == want and IPPort(0x0A000001, 80) == want
    assert IPPort(want) == want and IPPort(("10.0.0.1", 80)) == want
    assert IPPort(("fe80::1%eth0", 22, 0, 2)) == IPPort("[fe80::1%eth0]:22")  # an AF_INET6 socket address
    assert want.to_tuple() == ("10.0.0.1", 80)
    with pytest.raises(AddressError, match="out of range"):
        IPPort("10.0.0.1", 65536)
    with pytest.raises(AddressError, match="out of range"):
        IPPort("10.0.0.1", -1)
    with pytest.raises(TypeError):
        IPPort("10.0.0.1", True)
    with pytest.raises(TypeError):
        IPPort("10.0.0.1", "80")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        IPPort(3.5)
    with pytest.raises(TypeError, match="use its .ip"):
        IPPort(want, 81)
    with pytest.raises(AddressError):
        IPPort("10.0.0.256", 80)


@pytest.mark.parametrize("text, reason", [
    ("2001:db8::1", "bare IPv6 address"),
    ("2001:db8:1", "square brackets"),
    ("[10.0.0.1]:80", "only for IPv6"),
    ("10.0.0.1", "no ':port'"),
    ("10.0.0.1:", "no port"),
    (":80", "no address"),
    ("[::1]", "no ':port'"),
    ("[::1:80", "missing ']'"),
    ("[::1]80", "no ':port' after ']'"),
    ("10.0.0.1:65536", "out of range"),
    ("10.0.0.1:99999999999999999999", "out of range"),
    ("10.0.0.1:+80", "not a decimal number"),
    ("10.0.0.1: 80", "not a decimal number"),
    ("10.0.0.1:８０", "not a decimal number"),
    ("10.0.0.01:80", "invalid IP address"),
    ("[fe80::1%]:22", "zone"),
    ("", "no ':port'"),
])
def test_bad_text_is_a_clear_error(text: str, reason: str) -> None:
    with pytest.raises(AddressError, match="invalid IP:port") as info:
        IPPort(text)
    assert reason in str(info.value) and repr(text)[:30] in str(info.value)


def test_huge_strings_are_rejected_quickly() -> None:
    huge = "1" * 1_000_000 + ":80"
    start = time.perf_counter()
    with pytest.raises(AddressError, match="longer than") as info:
        IPPort(huge)
    assert len(str(info.value)) < 200 and time.perf_counter() - start < 0.1


def test_order_equality_hash() -> None:
    items = [IPPort("[::1]:1"), IPPort("10.0.0.2:1"), IPPort("10.0.0.1:443"), IPPort("10.0.0.1:80"), IPPort("[fe80::1%a]:5")]
    assert [str(p) for p in sorted(items)] == ["10.0.0.1:80", "10.0.0.1:443", "10.0.0.2:1", "[::1]:1", "[fe80::1%a]:5"]
    assert IPPort("10.0.0.1:80") != IPPort("10.0.0.1:81") and IPPort("10.0.0.1:80") != "10.0.0.1:80"
    assert IPPort("[fe80::1%a]:5") != IPPort("[fe80::1%b]:5")
    assert len({IPPort("10.0.0.1:80"), IPPort("10.0.0.1", 80)}) == 1
    with pytest.raises(TypeError):
        IPPort("10.0.0.1:80") < IP("10.0.0.1")  # type: ignore[operator]


def test_immutable_copy_pickle_validates() -> None:
    p = IPPort("[fe80::1%eth0]:22")
    assert copy.copy(p) is p and copy.deepcopy(p) is p
    assert pickle.loads(pickle.dumps(p)) == p
    with pytest.raises(AttributeError):
        p.port = 1  # type: ignore[misc]
    bad = pickle.dumps(IPPort("10.0.0.1:80")).replace(b"10.0.0.1:80", b"10.0.0.1:99")
    assert pickle.loads(bad) == IPPort("10.0.0.1:99")
    bad = pickle.dumps(IPPort("10.0.0.1:80")).replace(b"10.0.0.1:80", b"10.0.0.1:8x")
    with pytest.raises(AddressError):
        pickle.loads(bad)


def test_json_text() -> None:
    p = IPPort("[2001:db8::1]:443")
    assert p.to_json() == '"[2001:db8::1]:443"' and IPPort.from_json(b'"[2001:db8::1]:443"') == p
    with pytest.raises(AddressError):
        IPPort.from_json("443")


def test_works_with_real_sockets() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(IPPort("127.0.0.1:0").to_tuple())
        server.listen(1)
        bound = IPPort(server.getsockname())
        assert bound.ip == IP("127.0.0.1") and bound.port > 0
        with socket.create_connection(bound.to_tuple(), timeout=5) as client:
            assert IPPort(client.getpeername()) == bound


# -- round trips and the Go grammar on random values ----------------------------------------
addresses = st.integers(0, 2**32 - 1).map(lambda i: IP(i, version=4)) | st.integers(0, 2**128 - 1).map(lambda i: IP(i, version=6))


@settings(max_examples=300, deadline=None)
@given(addresses, st.integers(0, 65535))
def test_round_trip(ip: IP, port: int) -> None:
    p = IPPort(ip, port)
    text = str(p)
    assert IPPort(text) == p and str(IPPort(text)) == text
    assert (text.startswith("[") and text.endswith(f"]:{port}")) == (ip.version == 6)
    host, _, port_text = text.rpartition(":")  # what Go's SplitHostPort would give
    assert int(port_text) == port and IP(host.strip("[]")) == ip


def test_public_name() -> None:
    assert netx.IPPort is IPPort and "IPPort" in netx.__all__


# -- adapters: JSON, msgspec, pydantic (through IPPort.__netx__) -----------------------------
def test_pydantic_endpoint_lists() -> None:
    import jsonschema
    import msgspec
    from pydantic import BaseModel, ValidationError

    class Upstreams(BaseModel):
        listen: IPPort
        backends: list[IPPort]

    u = Upstreams(listen=("0.0.0.0", 8080), backends=["10.0.0.1:80", "[2001:db8::1]:80", IPPort("10.0.0.2", 80)])
    assert u.listen == IPPort("0.0.0.0:8080") and sorted(u.backends)[0] == IPPort("10.0.0.1:80")
    text = u.model_dump_json()
    assert text == '{"listen":"0.0.0.0:8080","backends":["10.0.0.1:80","[2001:db8::1]:80","10.0.0.2:80"]}'
    assert Upstreams.model_validate_json(text) == u
    with pytest.raises(ValidationError, match=r"backends\.1\n.*bare IPv6 address.*type=ip_port"):
        Upstreams(listen="0.0.0.0:1", backends=["10.0.0.1:80", "2001:db8::1"])
    schema = Upstreams.model_json_schema()
    jsonschema.validate(u.model_dump(mode="json"), schema)
    for bad in ("10.0.0.1", "2001:db8::1:80", "[::1]"):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({"listen": bad, "backends": []}, schema)
    jsonschema.validate({"listen": "[fe80::1%eth0]:22", "backends": []}, schema)
    for port in ("0", "80", "00080", "000000000080", "65535", "065535", "9999", "65536", "65540", "99999", "100000",
                 "070000", "1" * 12):  # the schema's port agrees with the parser (zero-padded ports included)
        text = f"10.0.0.1:{port}"
        try:
            IPPort(text)
        except netx.AddressError:
            with pytest.raises(jsonschema.ValidationError):
                jsonschema.validate({"listen": text, "backends": []}, schema)
        else:
            jsonschema.validate({"listen": text, "backends": []}, schema)
    assert netx.json.dumps([IPPort("[::1]:53")]) == b'["[::1]:53"]'
    assert msgspec.json.decode(b'["[::1]:53"]', type=list[IPPort], dec_hook=netx.json.dec_hook) == [IPPort("[::1]:53")]
