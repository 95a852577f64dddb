"""Attribute promotion: a netx type answers every public attribute of the stdlib type it composes.

Go promotes an embedded struct's fields; here each stdlib attribute the class does not
define itself becomes a read-only property reading it from the composed object. Real
properties (not ``__getattr__``) keep CPython's fast attribute paths for the class's own
slots, which every hot loop in netx reads.
"""

from __future__ import annotations

from typing import Any


def promote(cls: type, via: str, *sources: type) -> None:
    """Add to ``cls`` a property for each public attribute of ``sources`` it lacks, read from ``self.<via>``."""
    names = {name for source in sources for name in dir(source) if not name.startswith("_")}
    for name in sorted(names):
        if not hasattr(cls, name):
            setattr(cls, name, _delegate(cls.__name__, via, name))


def _delegate(owner: str, via: str, name: str) -> property:
    def get(self: Any) -> Any:
        try:
            return getattr(getattr(self, via), name)
        except AttributeError:
            raise AttributeError(f"{owner!r} object has no attribute {name!r}") from None

    get.__name__ = name
    get.__doc__ = f"The stdlib's ``{name}``, read from ``.{via}``."
    return property(get)
