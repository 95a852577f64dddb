"""What netx's immutable value types share: copying, pydantic hooks, repr, JSON text, ordering.

``IP``, ``IPNet``, ``IPInterface``, ``IPRange`` and ``IPSet`` derive from ``_Value``
(slotted, no state of its own). Each sets ``__netx__`` (a ``netx._desc.TypeDesc``),
which everything here and every adapter reads. Hot paths (``IP``'s comparisons and
hashing) stay hand-written in the classes; only logic that really is the same lives here.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from ._desc import TypeDesc
from ._errors import shorten

__all__ = ["_Schema", "_Value", "_Ordered", "_stdlib", "_json_text", "_json_string", "article", "constrained_form"]

_V = TypeVar("_V", bound="_Value")


def article(name: str) -> str:
    """``name`` with its indefinite article: ``"an IP address"``, ``"a MAC address"``."""
    return f"{'an' if name[:1] in 'AEIOUaeiou' else 'a'} {name}"


class _PydanticSerializer:
    """``__pydantic_serializer__`` of every netx value, built on first use per class.

    pydantic-core serializes an object it meets in an ``Any`` field (or in
    ``to_jsonable_python``) with the serializer the object exposes under this name;
    this one keeps the object in Python mode and writes its JSON value in JSON mode.
    Read on a class it is absent, so pydantic never takes the class for a model.
    """

    def __get__(self, obj: object, owner: type | None = None) -> Any:
        if obj is None:
            raise AttributeError("__pydantic_serializer__")
        from ._pydantic import serializer_for

        return serializer_for(type(obj))


class _Schema:
    """pydantic v2 hooks, delegating to ``netx._pydantic`` (pydantic is imported on first use)."""

    __slots__ = ()

    __netx__: ClassVar[TypeDesc[Any]]

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        from ._pydantic import core_schema_for

        return core_schema_for(cls)


class _Value(_Schema):
    """Base of the netx value types: immutable, so a copy is the value itself.

    ``_kind`` is the netx class itself (set for each netx type, inherited by user
    subclasses): it names the type in reprs and bounds what compares with what.
    """

    __slots__ = ()

    _kind: Any  # a type

    __pydantic_serializer__: ClassVar[Any] = _PydanticSerializer()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__module__ != __name__ and not any(hasattr(base, "_kind") for base in cls.__bases__):
            cls._kind = cls

    def __copy__(self: _V) -> _V:
        return self

    def __deepcopy__(self: _V, memo: object) -> _V:
        return self

    def __repr__(self) -> str:
        return f"{self._kind.__name__}({str(self)!r})"

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def to_json(self) -> str:
        """This value as JSON text: its string, quoted (``'"10.0.0.0/24"'``)."""
        return _json_text(str(self))

    @classmethod
    def from_json(cls: type[_V], data: str | bytes) -> _V:
        """Parse JSON text holding one value of this type (``'"10.0.0.0/24"'``)."""
        desc = cls.__netx__
        value: _V = desc.from_json_value(_json_value(data, desc))
        return value


class _Ordered(_Value):
    """A value type with a total order on ``_key()``, within its own netx type."""

    __slots__ = ()

    def _key(self) -> tuple[Any, ...]:
        raise NotImplementedError

    def compare(self, other: Any) -> int:
        """-1, 0 or 1 as self sorts before, equal to, or after ``other`` (Go's ``Compare``)."""
        if not isinstance(other, self._kind):
            raise TypeError(f"cannot compare {self._kind.__name__} with {type(other).__name__}")
        a, b = self._key(), other._key()
        return int(a > b) - int(a < b)

    def __lt__(self, other: Any) -> bool:
        if not isinstance(other, self._kind):
            return NotImplemented
        return bool(self._key() < other._key())

    def __le__(self, other: Any) -> bool:
        if not isinstance(other, self._kind):
            return NotImplemented
        return bool(self._key() <= other._key())

    def __gt__(self, other: Any) -> bool:
        if not isinstance(other, self._kind):
            return NotImplemented
        return bool(self._key() > other._key())

    def __ge__(self, other: Any) -> bool:
        if not isinstance(other, self._kind):
            return NotImplemented
        return bool(self._key() >= other._key())


def constrained_form(name: str, base: type, version: int, build: Any, from_json_value: Any,
                     json_schema: dict[str, Any], doc: str) -> type:
    """A version-constrained form of ``base`` (``netx.IPv4`` & co, public as ``netx.<name>``):
    calling it runs ``build``, ``isinstance`` tests the version, pydantic and the JSON adapters
    read its ``__netx__`` (``base``'s description narrowed to ``version``)."""
    from ._desc import Constrained

    desc = base.__netx__.replace(  # type: ignore[attr-defined]
        name=base.__netx__.name.replace("IP ", f"IPv{version} ", 1),  # type: ignore[attr-defined]
        code=base.__netx__.code.replace("ip_", f"ip_v{version}_", 1),  # type: ignore[attr-defined]
        from_python=build, from_json_value=from_json_value, json_schema=json_schema,
        version=version, version_attr="_ver",
    )
    namespace = {"__doc__": doc, "__module__": "netx", "_build": staticmethod(build), "__netx__": desc}
    return Constrained(name, (_Schema,), namespace)


def _stdlib(value: Any, version: int, zone: str | None, arg: Any, v4: type, v6: type) -> Any:
    """The stdlib object composed by ``value``: ``v4(arg)`` / ``v6(arg)``, or built from the
    text when there is a zone (the stdlib reads zones only from text)."""
    if version == 4:
        return v4(arg)
    if zone is None:
        return v6(arg)
    return v6(str(value))


def _json_text(text: str) -> str:
    """``text`` as a JSON string literal."""
    if text.isascii() and text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'
    import orjson

    return orjson.dumps(text).decode()


def _json_value(data: Any, desc: TypeDesc[Any]) -> Any:
    """The JSON value of shape ``desc.json_input`` held by JSON text ``data``; ``desc.error`` else."""
    what = article(desc.name)
    if desc.json_input == "string":
        return _json_string(data, what, desc.error)
    if not isinstance(data, (str, bytes, bytearray, memoryview)):
        raise TypeError(f"from_json takes JSON text (str or bytes), not {type(data).__name__}")
    import orjson

    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise desc.error(f"invalid JSON for {what}: {shorten(data)} ({exc.msg})") from None
    if type(value) is not list or not all(type(v) is str for v in value):
        raise desc.error(f"expected a JSON list of strings for {what}, got {shorten(data)}")
    return value


def _json_string(data: Any, what: str, error: type[Exception]) -> str:
    """The string held by JSON text ``data``; ``error`` for anything else."""
    if not isinstance(data, (str, bytes, bytearray, memoryview)):
        raise TypeError(f"from_json takes JSON text (str or bytes), not {type(data).__name__}")
    import orjson

    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise error(f"invalid JSON for {what}: {shorten(data)} ({exc.msg})") from None
    if type(value) is not str:
        raise error(f"expected a JSON string holding {what}, got {shorten(data)}")
    return value
