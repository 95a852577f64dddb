"""netx-ipam: a CNI IPAM plugin on netx's IPAM (a drop-in for host-local, on SQLite or PostgreSQL).

    netx-ipam                  the console script a runtime finds in CNI_PATH
    python -m netx.cni         the same
    netx.cni.main()            its entry point

See docs/cni.md for configuration, a full .conflist and the differences from host-local.
"""

from __future__ import annotations

from typing import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run one CNI invocation (environment + stdin -> stdout); returns the exit status."""
    from .plugin import main as _main

    return _main(argv)
