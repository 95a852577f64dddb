"""Store URLs: parse ``memory://``, ``sqlite:///...`` and ``postgresql://...``, and find the default store.

``None`` means the ``NETX_IPAM_URL`` environment variable, else a SQLite file in the
user's data directory (created on demand), so a bare ``netx.ipam.open()`` just works.
"""

from __future__ import annotations

import math
import os
import re
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from ..._errors import shorten
from ..errors import IPAMError

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["StoreURL", "parse_url", "default_url", "sqlite_url", "env_url", "data_dir", "mask_url", "ENV_VAR",
           "DEFAULT_TIMEOUT"]

ENV_VAR = "NETX_IPAM_URL"
DEFAULT_TIMEOUT = 30.0
"""Seconds a call waits for a lock (or a connection) before raising ``StoreError``; ``?timeout=SECONDS`` changes it."""
_MAX_TIMEOUT = 86400.0
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")
_KINDS = {"memory": "memory", "sqlite": "sqlite", "postgresql": "postgresql", "postgres": "postgresql"}


class StoreURL(NamedTuple):
    """A checked store URL: its kind (memory, sqlite, postgresql) and what that kind needs.

    (NamedTuples, not dataclasses, on the path that opens a store: importing ``dataclasses``
    pulls in ``inspect``, which costs a short-lived process such as the CNI plugin more than its work.)"""

    url: str
    kind: str
    path: str | None = None  # sqlite: file path as given (relative to the cwd at open time)
    conninfo: str | None = None  # postgresql: the libpq URL without netx's own parameters
    schema: str | None = None  # postgresql: the schema holding netx's tables
    timeout: float | None = None  # sqlite, postgresql: the longest wait for a lock, in seconds (None: default)


def data_dir() -> Path:
    """The per-user directory netx keeps data in (``platformdirs``: XDG on Linux, Application Support on
    macOS, LOCALAPPDATA on Windows)."""
    from platformdirs import user_data_path

    return user_data_path("netx", appauthor=False)


def env_url() -> str | None:
    """``$NETX_IPAM_URL`` if it is set and not blank."""
    return os.environ.get(ENV_VAR, "").strip() or None


def default_url(*, create: bool = True) -> str:
    """``$NETX_IPAM_URL``, else ``sqlite:///`` + the data directory's ``ipam.db`` (the directory is created
    when ``create``)."""
    env = env_url()
    if env:
        return env
    directory = data_dir()
    if create:
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise IPAMError(f"cannot create the IPAM data directory {str(directory)!r}: {exc.strerror or exc}") from exc
    return sqlite_url((directory / "ipam.db").as_posix())


def sqlite_url(path: str) -> str:
    """The ``sqlite:///`` URL of a file path: ``%``, ``?`` and ``#`` in it are the name's, quoted (and
    the undecodable bytes of a name, as the OS has them); ``_parse_sqlite`` gives the path back."""
    return "sqlite:///" + quote(path, errors="surrogateescape")


def _shown(url: str) -> str:
    """A URL as error messages quote it: shortened, its password masked."""
    return shorten(mask_url(url)) if "://" in url else shorten(url)


def parse_url(url: object) -> StoreURL:
    """Check a store URL and split it into what its backend needs; anything unusable raises ``IPAMError``."""
    if not isinstance(url, str):
        raise TypeError(f"store URL must be a str, not {type(url).__name__}")
    scheme, sep, rest = url.partition("://")
    kind = _KINDS.get(scheme.lower()) if sep else None
    if kind is None:
        hint = ""
        if not sep and url.endswith((".db", ".sqlite", ".sqlite3")):
            hint = f" (for this SQLite file: sqlite:///{url})"
        raise IPAMError(
            f"unsupported IPAM store URL {_shown(url)}: "
            f"use memory://, sqlite:///relative.db, sqlite:////absolute/path.db or postgresql://...{hint}"
        )
    if kind == "memory":
        if rest:
            raise IPAMError(f"invalid IPAM store URL {_shown(url)}: memory:// takes no path or options")
        return StoreURL(url, "memory")
    if kind == "sqlite":
        return _parse_sqlite(url, rest)
    return _parse_postgres(url)


def _timeout(url: str, value: str) -> float:
    """The ``timeout`` option: seconds, a positive number of at most a day."""
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not (0 < seconds <= _MAX_TIMEOUT):
        raise IPAMError(
            f"invalid timeout {shorten(value)} in IPAM store URL {mask_url(url)}: seconds, more than 0 and at most"
            f" {_MAX_TIMEOUT:g}"
        )
    return seconds


def _parse_sqlite(url: str, rest: str) -> StoreURL:
    rest, _, options = rest.partition("?")
    timeout = None
    if options:
        query = parse_qsl(options, keep_blank_values=True)
        if not query or any(key != "timeout" for key, _ in query) or len(query) > 1:
            raise IPAMError(f"invalid IPAM store URL {_shown(url)}: the only sqlite option is ?timeout=SECONDS")
        timeout = _timeout(url, query[0][1])
    if "#" in rest:
        raise IPAMError(f"invalid IPAM store URL {_shown(url)}: '#' in a sqlite URL (quote it as %23)")
    if not rest.startswith("/"):
        raise IPAMError(
            f"invalid IPAM store URL {_shown(url)}: a sqlite URL has no host; "
            "use sqlite:///relative.db or sqlite:////absolute/path.db"
        )
    path = unquote(rest[1:], errors="surrogateescape")  # %FF: that byte of a file name, as the OS has it
    if not path or path.endswith("/"):
        raise IPAMError(f"invalid IPAM store URL {_shown(url)}: no database file; use sqlite:///relative.db or sqlite:////absolute/path.db")
    if "\x00" in path:
        raise IPAMError(f"invalid IPAM store URL {_shown(url)}: NUL character in the path")
    if path == ":memory:" or path.startswith("file:"):
        raise IPAMError(
            f"invalid IPAM store URL {_shown(url)}: a SQLite in-memory or URI database is not durable and not"
            " shared between calls; use memory:// for pools in this process only"
        )
    return StoreURL(url, "sqlite", path=path, timeout=timeout)


def _parse_postgres(url: str) -> StoreURL:
    try:
        parts = urlsplit(url)
        query = parse_qsl(parts.query, keep_blank_values=True, strict_parsing=False)
    except ValueError as exc:
        raise IPAMError(f"invalid IPAM store URL {mask_url(url)}: {exc}") from exc
    schema = "netx"
    timeout = None
    kept = []
    for key, value in query:
        if key == "schema":
            schema = value
        elif key == "timeout":
            timeout = _timeout(url, value)
        else:
            kept.append((key, value))
    if not _IDENT.fullmatch(schema):
        raise IPAMError(f"invalid schema {shorten(schema)} in IPAM store URL: use letters, digits and '_' (at most 63, not starting with a digit)")
    conninfo = parts._replace(scheme="postgresql", query=urlencode(kept)).geturl()
    return StoreURL(url, "postgresql", conninfo=conninfo, schema=schema, timeout=timeout)


_SECRETS = ("password", "sslpassword")  # libpq parameters that hold a secret


def mask_url(url: str) -> str:
    """The URL with any password replaced by ``***`` (for messages and ``repr``), however it is written: the
    password of ``user:password@`` may hold '/', '?' or '@' (an invalid URL is shown in messages too)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return shorten(url)
    at = rest.rfind("@")
    if at >= 0 and ":" in rest[:at]:
        rest = f"{rest[:at].split(':', 1)[0]}:***{rest[at:]}"
    out = f"{scheme}{sep}{rest}"
    query_at = out.find("?")
    if query_at >= 0 and "password=" in out[query_at:].lower():
        head, query = out[:query_at], out[query_at + 1 :]
        query = "&".join(
            (f"{p.split('=', 1)[0]}=***" if p.split("=", 1)[0].lower() in _SECRETS else p) for p in query.split("&")
        )
        out = f"{head}?{query}"
    return out
