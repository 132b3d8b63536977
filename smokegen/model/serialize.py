"""JSON round-trip for the model: ``from_json(type, to_json(x)) == x``.

Generic over the model's frozen dataclasses, enums, tuples, optionals and
primitives, driven by the type hints, so a new field needs no code here.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

from smokegen import model

T = TypeVar("T")

SCHEMA_VERSION = 1


def to_json(value: object) -> Any:
    """A JSON-ready structure (dicts, lists, str, int, bool, None) for a model value."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (tuple, list)):
        return [to_json(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot serialise {type(value).__name__}")


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, vars(model))


def from_json(tp: Any, data: Any) -> Any:
    """Rebuild a value of type ``tp`` from :func:`to_json` output; raises ValueError on a mismatch."""
    return _decoder(tp)(data)


@cache
def _decoder(tp: Any) -> Callable[[Any], Any]:
    """A function decoding JSON data into ``tp``, built once per type from its hints (reading the
    scan cache decodes every file's model: this is on the warm path)."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(tp)
        nullable = type(None) in options
        decoders = [_decoder(o) for o in options if o is not type(None)]

        def union(data: Any) -> Any:
            if data is None and nullable:
                return None
            errors = []
            for decode in decoders:
                try:
                    return decode(data)
                except (ValueError, TypeError, KeyError) as exc:
                    errors.append(str(exc))
            raise ValueError(f"no type of {tp} fits: {'; '.join(errors)}")

        return union
    if origin is tuple:
        (item, _ellipsis) = typing.get_args(tp)
        decode_item = _decoder(item)

        def sequence(data: Any) -> Any:
            if not isinstance(data, list):
                raise ValueError(f"expected a list for {tp}, got {type(data).__name__}")
            return tuple([decode_item(v) for v in data])

        return sequence
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _record_decoder(tp)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tp
    if tp in (str, int, bool, float):
        kind = tp

        def primitive(data: Any) -> Any:
            if not isinstance(data, kind) or (kind is int and isinstance(data, bool)):
                raise ValueError(f"expected {kind.__name__}, got {data!r}")
            return data

        return primitive
    raise TypeError(f"unsupported type {tp}")


_PRIMITIVE_TEST = {
    str: "type({v}) is str",
    int: "type({v}) is int",
    bool: "type({v}) is bool",
    float: "type({v}) in (int, float)",
}


def _record_decoder(cls: type) -> Callable[[Any], Any]:
    """A decoder written out for one dataclass: a field of a primitive type, or a tuple of one, is
    checked inline; any other field calls its type's decoder. Thousands of records are decoded on
    every warm run, so the per-field function calls of a generic decoder are worth saving."""
    hints = _hints(cls)
    namespace: dict[str, Any] = {"cls": cls}
    names = [f.name for f in dataclasses.fields(cls)]
    namespace["names"] = frozenset(names)
    lines = [
        "def record(data):",
        "    if type(data) is not dict:",
        f"        raise ValueError('expected an object for {cls.__name__}')",
        "    if not names.issuperset(data):",
        f"        raise ValueError(f'unknown keys for {cls.__name__}: {{sorted(set(data) - names)}}')",
    ]
    arguments = []
    for number, f in enumerate(dataclasses.fields(cls)):
        hint = hints[f.name]
        var = f"v{number}"
        if f.default is not dataclasses.MISSING:
            namespace[f"default{number}"] = f.default
            lines.append(f"    {var} = data.get({f.name!r}, default{number})")
            lines.append(f"    if {var} is not default{number}:")
            indent = "        "
        else:
            lines.append(f"    if {f.name!r} not in data:")
            lines.append(f"        raise ValueError('missing {f.name} for {cls.__name__}')")
            lines.append(f"    {var} = data[{f.name!r}]")
            indent = "    "
        item = typing.get_args(hint)[0] if typing.get_origin(hint) is tuple else None
        if hint in _PRIMITIVE_TEST:
            test = _PRIMITIVE_TEST[hint].format(v=var)
            lines.append(f"{indent}if not ({test}):")
            lines.append(f"{indent}    raise ValueError(f'expected {hint.__name__} for {f.name}, got {{{var}!r}}')")
        elif item in _PRIMITIVE_TEST:
            test = _PRIMITIVE_TEST[item].format(v="x")
            lines.append(f"{indent}if type({var}) is not list or not all({test} for x in {var}):")
            lines.append(
                f"{indent}    raise ValueError(f'expected a list of {item.__name__} for {f.name}, got {{{var}!r}}')"
            )
            lines.append(f"{indent}{var} = tuple({var})")
        elif isinstance(hint, type) and issubclass(hint, enum.Enum):
            namespace[f"members{number}"] = hint._value2member_map_
            lines.append(f"{indent}try:")
            lines.append(f"{indent}    {var} = members{number}[{var}]")
            lines.append(f"{indent}except (KeyError, TypeError):")
            lines.append(f"{indent}    raise ValueError(f'{{{var}!r}} is not a {hint.__name__}') from None")
        else:
            namespace[f"decode{number}"] = _decoder(hint)
            lines.append(f"{indent}{var} = decode{number}({var})")
        arguments.append(var)
    lines.append(f"    return cls({', '.join(arguments)})")
    exec("\n".join(lines), namespace)
    decoder: Callable[[Any], Any] = namespace["record"]
    return decoder


def load(tp: type[T], data: Any) -> T:
    """Typed wrapper of :func:`from_json`."""
    result: T = from_json(tp, data)
    return result


def project_to_json(project: model.ProjectModel) -> dict[str, Any]:
    return {"schema": SCHEMA_VERSION, "project": to_json(project)}


def project_from_json(data: Any) -> model.ProjectModel:
    if not isinstance(data, dict) or data.get("schema") != SCHEMA_VERSION:
        raise ValueError(f"not a smokegen model of schema {SCHEMA_VERSION}")
    return load(model.ProjectModel, data["project"])
