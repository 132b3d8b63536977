"""Where an import cycle fails: a replay of a fresh ``import entry`` over the static model, looking
for a ``from X import n`` that runs while X is only partly initialised and has not bound ``n`` yet.
Pure: the index and the cycle's members in, the failing import (or None) out; the finding is made
by :mod:`smokegen.checks.cycles`."""

from __future__ import annotations

from dataclasses import dataclass

from smokegen.graph.imports import import_steps
from smokegen.graph.index import ProjectIndex, prefixes, runs_on_every_import
from smokegen.model import ImportInfo, ModuleInfo


@dataclass(frozen=True, slots=True)
class Frame:
    """A module on the import stack, paused at the import statement on ``line``."""

    module: str
    line: int


@dataclass(frozen=True, slots=True)
class CycleFailure:
    """``import_`` takes ``name`` from ``target`` while ``target`` is only partly initialised."""

    import_: ImportInfo
    target: str
    chain: tuple[Frame, ...]  # from the partly initialised module to the one that imports it
    bound_at: int | None  # the line where ``target`` binds the name, if it does


@dataclass
class _Paused:
    module: str
    line: int = 0  # the import statement the module is paused at


class CycleReplay:
    """Replays a fresh ``import entry`` over the static model, looking for a ``from X import n``
    that runs while X is only partly initialised and has not bound ``n`` yet."""

    def __init__(self, index: ProjectIndex, members: frozenset[str]) -> None:
        self.index = index
        self.members = members
        self._steps: dict[str, list[tuple[ImportInfo, list[tuple[str, str | None]]]]] = {}

    def _plan(self, info: ModuleInfo) -> list[tuple[ImportInfo, list[tuple[str, str | None]]]]:
        """The module's imports that run on every import, in source order, each with its steps: a
        module to load (name None) or a name to take from a module (computed once per module)."""
        found = self._steps.get(info.name)
        if found is None:
            found = []
            for imp in sorted((i for i in info.imports if runs_on_every_import(i)), key=lambda i: i.location):
                steps: list[tuple[str, str | None]] = []
                for target, name in import_steps(imp):
                    if name is not None and self.index.exists(f"{target}.{name}"):
                        target, name = f"{target}.{name}", None  # a submodule: loaded, not taken
                    steps.append((target, name))
                found.append((imp, steps))
            self._steps[info.name] = found
        return found

    def run(self, entry: str) -> CycleFailure | None:
        self.done: set[str] = set()
        self.stack: list[_Paused] = []
        self.partial: dict[str, _Paused] = {}  # the modules on the stack
        return self._load(entry)

    def _load(self, module: str) -> CycleFailure | None:
        if module in self.done or module in self.partial:
            return None
        for parent in prefixes(module)[:-1]:  # Python runs the parent packages first
            failure = self._load(parent)
            if failure is not None:
                return failure
        if module in self.done or module in self.partial:
            return None  # a parent imported it
        info = self.index.modules.get(module)
        if info is None or module not in self.members:
            self.done.add(module)  # outside the cycle: completes without touching it
            return None
        frame = _Paused(module)
        self.stack.append(frame)
        self.partial[module] = frame
        for imp, steps in self._plan(info):
            frame.line = imp.location.line
            for target, name in steps:
                if name is None:
                    failure = self._load(target) if target not in self.done else None
                else:
                    failure = self._take(imp, target, name)
                if failure is not None:
                    return failure
        self.stack.pop()
        del self.partial[module]
        self.done.add(module)
        return None

    def _take(self, imp: ImportInfo, target: str, name: str) -> CycleFailure | None:
        partial = self.partial.get(target)
        if partial is None:
            return None
        info = self.index.modules.get(target)
        if info is None or self.index.dynamic(target):
            return None
        if any(i.name == "*" and i.location.line < partial.line for i in info.imports):
            return None  # a star import before the pause may provide it
        binding = next((b for b in info.bindings if b.name == name and not b.type_only), None)
        if binding is not None and binding.location.line < partial.line:
            return None
        chain = tuple(Frame(f.module, f.line) for f in self.stack[self.stack.index(partial) :])
        return CycleFailure(imp, target, chain, binding.location.line if binding else None)
