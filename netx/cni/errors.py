"""CNI errors: ``CNIError`` carries the spec's error code, message and details.

Codes 0-99 are the spec's (SPEC.md, "Error"); 100+ are netx-ipam's own, listed in docs/cni.md.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "CNIError",
    "INCOMPATIBLE_VERSION", "UNSUPPORTED_FIELD", "UNKNOWN_CONTAINER", "INVALID_ENV", "IO_FAILURE",
    "DECODING_FAILURE", "INVALID_CONFIG", "TRY_AGAIN_LATER", "NOT_AVAILABLE", "INTERNAL",
    "EXHAUSTED", "NOT_FOUND", "UNAVAILABLE_IP",
]

INCOMPATIBLE_VERSION = 1
UNSUPPORTED_FIELD = 2
UNKNOWN_CONTAINER = 3
INVALID_ENV = 4
IO_FAILURE = 5
DECODING_FAILURE = 6
INVALID_CONFIG = 7
TRY_AGAIN_LATER = 11
"""The store is busy or unreachable (a ``netx.ipam.StoreError``): a retry may succeed."""
NOT_AVAILABLE = 50
"""STATUS: no address left in some range set, or the store is unreachable."""
INTERNAL = 999
"""An unexpected failure (the runtime's generic code, as host-local uses for every plain error)."""

EXHAUSTED = 100
"""ADD: a range set has no free address."""
NOT_FOUND = 101
"""CHECK: the attachment holds no address in a range set."""
UNAVAILABLE_IP = 102
"""ADD: a requested address (``ips``, ``IP=``) is taken, reserved or outside every range set."""


class CNIError(Exception):
    """A CNI error result: ``{"cniVersion", "code", "msg", "details"}`` on stdout, exit status 1."""

    def __init__(self, code: int, msg: str, details: str = "") -> None:
        super().__init__(msg)
        self.code = code
        self.msg = msg
        self.details = details

    def to_dict(self, cni_version: str) -> dict[str, Any]:
        out: dict[str, Any] = {"cniVersion": cni_version, "code": self.code, "msg": self.msg}
        if self.details:
            out["details"] = self.details
        return out

    def __repr__(self) -> str:
        return f"CNIError({self.code}, {self.msg!r}, {self.details!r})"
