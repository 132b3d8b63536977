"""Shards: a deterministic, package-aligned share of a project's modules, for a CI matrix
(``smokegen check --shard K/N``, ``pytest --smokegen-shard K/N``). Pure.

A module's shard depends only on the set of module names, so ``check``, the generated suite and the
plugin, each given the same modules, agree on it without talking to each other. Modules are grouped
into *units*, the packages at the shallowest depth that gives at least two units per shard (so a
package's modules stay together and share the runner's package zygote, while the shards still
balance); the units, sorted by name, are cut into ``count`` contiguous runs of about the same number
of modules. Findings that belong to no module (entry points, the project's files, mypy) are shard 1's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

UNITS_PER_SHARD = 2
_SPEC = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


@dataclass(frozen=True, slots=True)
class Shard:
    """Shard ``index`` of ``count``, 1-based."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    @property
    def first(self) -> bool:
        """This shard reports what belongs to no module."""
        return self.index == 1


def parse_shard(text: str) -> Shard:
    """``"2/4"`` -> Shard(2, 4); ValueError with a sentence for anything else."""
    match = _SPEC.match(text)
    if match is None:
        raise ValueError(f"'{text}' is not K/N (the K-th of N shards, e.g. 2/4)")
    index, count = int(match.group(1)), int(match.group(2))
    if count < 1 or not 1 <= index <= count:
        raise ValueError(f"'{text}': K must be between 1 and N (N at least 1)")
    return Shard(index, count)


def _unit(name: str, depth: int) -> str:
    return ".".join(name.split(".")[:depth])


def assign(names: Iterable[str], count: int) -> dict[str, int]:
    """Module name -> its shard (1-based), for ``count`` shards."""
    modules = sorted(set(names))
    if count <= 1 or not modules:
        return dict.fromkeys(modules, 1)
    deepest = max(name.count(".") + 1 for name in modules)
    depth = 1
    while depth < deepest and len({_unit(m, depth) for m in modules}) < UNITS_PER_SHARD * count:
        depth += 1
    units: dict[str, list[str]] = {}
    for name in modules:
        units.setdefault(_unit(name, depth), []).append(name)
    out: dict[str, int] = {}
    done = 0
    for unit in sorted(units):
        members = units[unit]
        # the shard whose share of the modules this unit's middle falls in
        middle = done + len(members) / 2
        shard = min(count, int(middle * count / len(modules)) + 1)
        for name in members:
            out[name] = shard
        done += len(members)
    return out


def shard_of(name: str, assigned: dict[str, int]) -> int:
    """The shard of ``name``: its own, else that of the closest package assigned one, else 1 (a
    module not imported, ``__main__``, goes with its package)."""
    while name:
        if name in assigned:
            return assigned[name]
        name = name.rpartition(".")[0]
    return 1
