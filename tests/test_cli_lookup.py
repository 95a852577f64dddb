"""``netx lookup`` (longest-prefix match over a file of CIDRs) and ``netx parse`` on MACs and endpoints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from netx.cli import cli


def run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin)


@pytest.fixture
def routes(tmp_path: Path) -> str:
    path = tmp_path / "routes.txt"
    path.write_text(
        "# a routing table\n"
        "0.0.0.0/0     internet\n"
        "10.0.0.0/8    corp\n"
        "10.1.0.0/16\tlab east   # a tab, then a value with a space\n"
        "\n"
        "10.1.2.0/24\n"
        "2001:db8::/32 doc\n"
    )
    return str(path)


def test_lookup_text(routes: str) -> None:
    result = run("lookup", routes, "10.1.2.3", "10.1.9.9", "10.200.0.1", "8.8.8.8", "2001:db8::1", "::1", "10.1.0.0/17")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "address      prefix         value\n"
        "10.1.2.3     10.1.2.0/24    -\n"
        "10.1.9.9     10.1.0.0/16    lab east\n"
        "10.200.0.1   10.0.0.0/8     corp\n"
        "8.8.8.8      0.0.0.0/0      internet\n"
        "2001:db8::1  2001:db8::/32  doc\n"
        "::1          -              -\n"
        "10.1.0.0/17  10.1.0.0/16    lab east\n"
    )


def test_lookup_json_and_stdin(routes: str) -> None:
    result = run("lookup", routes, "-o", "json", stdin="10.1.2.3\n\n# skipped\n::1\n")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [
        {"address": "10.1.2.3", "prefix": "10.1.2.0/24", "value": None},
        {"address": "::1", "prefix": None, "value": None},
    ]


def test_lookup_errors(routes: str, tmp_path: Path) -> None:
    result = run("lookup", routes, "10.0.0.256")
    assert result.exit_code == 1 and "invalid IP address '10.0.0.256'" in result.output
    bad = tmp_path / "bad.txt"
    bad.write_text("10.0.0.0/8 ok\n\n10.0.0.1/8 host bits\n")
    result = run("lookup", str(bad), "10.0.0.1")
    assert result.exit_code == 1 and "bad.txt, line 3: invalid IP network '10.0.0.1/8': host bits set" in result.output
    result = run("lookup", str(tmp_path / "missing.txt"), "10.0.0.1")
    assert result.exit_code == 2  # a usage error: click names the missing file
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\xff\xfe10.0.0.0/8\n")
    result = run("lookup", str(binary), "10.0.0.1")
    assert result.exit_code == 1 and "not UTF-8" in result.output


def test_lookup_reads_files_with_a_byte_order_mark(tmp_path: Path) -> None:
    """A table or an address list from a Windows editor (UTF-8 with a byte order mark, CRLF) reads as its text;
    the mark made line 1 an invalid network (or address)."""
    table = tmp_path / "bom.txt"
    table.write_bytes("\ufeff10.0.0.0/8 corp\r\n2001:db8::/32 doc\r\n".encode())
    addresses = "\ufeff10.1.2.3\r\n2001:db8::9\r\n".encode()
    result = CliRunner().invoke(cli, ["lookup", str(table), "-o", "json"], input=addresses)
    assert result.exit_code == 0, result.output
    answers = [(a["address"], a["value"]) for a in json.loads(result.output)]
    assert answers == [("10.1.2.3", "corp"), ("2001:db8::9", "doc")]
    result = CliRunner().invoke(cli, ["lookup", "-", "10.9.9.9"], input="\ufeff10.0.0.0/8 corp\n".encode())
    assert result.exit_code == 0 and result.output.splitlines()[1].split() == ["10.9.9.9", "10.0.0.0/8", "corp"]


def test_lookup_values_are_the_rest_of_the_line(tmp_path: Path) -> None:
    """A value is the rest of its line as written: its tabs stay tabs (they became spaces)."""
    table = tmp_path / "t.txt"
    table.write_text("10.0.0.0/8\tsite\track 4  row 2\n10.1.0.0/16 \t a\tb \n")
    result = run("lookup", str(table), "10.9.9.9", "10.1.2.3", "-o", "json")
    assert [a["value"] for a in json.loads(result.output)] == ["site\track 4  row 2", "a\tb"]


def test_parse_a_range_with_a_dash_in_a_zone() -> None:
    """A range IPRange takes is a range to parse too, also when a zone holds a '-' (it was an address error)."""
    result = run("parse", "fe80::1-fe80::5%br-0", "-o", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["kind"] == "range" and json.loads(result.output)["size"] == 5
    assert json.loads(run("parse", "00-1A-2B-3C-4D-5E", "-o", "json").output)["kind"] == "mac"


def test_parse_mac() -> None:
    result = run("parse", "00-1A-2B-3C-4D-5E", "-o", "json")
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    assert info["kind"] == "mac" and info["canonical"] == "00:1a:2b:3c:4d:5e" and info["oui"] == "00:1a:2b"
    assert info["link_local"] == "fe80::21a:2bff:fe3c:4d5e" and info["multicast"] is False
    assert json.loads(run("parse", "001a.2b3c.4d5e.6f70", "-o", "json").output)["bits"] == 64
    text = run("parse", "02:42:ac:11:00:02").output
    assert "kind        mac\n" in text and "local       yes\n" in text


def test_parse_endpoints() -> None:
    info = json.loads(run("parse", "[fe80::1%eth0]:22", "-o", "json").output)
    assert info == {"input": "[fe80::1%eth0]:22", "kind": "endpoint", "version": 6, "canonical": "[fe80::1%eth0]:22",
                    "address": "fe80::1%eth0", "port": 22, "zone": "eth0"}
    assert json.loads(run("parse", "10.0.0.1:0080", "-o", "json").output)["canonical"] == "10.0.0.1:80"


@pytest.mark.parametrize("bad, message", [
    ("10.0.0.1:99999", "invalid IP:port '10.0.0.1:99999': port '99999' is out of range"),
    ("[10.0.0.1]:80", "square brackets are only for IPv6"),
    ("00:1a:2b:3c:4d:5e:6f", "invalid MAC address"),
    ("00-1a-2b-3c-4d-5e-6", "invalid MAC address"),
    ("foo", "invalid IP address 'foo'"),
    ("10.0.0.9-10.0.0.1", "invalid IP range"),
])
def test_parse_bad_values(bad: str, message: str) -> None:
    result = run("parse", bad)
    assert result.exit_code == 1 and message in result.output, result.output


def test_lookup_text_escapes_control_characters(tmp_path: Path) -> None:
    table = tmp_path / "t.txt"
    table.write_text("10.0.0.0/8 evil\x1b[31mred\n")
    result = run("lookup", str(table), "10.1.1.1")
    assert result.exit_code == 0 and "\x1b" not in result.output and "evil\\e[31mred" in result.output
    assert json.loads(run("lookup", str(table), "10.1.1.1", "-o", "json").output)[0]["value"] == "evil\x1b[31mred"


def test_lookup_streams_its_answers(routes: str) -> None:
    """Answers are printed as the addresses come (text: after the first 1,000 rows size the columns), so a
    bad address late in a long stdin stops the run there, after the answers before it."""
    good = [f"10.1.{i // 256}.{i % 256}" for i in range(2_500)]
    result = run("lookup", routes, stdin="\n".join([*good, "10.0.0.256", "10.0.0.1"]) + "\n")
    assert result.exit_code == 1 and "10.0.0.256" in result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1 + 2_500 and lines[1].split()[:2] == ["10.1.0.0", "10.1.0.0/16"]
    result = run("lookup", routes, "-o", "json", stdin="\n".join(good) + "\n")
    assert result.exit_code == 0 and [a["address"] for a in json.loads(result.stdout)] == good
