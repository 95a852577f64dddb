"""Export and import a store's pools as JSON: backups, and moves between backends.

``export_store(store, names=None)`` returns one JSON-ready ``dict``::

    {"format": "netx-ipam-export", "version": 1,
     "pools": [{"name": "lan", "kind": "address",
                "spec": {"format": 1, "ranges": ["10.0.0.0/24"], "reserve": [], "gateway": null,
                         "strategy": "lowest"},
                "state": {"round_robin.4": "167772165"},
                "allocations": [["10.0.0.1", "web-1"], ["10.0.0.2", null],
                                ["10.0.0.3", "phone", "2026-12-01T09:40:00+00:00"]]}, ...]}

(``kind`` ``"subnet"``: allocations are CIDRs; a lease has a third element, its expiry in
RFC 3339 UTC). Each pool is read in one consistent snapshot. ``import_store(store, data,
names=None)`` recreates exactly that: the same pools, definitions, owners, lease expiries
and strategy state (the next ``round_robin`` call continues where the exported store
would have), all or nothing. A pool name the store already holds is a conflict: nothing
is imported and ``ImportConflict`` names them all. ``write_export(store, out, names=None)``
writes the JSON text of an export without holding it (what ``netx export`` runs).
"""

from __future__ import annotations

from datetime import datetime, timezone
from itertools import islice
from typing import TYPE_CHECKING, Any, BinaryIO, Callable, Iterable, Iterator

import orjson

from .._errors import NetxError, shorten
from ._base import LEASES, STATE_KEYS, state_problem
from .errors import IPAMError, PoolExists, PoolNotFound

if TYPE_CHECKING:
    from ._state import Span
    from .pool import Pool
    from .store.base import Store
    from .subnet import SubnetPool

__all__ = ["export_store", "write_export", "import_store", "dumps", "loads", "ImportConflict", "FORMAT", "VERSION"]

FORMAT = "netx-ipam-export"
VERSION = 1


class ImportConflict(PoolExists):
    """``import_store`` found pools of the same names in the target store (``names``); nothing was imported."""

    names: list[str] | None

    def __init__(self, message: str, *, names: list[str] | None = None) -> None:
        super().__init__(message, pool=None if not names else names[0])
        self.names = names


ImportConflict.__module__ = "netx.ipam"


def _state_items(pool: Pool | SubnetPool) -> dict[str, str]:
    """The pool's extension state (strategy state such as round-robin cursors), read in the open transaction."""
    return dict(sorted(pool._state.ext_items().items()))


def _allocation(pool: Pool | SubnetPool, span: Span) -> list[str | None]:
    """One allocation as exported: ``[item, owner]``, and for a lease its expiry (RFC 3339, UTC) third."""
    entry = [str(pool._item(span)), span.owner]
    if span.expires is not None:
        entry.append(datetime.fromtimestamp(span.expires, timezone.utc).isoformat())
    return entry


def _expiry(text: str) -> float | None:
    """The epoch seconds of an exported expiry (RFC 3339 with an offset), None when it is not one."""
    try:
        when = datetime.fromisoformat(text) if len(text) <= 64 else None
    except ValueError:
        return None
    return None if when is None or when.tzinfo is None else when.timestamp()


def _each_pool(store: Store, names: Iterable[str] | None, visit: Callable[[str, Pool | SubnetPool], None]) -> None:
    """Call ``visit(name, pool)`` for the pools to export, in order, each inside its own read-only
    transaction (one snapshot per pool; a corrupt row read there is reported as the store's).
    Every named pool must exist; for the whole store, one deleted meanwhile is skipped."""
    kinds = store.pool_kinds()
    wanted = list(kinds) if names is None else list(dict.fromkeys(names))
    missing = [name for name in wanted if name not in kinds]
    if missing:
        raise IPAMError(f"no pool named {', '.join(shorten(n) for n in missing)} in this store: nothing exported")
    for name in wanted:
        try:
            pool = store.get(name)
            with pool._state.transaction(readonly=True):
                visit(name, pool)
        except PoolNotFound:
            if names is not None:
                raise
            continue  # the whole store: a pool another process deleted meanwhile is not in it any more


def _head(name: str, pool: Pool | SubnetPool, allocations: Any) -> dict[str, Any]:
    """A pool's export entry (read in its open transaction), with ``allocations`` as given."""
    from .subnet import SubnetPool

    return {
        "name": name,
        "kind": "subnet" if isinstance(pool, SubnetPool) else "address",
        "spec": orjson.loads(pool.spec.to_json()),
        "state": _state_items(pool),
        "allocations": allocations,
    }


def _allocations(pool: Pool | SubnetPool) -> Iterator[list[str | None]]:
    """The pool's live allocations as exported, in key order, read lazily in the open transaction."""
    now = pool._clock()  # (as Pool._live, lazily: expired leases are not allocations)
    return (_allocation(pool, span) for span in pool._state.alloc_iter() if now is None or not span.expired(now))


def export_store(store: Store, names: Iterable[str] | None = None) -> dict[str, Any]:
    """Every pool of ``store`` (or those named, in that order) as a JSON-ready dict (see the module doc).
    For big stores, ``write_export`` writes the same JSON without holding it."""
    pools: list[dict[str, Any]] = []
    _each_pool(store, names, lambda name, pool: pools.append(_head(name, pool, list(_allocations(pool)))))
    return {"format": FORMAT, "version": VERSION, "pools": pools}


def dumps(data: dict[str, Any]) -> bytes:
    """The export as JSON text (two-space indented)."""
    return orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n"


_HOLE = "\x00allocations\x00"  # where a pool's allocations go in its head's JSON (no export holds a NUL)
_BATCH = 1024  # allocations serialized at once


def _indented(data: Any, depth: int) -> bytes:
    """``data`` as ``dumps`` prints it nested ``depth`` spaces deep (all lines but the first indented)."""
    return orjson.dumps(data, option=orjson.OPT_INDENT_2).replace(b"\n", b"\n" + b" " * depth)


def write_export(store: Store, out: BinaryIO, names: Iterable[str] | None = None) -> None:
    """Write ``dumps(export_store(store, names))`` to ``out``, byte for byte, one pool and ``_BATCH``
    allocations at a time: memory stays flat however many allocations the store holds."""
    out.write(b'{\n  "format": ' + orjson.dumps(FORMAT) + b',\n  "version": ' + orjson.dumps(VERSION) + b',\n  "pools": [')
    hole = orjson.dumps(_HOLE)
    written = 0

    def pool_json(name: str, pool: Pool | SubnetPool) -> None:
        nonlocal written
        before, after = _indented(_head(name, pool, _HOLE), 4).rsplit(hole, 1)  # (the last key: its hole is last)
        out.write((b",\n    " if written else b"\n    ") + before)
        written += 1
        entries = _allocations(pool)
        started = False
        for batch in iter(lambda: list(islice(entries, _BATCH)), []):
            out.write((b"," if started else b"[") + _indented(batch, 6)[1:-8])  # without "[" and "\n      ]"
            started = True
        out.write((b"\n      ]" if started else b"[]") + after)

    _each_pool(store, names, pool_json)
    out.write(b"\n  ]\n}\n" if written else b"]\n}\n")


def loads(text: str | bytes) -> dict[str, Any]:
    """An export read back from JSON text (checked as ``import_store`` checks it)."""
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise IPAMError(f"not a netx IPAM export: invalid JSON ({exc})") from None
    _check(data)
    return data  # type: ignore[no-any-return]


def _bad(what: str) -> IPAMError:
    return IPAMError(f"not a valid netx IPAM export: {what}")


def _check(data: Any) -> list[dict[str, Any]]:
    """The pools of an export, its shape checked (values are checked by building the pools)."""
    if type(data) is not dict or data.get("format") != FORMAT:
        raise _bad(f"expected a JSON object with \"format\": \"{FORMAT}\"")
    if data.get("version") != VERSION:
        raise _bad(f"version {shorten(data.get('version'))}; this netx reads version {VERSION}")
    pools = data.get("pools")
    if type(pools) is not list:
        raise _bad("\"pools\" must be a list")
    seen: set[str] = set()
    for i, entry in enumerate(pools):
        where = f"pools[{i}]"
        if type(entry) is not dict or set(entry) != {"name", "kind", "spec", "state", "allocations"}:
            raise _bad(f"{where} must be an object with name, kind, spec, state, allocations")
        name, kind, state, items = entry["name"], entry["kind"], entry["state"], entry["allocations"]
        if type(name) is not str or name in seen:
            raise _bad(f"{where}: name {shorten(name)} is not a string or appears twice")
        seen.add(name)
        if kind not in ("address", "subnet") or type(entry["spec"]) is not dict:
            raise _bad(f"{where} ({shorten(name)}): kind must be \"address\" or \"subnet\" and spec an object")
        if type(state) is not dict or not all(type(k) is str and type(v) is str for k, v in state.items()):
            raise _bad(f"{where} ({shorten(name)}): state must be an object of strings")
        for key, value in state.items():
            problem = state_problem(key, value) if key in STATE_KEYS else f"has an unknown state key {shorten(key)}"
            if problem:
                raise _bad(f"{where} ({shorten(name)}): state {problem}")
        if type(items) is not list or not all(
            type(a) is list and len(a) in (2, 3) and type(a[0]) is str and (a[1] is None or type(a[1]) is str)
            for a in items
        ):
            raise _bad(f"{where} ({shorten(name)}): allocations must be [address, owner-or-null] pairs"
                       " (leases: [address, owner-or-null, expiry])")
        for j, a in enumerate(items):
            if len(a) == 3 and (kind != "address" or type(a[2]) is not str or _expiry(a[2]) is None):
                raise _bad(f"{where} ({shorten(name)}): allocations[{j}]: the third element must be a lease's"
                           f" expiry, an RFC 3339 time with an offset, not {shorten(a[2])}")
    return pools


def _set_state(pool: Pool | SubnetPool, state: dict[str, str]) -> None:
    """Make the pool's extension state exactly ``state`` (importing allocations moved the round-robin cursor)."""
    for key in _state_items(pool):
        if key not in state:
            pool._state.ext_set(key, None)
    for key, value in state.items():
        pool._state.ext_set(key, value)


def _set_leases(pool: Pool, leases: list[tuple[Any, float | None]]) -> None:
    """Give the imported allocations their exported expiries (the same instants, whatever the clock of the store)."""
    from .._keys import key_of

    state = pool._state
    if leases and state.ext_get(LEASES) is None:
        state.ext_set(LEASES, "1")  # the pool's lease clock: without it, expiries would never be read
    for ip, expires in leases:
        span = state.alloc_at(key_of(ip))
        assert span is not None and expires is not None
        state.alloc_expire(span, expires)


def _restore(store: Store, entry: dict[str, Any]) -> None:
    """Create one pool of an export in ``store`` and record its allocations and state (in the caller's transaction)."""
    from .._net import IPNet
    from .pool import PoolSpec
    from .subnet import SubnetSpec

    spec_json = orjson.dumps(entry["spec"]).decode()
    name = entry["name"]
    try:
        if entry["kind"] == "subnet":
            sspec = SubnetSpec.from_json(spec_json)
            subnets = store.create_subnet_pool(name, *sspec.parents, reserve=sspec.reserve)
            with subnets._state.transaction():
                for value, owner in entry["allocations"]:
                    net = IPNet(value)
                    subnets.allocate(net.prefixlen, owner, subnet=net)
                _set_state(subnets, entry["state"])
        else:
            spec = PoolSpec.from_json(spec_json)
            pool = store.create_pool(name, *spec.ranges, reserve=spec.reserve, gateway=spec.gateway,
                                     strategy=spec.strategy)
            with pool._state.transaction():
                leases = []
                for value, owner, *lease in entry["allocations"]:
                    ip = pool.allocate(owner, ip=value)
                    if lease:
                        leases.append((ip, _expiry(lease[0])))
                _set_state(pool, entry["state"])
                _set_leases(pool, leases)
    except NetxError as exc:  # IPAMError, and the AddressError / NetworkError of an allocation that is no address
        raise IPAMError(f"cannot import pool {shorten(name)}: {exc}; nothing was imported", pool=name) from exc


def import_store(store: Store, data: dict[str, Any], names: Iterable[str] | None = None) -> list[str]:
    """Recreate the pools of an export (or those named) in ``store``: all of them, or none.

    Returns the names imported. A name ``store`` already holds -> ``ImportConflict``; an
    invalid export or pool -> ``IPAMError``; in both cases nothing was changed."""
    from .store import open as open_store
    from .store._sql import SqlStore

    pools = _check(data)
    if names is not None:
        wanted = list(dict.fromkeys(names))
        by_name = {entry["name"]: entry for entry in pools}
        missing = [n for n in wanted if n not in by_name]
        if missing:
            raise IPAMError(f"the export has no pool named {', '.join(shorten(n) for n in missing)}: nothing imported")
        pools = [by_name[n] for n in wanted]
    existing = set(store.pools())
    clash = [entry["name"] for entry in pools if entry["name"] in existing]
    if clash:
        listed = ", ".join(shorten(n) for n in clash[:10]) + (", ..." if len(clash) > 10 else "")
        raise ImportConflict(
            f"the store already has {'a pool' if len(clash) == 1 else f'{len(clash)} pools'} of the same name"
            f" ({listed}): nothing was imported (delete them first, or import only other pools)",
            names=clash,
        )
    with open_store("memory://") as scratch:  # every pool and allocation checked before the store is touched
        for entry in pools:
            _restore(scratch, entry)
    if isinstance(store, SqlStore):
        with store._transaction():  # one transaction: all pools or none
            for entry in pools:
                _restore(store, entry)
    else:
        done = []
        try:
            for entry in pools:
                _restore(store, entry)
                done.append(entry["name"])
        except BaseException:
            for name in done:
                store.delete_pool(name, force=True)
            raise
    return [entry["name"] for entry in pools]
