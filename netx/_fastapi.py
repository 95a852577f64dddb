"""FastAPI adapter: endpoints may return netx values without a response model.

FastAPI encodes such a response with ``fastapi.encoders.jsonable_encoder``, which knows
stdlib ``ipaddress`` values through its ``encoders_by_class_tuples`` table and has no
other hook. netx adds its value base class to that table (the encoder is
``netx.json.default``, which reads each type's ``__netx__``), either at ``import netx``
if FastAPI is already loaded, or right after ``fastapi.encoders`` is first imported
(a one-shot import hook: nothing is imported early and nothing is needed from the user).
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Any, Callable, Sequence

__all__ = ["install", "register"]

_MODULE = "fastapi.encoders"


def register(module: ModuleType) -> None:
    """Teach ``fastapi.encoders.jsonable_encoder`` every netx value type (subclasses included)."""
    from ._value import _Value
    from .json import default

    table: Any = getattr(module, "encoders_by_class_tuples", None)
    if not isinstance(table, dict):  # pragma: no cover - a FastAPI without the table
        return
    classes = table.get(default, ())
    if _Value not in classes:
        table[default] = (*classes, _Value)


class _Loader:
    """Wraps the real loader of ``fastapi.encoders``: runs it, then ``register``."""

    def __init__(self, loader: Any, then: Callable[[ModuleType], None]) -> None:
        self._loader = loader
        self._then = then

    def create_module(self, spec: Any) -> ModuleType | None:
        create = getattr(self._loader, "create_module", None)
        return create(spec) if create is not None else None

    def exec_module(self, module: ModuleType) -> None:
        self._loader.exec_module(module)
        self._then(module)

    def __getattr__(self, name: str) -> Any:  # get_source, get_data, is_package, ...
        return getattr(self._loader, name)


class _AfterImport:
    """A one-shot ``sys.meta_path`` finder: when ``name`` is imported, call ``then`` on it."""

    def __init__(self, name: str, then: Callable[[ModuleType], None]) -> None:
        self._name = name
        self._then = then

    def find_spec(self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None) -> Any:
        if fullname != self._name:
            return None
        if self in sys.meta_path:
            sys.meta_path.remove(self)
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            spec = find(fullname, path, target) if find is not None else None
            if spec is not None:
                break
        else:
            return None
        if spec.loader is not None and hasattr(spec.loader, "exec_module"):
            spec.loader = _Loader(spec.loader, self._then)
        return spec


def install() -> None:
    """Register with FastAPI now if it is loaded, else as soon as it is."""
    module = sys.modules.get(_MODULE)
    if module is not None:
        register(module)
    elif not any(isinstance(finder, _AfterImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _AfterImport(_MODULE, register))
