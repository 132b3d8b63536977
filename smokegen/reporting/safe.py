"""The project's text made safe for every report format, in one place.

What a report says comes in part from the project: an exception's message, a module's output, a
file's name, a patch target's string. Any of it may hold NUL, BEL, ESC sequences, a carriage return
or lone surrogates, which break JUnit XML, colour or rewrite a terminal, or cannot be encoded at all.
Every renderer passes what it is given through :func:`safe` before it formats anything, so each
format gets the same text, :func:`smokegen.util.text.printable`.
"""

from __future__ import annotations

import enum
from dataclasses import fields, is_dataclass, replace
from typing import Any, TypeVar, cast

from smokegen.util.text import printable

T = TypeVar("T")


def _safe(value: Any) -> Any:
    if isinstance(value, str):
        return value if isinstance(value, enum.Enum) else printable(value)
    if isinstance(value, (tuple, list)):
        items = [_safe(item) for item in value]
        if all(new is old for new, old in zip(items, value, strict=True)):
            return value
        if isinstance(value, list):
            return items
        return cast(Any, type(value))._make(items) if hasattr(value, "_fields") else tuple(items)
    if isinstance(value, dict):
        pairs = [(_safe(k), _safe(v)) for k, v in value.items()]
        if all(k is old_k and v is old_v for (k, v), (old_k, old_v) in zip(pairs, value.items(), strict=True)):
            return value
        return dict(pairs)
    if is_dataclass(value) and not isinstance(value, type):
        changed = {}
        for f in fields(value):
            old = getattr(value, f.name)
            new = _safe(old)
            if new is not old:
                changed[f.name] = new
        return replace(value, **changed) if changed else value
    return value


def safe(value: T) -> T:
    """``value`` (a report, a finding, a model) with every string in it printable; the dataclasses,
    tuples, lists and dicts that hold a string that changed are rebuilt, the rest is ``value``
    itself."""
    return cast(T, _safe(value))
