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
