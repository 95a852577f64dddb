"""netx.MAC: forms, attributes, SLAAC, order, pickling; a differential against netaddr.EUI."""

from __future__ import annotations

import copy
import pickle
import random
import time

import netaddr
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import netx
from netx import IP, MAC, AddressError


def test_forms() -> None:
    want = MAC("00:1a:2b:3c:4d:5e")
    for text in ("00:1A:2B:3C:4D:5E", "00-1a-2b-3c-4d-5e", "00-1A-2B-3C-4D-5E", "001a.2b3c.4d5e",
                 "001A.2B3C.4D5E", "001a2b3c4d5e"):
        assert MAC(text) == want
    assert str(want) == "00:1a:2b:3c:4d:5e" and repr(want) == "MAC('00:1a:2b:3c:4d:5e')"
    assert want.bits == 48 and int(want) == 0x001A2B3C4D5E and want.packed == bytes.fromhex("001a2b3c4d5e")
    eui = MAC("00:1a:2b:3c:4d:5e:6f:70")
    for text in ("00-1a-2b-3c-4d-5e-6f-70", "001a.2b3c.4d5e.6f70", "001A2B3C4D5E6F70"):
        assert MAC(text) == eui
    assert eui.bits == 64 and str(eui) == "00:1a:2b:3c:4d:5e:6f:70"


def test_other_values() -> None:
    want = MAC("00:1a:2b:3c:4d:5e")
    assert MAC(0x001A2B3C4D5E) == want and MAC(bytes.fromhex("001a2b3c4d5e")) == want
    assert MAC(bytearray(want.packed)) == want and MAC(want) == want
    assert MAC(netaddr.EUI("00-1A-2B-3C-4D-5E")) == want and want.to_netaddr() == netaddr.EUI("00:1a:2b:3c:4d:5e")
    assert MAC(5, bits=64) == MAC("00:00:00:00:00:00:00:05") and MAC(5) != MAC(5, bits=64)
    assert MAC(eui := netaddr.EUI("00:1a:2b:3c:4d:5e:6f:70")) == MAC("001a2b3c4d5e6f70") and eui.version == 64
    with pytest.raises(AddressError, match="bits=64"):
        MAC(1 << 48)
    with pytest.raises(AddressError):
        MAC(-1)
    with pytest.raises(AddressError, match="EUI-48 address, not EUI-64"):
        MAC("00:1a:2b:3c:4d:5e", bits=64)
    with pytest.raises(AddressError, match="48 or 64"):
        MAC(1, bits=32)
    with pytest.raises(AddressError, match="7 bytes"):
        MAC(b"\x00" * 7)
    for bad in (None, 1.5, True, [1, 2]):
        with pytest.raises(TypeError):
            MAC(bad)


@pytest.mark.parametrize("text", [
    "", "00:1a:2b:3c:4d", "00:1a:2b:3c:4d:5e:", "00:1a-2b:3c:4d:5e", "00:1a:2b:3c:4d:5g", " 00:1a:2b:3c:4d:5e",
    "00:1a:2b:3c:4d:5e ", "0:1a:2b:3c:4d:5e0", "001a.2b3c.4d5", "001a:2b3c:4d5e", "00 1a 2b 3c 4d 5e",
    "001a2b3c4d5 ", "0x1a2b3c4d5e", "00:1a:2b:3c:4d:5e:6f", "٠٠:1a:2b:3c:4d:5e", "00_1a_2b_3c_4d_5e",
    "00:1a:2b:3c:4d:5e:6f:70:81",
])
def test_bad_strings_are_clear_errors(text: str) -> None:
    with pytest.raises(AddressError, match="invalid MAC address") as info:
        MAC(text)
    assert repr(text)[:40] in str(info.value)


def test_huge_strings_are_rejected_quickly() -> None:
    huge = "0" * 1_000_000
    start = time.perf_counter()
    with pytest.raises(AddressError, match=r"longer than 64 characters") as info:
        MAC(huge)
    assert len(str(info.value)) < 200 and time.perf_counter() - start < 0.1


def test_bits_and_identifiers() -> None:
    mac = MAC("00:1a:2b:3c:4d:5e")
    assert mac.oui == 0x001A2B and not mac.is_multicast and mac.is_unicast and mac.is_universal and not mac.is_local
    assert MAC("01:00:5e:00:00:fb").is_multicast and MAC("ff:ff:ff:ff:ff:ff").is_broadcast
    assert MAC("02:42:ac:11:00:02").is_local and not MAC("02:42:ac:11:00:02").is_universal
    assert mac.eui64() == MAC("02:1a:2b:ff:fe:3c:4d:5e") and mac.eui64().bits == 64
    assert mac.link_local() == IP("fe80::21a:2bff:fe3c:4d5e")
    assert mac.slaac("2001:db8:1:2::/64") == IP("2001:db8:1:2:21a:2bff:fe3c:4d5e")
    with pytest.raises(AddressError, match="/64"):
        mac.slaac("2001:db8::/48")
    assert MAC("02:1a:2b:3c:4d:5e:6f:70").eui64() == MAC("00:1a:2b:3c:4d:5e:6f:70")  # EUI-64: invert U/L


def test_format_styles() -> None:
    mac = MAC("00:1a:2b:3c:4d:5e")
    assert f"{mac}" == "00:1a:2b:3c:4d:5e" and f"{mac:-}" == "00-1a-2b-3c-4d-5e" and f"{mac:-X}" == "00-1A-2B-3C-4D-5E"
    assert f"{mac:.}" == "001a.2b3c.4d5e" and f"{mac:x}" == "001a2b3c4d5e" and f"{mac:X}" == "001A2B3C4D5E"
    assert f"{mac:>19}" == "  00:1a:2b:3c:4d:5e"
    for spec in ("", ":", "-", ".", "x", "-X", ".X"):
        assert MAC(format(mac, spec)) == mac


def test_order_hash_copy_pickle() -> None:
    macs = [MAC("00:00:00:00:00:02"), MAC(1, bits=64), MAC("00:00:00:00:00:01")]
    assert sorted(macs) == [MAC(1), MAC(2), MAC(1, bits=64)]  # EUI-48 before EUI-64, then by value
    assert len({MAC("00:1a:2b:3c:4d:5e"), MAC("00-1A-2B-3C-4D-5E")}) == 1
    assert MAC(1) != 1 and MAC(1).compare(MAC(2)) == -1
    mac = MAC("00:1a:2b:3c:4d:5e")
    assert copy.copy(mac) is mac and copy.deepcopy(mac) is mac
    assert pickle.loads(pickle.dumps(mac)) == mac
    with pytest.raises(AttributeError):
        mac.bits = 64  # type: ignore[misc]
    bad = pickle.dumps(MAC((1 << 48) - 1)).replace(b"\x30\x00", b"\x20\x00")  # bits 48 -> 32
    if bad != pickle.dumps(MAC((1 << 48) - 1)):
        with pytest.raises(AddressError):
            pickle.loads(bad)
    from netx._mac import _restore

    for args in (((1 << 48), 48), (-1, 64), ("5", 48), (1, 49)):
        with pytest.raises(AddressError):
            _restore(*args)


def test_json_text() -> None:
    mac = MAC("00:1a:2b:3c:4d:5e")
    assert mac.to_json() == '"00:1a:2b:3c:4d:5e"' and MAC.from_json('"001a.2b3c.4d5e"') == mac
    with pytest.raises(AddressError):
        MAC.from_json("5")


# -- differential against netaddr --------------------------------------------------------
def _forms(value: int, bits: int) -> list[str]:
    raw = value.to_bytes(bits // 8, "big")
    out = [raw.hex(":"), raw.hex("-"), raw.hex(".", 2), raw.hex()]
    return out + [t.upper() for t in out]


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**48 - 1) | st.integers(0, 2**64 - 1).map(lambda i: -i - 1))
def test_differential_every_form(value: int) -> None:
    bits = 48 if value >= 0 else 64
    value = value if value >= 0 else -value - 1
    mac = MAC(value, bits=bits)
    theirs = netaddr.EUI(value, version=bits)
    for text in _forms(value, bits):
        assert MAC(text) == mac
        if not _netaddr_misreads(text):
            assert int(netaddr.EUI(text)) == value and netaddr.EUI(text).version == bits
    assert mac.packed == theirs.packed
    assert mac.oui == int(theirs.packed[:3].hex(), 16)
    assert int(mac.eui64()) == int(theirs.modified_eui64())
    if bits == 48:
        assert mac.link_local() == IP(str(theirs.ipv6_link_local()))
    assert mac.is_multicast == bool(theirs.packed[0] & 1) and mac.is_local == bool(theirs.packed[0] & 2)


_ALPHABET = "0123456789abcdefABCDEFg:-. x"


def _netaddr_misreads(text: str) -> bool:
    """netaddr reads 16 bare decimal digits as a *decimal* integer ("0001000000000000" -> EUI-48
    00-00-e8-d4-a5-10); netx reads them as the hex EUI-64 they are. Not compared."""
    return len(text) == 16 and text.isdigit()


def test_netaddr_misreads_bare_decimal_eui64() -> None:
    assert MAC("0001000000000000") == MAC(0x0001000000000000, bits=64)
    assert int(netaddr.EUI("0001000000000000")) == 10**12  # the quirk the differential skips


@settings(max_examples=500, deadline=None)
@given(st.integers(0, 2**64 - 1), st.sampled_from([48, 64]), st.integers(0, 7), st.lists(st.tuples(st.integers(0, 30), st.sampled_from(_ALPHABET)), max_size=3))
def test_accepted_strings_are_accepted_by_netaddr_with_the_same_value(value: int, bits: int, form: int, edits: list[tuple[int, str]]) -> None:
    text = _forms(value & ((1 << bits) - 1), bits)[form]
    for at, char in edits:  # mutate: substitutions and insertions near the valid forms
        at %= len(text) + 1
        text = text[:at] + char + text[at + 1:] if at % 2 else text[:at] + char + text[at:]
    try:
        mine = MAC(text)
    except AddressError:
        return
    if _netaddr_misreads(text):
        return
    theirs = netaddr.EUI(text)
    assert (int(mine), mine.bits) == (int(theirs), theirs.version), text


def test_random_strings_of_every_form() -> None:
    rng = random.Random(3)
    for _ in range(2000):
        bits = rng.choice([48, 64])
        value = rng.getrandbits(bits)
        for text in _forms(value, bits):
            assert int(MAC(text)) == value
            if not _netaddr_misreads(text):
                assert int(netaddr.EUI(text)) == value


def test_public_name() -> None:
    assert netx.MAC is MAC and "MAC" in netx.__all__


# -- adapters: JSON, msgspec, pydantic (through MAC.__netx__) --------------------------------
def test_json_msgspec_pydantic() -> None:
    import jsonschema
    import msgspec
    from pydantic import BaseModel, ValidationError

    class Port(BaseModel):
        mac: MAC
        seen: list[MAC] = []

    p = Port(mac="00-1A-2B-3C-4D-5E", seen=[MAC(1), "001a.2b3c.4d5e"])
    assert p.mac == MAC("00:1a:2b:3c:4d:5e") and p.model_dump()["mac"] is p.mac
    assert p.model_dump_json() == '{"mac":"00:1a:2b:3c:4d:5e","seen":["00:00:00:00:00:01","00:1a:2b:3c:4d:5e"]}'
    assert Port.model_validate_json(p.model_dump_json()) == p
    with pytest.raises(ValidationError, match=r"invalid MAC address 'zz'.*type=mac_address"):
        Port(mac="zz")
    schema = Port.model_json_schema()["properties"]["mac"]
    for text in _forms(0x001A2B3C4D5E, 48) + _forms(0x001A2B3C4D5E6F70, 64):
        jsonschema.validate(text, schema)
    for bad in ("00:1a:2b:3c:4d", "00:1a-2b:3c:4d:5e", "zz"):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)
    assert netx.json.dumps({"m": MAC(1)}) == b'{"m":"00:00:00:00:00:01"}'
    assert msgspec.json.encode([MAC(1)], enc_hook=netx.json.enc_hook) == b'["00:00:00:00:00:01"]'
    assert msgspec.json.decode(b'["001a2b3c4d5e"]', type=list[MAC], dec_hook=netx.json.dec_hook) == [MAC(0x1A2B3C4D5E)]
    with pytest.raises(msgspec.ValidationError):
        msgspec.json.decode(b'["zz"]', type=list[MAC], dec_hook=netx.json.dec_hook)


@pytest.mark.parametrize("text", ["00 1a 2b 3c 4d5e", "001a2b3c4d 5e 6f", "00 1a.2b3c.4d5e", "00:1a:2b:3c:4d: e"])
def test_whitespace_never_shortens_a_form(text: str) -> None:
    with pytest.raises(AddressError):
        MAC(text)
