"""Helpers for the CNI tests: run netx-ipam (in process or as a real process) and the real host-local.

``invoke`` runs ``netx.cni.plugin.run`` in this process (the same code the console
script runs, minus interpreter start-up); ``spawn`` runs the installed ``netx-ipam``
script; ``host_local`` runs ``/usr/lib/cni/host-local``.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from netx.cni.plugin import run

HOST_LOCAL = "/usr/lib/cni/host-local"
SCRIPT = shutil.which("netx-ipam", path=str(Path(sys.executable).parent)) or "netx-ipam"


def env(command: str, container: str = "c1", ifname: str = "eth0", **extra: str) -> dict[str, str]:
    """The CNI environment of one invocation (CNI_NETNS need not exist: IPAM plugins never enter it)."""
    out = {
        "CNI_COMMAND": command, "CNI_CONTAINERID": container, "CNI_NETNS": "/var/run/netns/test",
        "CNI_IFNAME": ifname, "CNI_PATH": "/usr/lib/cni",
    }
    out.update(extra)
    return {k: v for k, v in out.items() if v is not None}


def netconf(ipam: dict[str, Any], *, name: str = "testnet", version: str = "1.0.0", **top: Any) -> dict[str, Any]:
    """A network configuration as a runtime passes it to the IPAM plugin (the bridge plugin's config)."""
    return {"cniVersion": version, "name": name, "type": "bridge", "bridge": "cni0", "ipam": ipam, **top}


def _decode(status: int, stdout: str, stderr: str) -> tuple[int, Any]:
    try:
        body = json.loads(stdout) if stdout.strip() else None
    except ValueError:
        raise AssertionError(f"stdout is not JSON (status {status}): {stdout[:500]!r} stderr {stderr[:500]!r}") from None
    return status, body


def invoke(environ: dict[str, str], conf: Any) -> tuple[int, Any]:
    """netx-ipam in this process: ``(exit status, parsed stdout)``."""
    data = conf if isinstance(conf, bytes) else json.dumps(conf).encode()
    out, err = io.StringIO(), io.StringIO()
    status = run(environ, io.BytesIO(data), out, err)
    assert "Traceback" not in err.getvalue() + out.getvalue()
    return _decode(status, out.getvalue(), err.getvalue())


def _process(argv: list[str], environ: dict[str, str], conf: Any, timeout: float) -> tuple[int, Any]:
    data = conf if isinstance(conf, bytes) else json.dumps(conf).encode()
    base = {k: v for k, v in os.environ.items() if not k.startswith("CNI_")}
    proc = subprocess.run(argv, input=data, env={**base, **environ}, capture_output=True, timeout=timeout)
    stdout, stderr = proc.stdout.decode(), proc.stderr.decode()
    assert "Traceback" not in stderr + stdout, stderr
    return _decode(proc.returncode, stdout, stderr)


def spawn(environ: dict[str, str], conf: Any, timeout: float = 120) -> tuple[int, Any]:
    """The installed ``netx-ipam`` console script as a real process."""
    return _process([SCRIPT], environ, conf, timeout)


def host_local(environ: dict[str, str], conf: Any, timeout: float = 60) -> tuple[int, Any]:
    """The reference plugin, ``/usr/lib/cni/host-local``."""
    return _process([HOST_LOCAL], environ, conf, timeout)
