"""Run CPython's own Lib/test/test_ipaddress.py with netx answering its factories.

The test module gets a proxy ``ipaddress`` whose ``ip_address`` / ``ip_network`` /
``ip_interface`` return netx values and whose ``collapse_addresses`` /
``summarize_address_range`` are netx's drop-ins; everything else is the real module (netx
keeps the real one). Prints one JSON object: the ids of failed and errored tests, and the count run.
Used by tests/test_peer_ipaddress.py; also runnable by hand.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import json
import sys
import types
import unittest
from pathlib import Path

import netx


def stdlib_test_file() -> Path | None:
    """The running Python's own test_ipaddress.py (the ``test`` package), if installed."""
    spec = importlib.util.find_spec("test.test_ipaddress")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin)


def proxy() -> types.ModuleType:
    module = types.ModuleType("ipaddress", "ipaddress with netx's factories")
    module.__dict__.update({k: v for k, v in vars(ipaddress).items() if not k.startswith("__")})
    module.ip_address = netx.IP  # type: ignore[attr-defined]
    module.ip_network = netx.IPNet  # type: ignore[attr-defined]
    module.ip_interface = netx.IPInterface  # type: ignore[attr-defined]
    module.collapse_addresses = netx.collapse_addresses  # type: ignore[attr-defined]  # the drop-ins
    module.summarize_address_range = netx.summarize_address_range  # type: ignore[attr-defined]
    return module


def load(path: Path) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location("netx_peer_test_ipaddress", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    real = sys.modules["ipaddress"]
    sys.modules["ipaddress"] = proxy()
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules["ipaddress"] = real
    return module


def main() -> None:
    path = stdlib_test_file()
    if path is None:
        print(json.dumps({"missing": True}))
        return
    suite = unittest.defaultTestLoader.loadTestsFromModule(load(path))
    result = unittest.TestResult()
    suite.run(result)
    short = lambda test: test.id().removeprefix("netx_peer_test_ipaddress.")  # noqa: E731
    print(json.dumps({
        "path": str(path),
        "run": result.testsRun,
        "failed": sorted(short(t) for t, _ in result.failures + result.errors),
        "details": {short(t): tb.strip().splitlines()[-1][:300] for t, tb in result.failures + result.errors},
    }))


if __name__ == "__main__":
    main()
