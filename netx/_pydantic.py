"""pydantic v2 adapter: core schemas, JSON Schemas and serializers built from a type's ``__netx__``.

Nothing here names a concrete netx type: every value type (and version-constrained
form) describes itself with a ``netx._desc.TypeDesc``, and this module turns that
description into one-call validators. pydantic is imported only when a schema is
first built.
"""

from __future__ import annotations

import copy
from typing import Any, Callable

from ._desc import TypeDesc, desc_of
from ._errors import NetxError

__all__ = ["core_schema_for", "core_schema_of", "json_schema_for", "serializer_for"]

_Validator = Callable[[Any], Any]


# -- validators ------------------------------------------------------------------------------
# Three plain functions per description: lax Python input (anything the constructor takes),
# strict Python input (only the netx object) and JSON input (a str, or a list of str, already
# checked by pydantic). Failures become PydanticCustomError with the netx error message, which
# quotes the input and says what is wrong.
def _validators(desc: TypeDesc[Any], shown: str) -> tuple[_Validator, _Validator, _Validator]:
    from pydantic_core import PydanticCustomError

    cls: Any = desc.cls
    code, type_code, version = desc.code, f"{desc.code}_type", desc.version
    build, parse = desc.from_python, desc.from_json_value
    container = desc.json_input == "array"

    def bad_value(exc: NetxError) -> PydanticCustomError:
        return PydanticCustomError(code, "{reason}", {"reason": str(exc)})

    def bad_type(value: Any, exc: TypeError) -> PydanticCustomError:
        if container and not isinstance(value, (str, bytes)) and hasattr(value, "__iter__"):
            return PydanticCustomError(type_code, "{reason}", {"reason": str(exc)})  # one item is wrong
        return PydanticCustomError(
            type_code,
            "Input should be a valid {what} ({accepted}), not {type}",
            {"what": desc.name, "accepted": desc.accepts, "type": type(value).__name__},
        )

    def convert(value: Any) -> Any:
        try:
            return build(value)
        except NetxError as exc:
            raise bad_value(exc) from None
        except TypeError as exc:
            raise bad_type(value, exc) from None

    python = _checked(cls, desc.version_attr, version, convert)

    def strict(value: Any) -> Any:
        if type(value) is not cls:
            raise PydanticCustomError(
                type_code, "Input should be an instance of {cls} (strict mode)", {"cls": f"netx.{shown}"}
            )
        return python(value)

    def from_json(value: Any) -> Any:
        try:
            return parse(value)
        except NetxError as exc:
            raise bad_value(exc) from None

    name = desc.name.replace(" ", "_")
    for fn in (python, strict, from_json):  # pydantic names validators after them: list[...IPv4_address()...]
        fn.__name__ = fn.__qualname__ = name
    return python, strict, from_json


def _checked(cls: Any, attr: str, version: int | None, convert: _Validator) -> _Validator:
    """``value`` itself when it is a ``cls`` (of ``version``, when set), else ``convert(value)``.

    This runs once per value of a list, so it is compiled (as ``collections.namedtuple``
    compiles its methods) to read everything at the cheapest: ``cls`` / ``version`` /
    ``convert`` as module globals (specialised loads; default arguments are copied into
    every call's frame), ``value.__class__`` (one specialised slot load; ``type(value)``
    is a call) and the version attribute inline (a slot read). ``__class__`` is what
    ``isinstance`` itself consults, so nothing passes here that pydantic's own
    ``isinstance`` check would refuse. Measured in benchmarks/bench_pydantic.py."""
    if not attr.isidentifier():
        raise ValueError(f"version_attr must be an attribute name, not {attr!r}")
    namespace: dict[str, Any] = {"cls": cls, "version": version, "convert": convert}
    check = "value.__class__ is cls" if version is None else f"value.__class__ is cls and value.{attr} is version"
    # a version that is not `version` itself (a big int, in theory) still validates, via convert
    exec(  # noqa: S102 - the source is fixed but for a checked identifier
        f"def python(value):\n"
        f"    if {check}:\n"  # small ints are shared: `is` is exact
        f"        return value\n"
        f"    return convert(value)\n",
        namespace,
    )
    fn: _Validator = namespace["python"]
    return fn


# -- core schema -----------------------------------------------------------------------------
_CORE: dict[tuple[TypeDesc[Any], str], Any] = {}


def _serialization(desc: TypeDesc[Any]) -> Any:
    """Serialize to the JSON value in JSON mode; keep the object in Python mode."""
    from pydantic_core import core_schema as cs

    if desc.json_input == "string":
        if desc.to_json_value is getattr(desc.cls, "__str__", None):
            return cs.to_string_ser_schema(when_used="json-unless-none")  # str() in Rust: the fast path
        return_schema: Any = cs.str_schema()
    else:
        return_schema = cs.list_schema(cs.str_schema())
    return cs.plain_serializer_function_ser_schema(
        desc.to_json_value, return_schema=return_schema, when_used="json-unless-none"
    )


def core_schema_of(desc: TypeDesc[Any], shown: str | None = None) -> Any:
    """The pydantic core schema of a description: one validator call per value; in JSON mode
    a ``str`` (or list of ``str``); its JSON Schema is ``desc.json_schema``. ``shown`` names
    the field type in strict-mode errors (default: ``desc.cls``'s name)."""
    shown = shown or desc.cls.__name__
    schema = _CORE.get((desc, shown))
    if schema is None:
        from pydantic_core import core_schema as cs

        python, strict, from_json = _validators(desc, shown)
        json_input = cs.str_schema() if desc.json_input == "string" else cs.list_schema(cs.str_schema())

        def json_schema(core: Any, handler: Any) -> dict[str, Any]:
            return desc.schema()

        schema = cs.json_or_python_schema(
            json_schema=cs.no_info_after_validator_function(from_json, json_input),
            python_schema=cs.lax_or_strict_schema(
                lax_schema=cs.no_info_plain_validator_function(python),
                strict_schema=cs.no_info_plain_validator_function(strict),
            ),
            serialization=_serialization(desc),
            metadata={"pydantic_js_functions": [json_schema]},
        )
        _CORE[desc, shown] = schema
    return copy.deepcopy(schema)  # pydantic may annotate the dict it gets; keep ours pristine


def core_schema_for(cls: type) -> Any:
    """The pydantic core schema of a netx type (a subclass validates as its netx base)."""
    return core_schema_of(desc_of(cls), getattr(cls, "__name__", None))


def json_schema_for(cls: type) -> dict[str, Any]:
    """The JSON Schema of a netx type: ``format`` ipv4/ipv6 for addresses, never an unknown
    format (networks, interfaces, ranges: a pattern; ``IPSet``: an array of such strings)."""
    return desc_of(cls).schema()


# -- serializer for values met where no schema is known (Any fields, to_jsonable_python) ----
_SERIALIZERS: dict[type, Any] = {}


def serializer_for(kind: type) -> Any:
    """A ``SchemaSerializer`` for values of ``kind``: the value in Python mode, its JSON value in JSON mode."""
    serializer = _SERIALIZERS.get(kind)
    if serializer is None:
        from pydantic_core import SchemaSerializer
        from pydantic_core import core_schema as cs

        desc = desc_of(kind)
        schema = cs.any_schema(
            serialization=cs.plain_serializer_function_ser_schema(desc.to_json_value, when_used="json")
        )
        serializer = _SERIALIZERS[kind] = SchemaSerializer(schema)
    return serializer
