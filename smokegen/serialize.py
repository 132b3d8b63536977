"""JSON round-trip for the model: ``from_json(type, to_json(x)) == x``.

Generic over the model's frozen dataclasses, enums, tuples, optionals and
primitives, driven by the type hints, so a new field needs no code here.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
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
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(tp)
        if data is None and type(None) in options:
            return None
        errors = []
        for option in options:
            if option is type(None):
                continue
            try:
                return from_json(option, data)
            except (ValueError, TypeError, KeyError) as exc:
                errors.append(str(exc))
        raise ValueError(f"no type of {tp} fits: {'; '.join(errors)}")
    if origin is tuple:
        if not isinstance(data, list):
            raise ValueError(f"expected a list for {tp}, got {type(data).__name__}")
        (item, _ellipsis) = typing.get_args(tp)
        return tuple(from_json(item, v) for v in data)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if not isinstance(data, dict):
            raise ValueError(f"expected an object for {tp.__name__}")
        hints = _hints(tp)
        kwargs = {f.name: from_json(hints[f.name], data[f.name]) for f in dataclasses.fields(tp) if f.name in data}
        unknown = set(data) - {f.name for f in dataclasses.fields(tp)}
        if unknown:
            raise ValueError(f"unknown keys for {tp.__name__}: {sorted(unknown)}")
        return tp(**kwargs)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tp(data)
    if tp in (str, int, bool, float):
        if not isinstance(data, tp) or (tp is int and isinstance(data, bool)):
            raise ValueError(f"expected {tp.__name__}, got {data!r}")
        return data
    raise TypeError(f"unsupported type {tp}")


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
