"""Shared fixtures: a throwaway PostgreSQL server for the store tests, and store URLs per backend.

The server is started once per session (``initdb`` + ``pg_ctl`` on a Unix socket in a
temporary directory, see ``tests/_pgtest.py``); each test gets its own
schema, dropped afterwards. In CI (``CI`` set) a missing PostgreSQL is a failure;
elsewhere the PostgreSQL tests skip with the reason.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Iterator

import pytest

from _pgtest import PostgresUnavailable, TempPostgres


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL is required in CI: {reason}", pytrace=False)
    pytest.skip(f"no PostgreSQL: {reason}")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[TempPostgres]:
    """One throwaway PostgreSQL 15 server for the whole session."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable("psycopg is not installed (pip install 'netx[postgres]')")
    server = TempPostgres(fast=True)
    try:
        server.start()
    except PostgresUnavailable as exc:
        server.stop()
        _unavailable(str(exc))
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server: TempPostgres) -> Iterator[str]:
    """A ``postgresql://`` store URL with a schema of its own (dropped after the test)."""
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:16]}"
    yield f"{pg_server.url}&schema={schema}"
    with psycopg.connect(pg_server.url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A ``sqlite:////abs/path`` store URL on a fresh file."""
    return "sqlite:///" + (tmp_path / "ipam.db").as_posix()


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest) -> str:
    """Every kind of store."""
    if request.param == "memory":
        return "memory://"
    return str(request.getfixturevalue(f"{request.param}_url".replace("postgresql", "pg")))


@pytest.fixture(params=["sqlite", "postgresql"])
def durable_url(request: pytest.FixtureRequest) -> str:
    """Every durable kind of store."""
    return str(request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url"))
