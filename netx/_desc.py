"""The per-type description every netx value type carries, read by the adapters.

Each value type sets one class attribute, ``__netx__``, to a ``TypeDesc``: its name
for messages, its error class, how it becomes a JSON value and comes back from one,
how it coerces Python input, and its JSON Schema. ``netx.json`` (orjson, stdlib
``json``, msgspec hooks), pydantic, FastAPI and the database adapters read only
this description and import no concrete type, so a new type touches its own module
and ``netx/__init__.py`` only. Subclasses inherit ``__netx__`` and so serialize
and validate like their base.

The version-constrained forms (``netx.IPv4`` & co) are classes whose ``__netx__``
narrows their base's description; ``Constrained`` makes calling them build the base
type and ``isinstance`` test the version.
"""

from __future__ import annotations

from typing import Any, Callable, Generic, Literal, Mapping, TypeVar

from ._errors import NetxError

__all__ = ["TypeDesc", "Constrained", "desc_of", "find_desc"]

T = TypeVar("T")


class TypeDesc(Generic[T]):
    """How a netx value type reads, writes and describes itself (``cls.__netx__``).

    - ``cls``: the class of the values (``IP`` for ``netx.IPv4`` too); subclasses
      of it are accepted wherever ``cls`` is.
    - ``name``: what one value is, for messages (``"IPv4 address"``).
    - ``code``: a machine name for the kind (``"ip_v4_address"``; pydantic error types
      are ``code`` and ``f"{code}_type"``).
    - ``error``: the ``NetxError`` subclass bad values raise.
    - ``accepts``: the Python input ``from_python`` takes, for type-error messages.
    - ``from_python(value) -> T``: lax Python input, anything the constructor takes
      (raises ``error`` for a bad value, ``TypeError`` for a wrong type).
    - ``to_json_value(obj) -> str | list[str] | dict[str, Any]``: the JSON value (``"10.0.0.1"``).
    - ``from_json_value(value) -> T``: the inverse, from a decoded JSON value of
      shape ``json_input`` (raises ``error``).
    - ``json_input``: ``"string"``, ``"array"`` (of strings) or ``"object"`` (string keys,
      any values; a generic type such as ``PrefixMap[V]`` gets them decoded as ``V``): the JSON shape.
    - ``json_schema``: the JSON Schema of the JSON value (copied when handed out).
    - ``version``: 4 or 6 for a version-constrained form, else None.
    - ``version_attr``: the attribute holding a value's version, which adapters read on
      hot paths (a slot such as ``"_ver"`` reads at C speed; default ``"version"``).
    """

    # Written out by hand, not a dataclass: importing ``dataclasses`` (and ``inspect`` with it)
    # costs every short-lived process (the CNI plugin) start-up time.
    __slots__ = (
        "cls", "name", "code", "error", "accepts", "from_python", "to_json_value", "from_json_value",
        "json_schema", "json_input", "version", "version_attr",
    )

    cls: type[T]
    name: str
    code: str
    error: type[NetxError]
    accepts: str
    from_python: Callable[[Any], T]
    to_json_value: Callable[[T], Any]
    from_json_value: Callable[[Any], T]
    json_schema: Mapping[str, Any]
    json_input: Literal["string", "array", "object"]
    version: int | None
    version_attr: str

    def __init__(
        self,
        cls: type[T],
        name: str,
        code: str,
        error: type[NetxError],
        accepts: str,
        from_python: Callable[[Any], T],
        to_json_value: Callable[[T], Any],
        from_json_value: Callable[[Any], T],
        json_schema: Mapping[str, Any],
        json_input: Literal["string", "array", "object"] = "string",
        version: int | None = None,
        version_attr: str = "version",
    ) -> None:
        fields = locals()
        for field in self.__slots__:
            object.__setattr__(self, field, fields[field])

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"TypeDesc is immutable (cannot set {name!r})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"TypeDesc is immutable (cannot delete {name!r})")

    def __repr__(self) -> str:
        return f"TypeDesc({self.cls.__name__}, {self.name!r}, version={self.version})"

    def replace(self, **changes: Any) -> TypeDesc[T]:
        """A copy with ``changes`` applied (``dataclasses.replace`` for this class)."""
        fields: dict[str, Any] = {field: getattr(self, field) for field in self.__slots__}
        fields.update(changes)
        return TypeDesc(**fields)

    def schema(self) -> dict[str, Any]:
        """A fresh copy of ``json_schema`` (callers may change it)."""
        import copy  # here, not at import: copy pulls in weakref, and `import netx` stays light

        return copy.deepcopy(dict(self.json_schema))

    def is_instance(self, obj: object) -> bool:
        """True if ``obj`` is a value of this kind (of ``version``, when set)."""
        return isinstance(obj, self.cls) and (self.version is None or getattr(obj, self.version_attr, None) == self.version)


def find_desc(kind: Any) -> TypeDesc[Any] | None:
    """The ``TypeDesc`` of a class (inherited by subclasses), or None if it is no netx type."""
    desc = getattr(kind, "__netx__", None) if isinstance(kind, type) else None
    return desc if isinstance(desc, TypeDesc) else None


def desc_of(kind: Any) -> TypeDesc[Any]:
    """The ``TypeDesc`` of a netx class; ``TypeError`` for anything else."""
    desc = find_desc(kind)
    if desc is None:
        raise TypeError(f"{kind!r} is not a netx value type (it has no __netx__ description)")
    return desc


class Constrained(type):
    """Metaclass of the version-constrained forms (``netx.IPv4``): calling the class builds
    the base value of that version, ``isinstance`` tests the version, pydantic and the JSON
    adapters read the class's ``__netx__``."""

    __netx__: TypeDesc[Any]
    _build: Callable[..., Any]  # the constructor: value (and keywords) -> base value of that version

    def __call__(cls, value: Any, **kwargs: Any) -> Any:
        return cls._build(value, **kwargs)

    def __instancecheck__(cls, obj: object) -> bool:
        desc = cls.__netx__
        return type(obj) is desc.cls and getattr(obj, desc.version_attr, None) == desc.version
