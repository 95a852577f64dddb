"""Every ``>>>`` example in README.md and docs/*.md runs, and prints what the page says."""

from __future__ import annotations

import doctest
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_BLOCK = re.compile(r"^```python[^\n]*\n(.*?)^```", re.S | re.M)


def _examples(page: Path) -> str:
    return "\n".join(block for block in _BLOCK.findall(page.read_text()) if ">>>" in block)


# Pages with Python examples (cli.md's shell sessions are run by tests/test_cli.py).
PAGES = [p for p in sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")]) if _examples(p)]


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_page_examples(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = _examples(page)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NETX_IPAM_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    test = doctest.DocTestParser().get_doctest(text, {"__name__": page.stem}, page.name, str(page), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {page.name} failed (see output above)"


def test_every_page_is_linked_from_the_index() -> None:
    index = (ROOT / "docs" / "index.md").read_text()
    for page in (ROOT / "docs").glob("*.md"):
        if page.name != "index.md":
            assert f"({page.name})" in index, f"docs/index.md does not link {page.name}"


def test_the_readme_and_every_area_page_have_examples() -> None:
    names = {p.name for p in PAGES}
    assert {"README.md", "index.md", "types.md", "sets.md", "json.md", "pydantic.md", "ipam.md", "stores.md",
            "prefixmap.md", "mac.md", "ipport.md"} <= names
