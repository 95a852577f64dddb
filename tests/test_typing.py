"""netx ships ``py.typed``: its own annotations must type-check, or users' mypy runs break."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_package_type_checks() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--ignore-missing-imports", "--no-error-summary",
         "--cache-dir", str(ROOT / ".mypy_cache"), "netx"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]


def test_py_typed_marker_is_shipped() -> None:
    assert (ROOT / "netx" / "py.typed").is_file()
    assert "py.typed" in (ROOT / "pyproject.toml").read_text()


def test_every_install_line_names_the_distribution() -> None:
    """The PyPI name ``netx`` is an unrelated project: netx installs as ``netx-ip`` (import ``netx``)."""
    import re
    import tomllib
    from importlib.metadata import distribution

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["name"] == "netx-ip"
    assert distribution("netx-ip").metadata["Name"] == "netx-ip"
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), *sorted((ROOT / "netx").rglob("*.py"))]
    lines = [line for page in pages for line in page.read_text().splitlines() if "pip install" in line]
    assert lines
    for line in lines:
        for target in re.findall(r"pip install (?:-q )?(?:-e )?('?[^\s`']+'?)", line):
            target = target.strip("'")
            assert target.startswith(("netx-ip", ".")), line  # the distribution, or a checkout (-e .)
