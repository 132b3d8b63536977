"""``smokegen mocks``: the mock.patch targets in a project's tests, audited against the project. Pure.

The incident this project exists for: the unit tests patched the very name that was broken, so
they passed while production died on the import. This module finds every patch target in the
tests statically (``find_patches``: source text in, targets out) and judges them against the
model and the findings of the other checks (``audit``):

- the forms: ``mock.patch("a.b.C")`` / ``unittest.mock.patch`` / a bare imported ``patch``,
  ``patch.object(obj, "name")`` where ``obj`` is a module or class the test imports,
  ``patch.multiple``, ``patch.dict("sys.modules", ...)``, pytest-mock's ``mocker.patch*``,
  ``monkeypatch.setattr("a.b.c", ...)`` / ``(obj, "name", ...)``, ``monkeypatch.delattr``,
  ``monkeypatch.setitem(sys.modules, ...)``; as decorators, context managers and plain calls.
  A call is a patch only when its callee resolves to ``unittest.mock``/``mock`` through the
  file's imports, or is the ``mocker``/``monkeypatch`` fixture: ``client.patch("/items")`` or
  ``requests.patch(url)`` (HTTP PATCH) are not.
- kinds: internal (the project's own code), external (standard library, third party, and such an
  object reached through a project module's import: ``app.views.requests.get`` patches
  ``requests.get`` through ``app.views``), module-hiding (``sys.modules`` patched).
- SG401 (error): an internal target that no longer exists (outside ``create=True``): what it
  stood for was renamed or removed, and the test keeps a ghost alive.
- SG402 (error): an internal target whose real code fails the other checks: its module has an
  error finding, or an import of the very name patched fails (``from m import Name``).
"""

from __future__ import annotations

import builtins
import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from smokegen.graph.imports import import_closure, import_time_graph
from smokegen.graph.index import ProjectIndex, Verdict, may_run_on_import
from smokegen.model import BindingKind, Finding, ImportInfo, Location, ProjectModel, Severity, codes
from smokegen.scan.cst_tools import dotted_name

_MOCK_MODULES = ("unittest.mock", "mock")
# mock.patch("app.cli.open") makes the attribute of a module when it is a builtin's name (create=True
# implied): the module's code looks the name up there before the builtins.
_BUILTINS = frozenset(name for name in dir(builtins) if not name.startswith("_"))


class TargetKind(enum.Enum):
    INTERNAL = "internal"
    EXTERNAL = "external"
    MODULE_HIDING = "module-hiding"


@dataclass(frozen=True, slots=True, order=True)
class PatchTarget:
    location: Location
    test: str  # the enclosing test (``TestX.test_y``), "" at module level
    form: str  # patch | patch.object | patch.multiple | patch.dict | mocker.patch | monkeypatch.setattr ...
    target: str  # dotted: "a.b.C"; for sys.modules: the hidden module ("" when unknown)
    create: bool = False
    hides_modules: bool = False


@dataclass(frozen=True, slots=True)
class AuditedTarget:
    """A target judged. An external one reached through a project module (``app.views.requests.get``)
    names that module (``through``: ``app.views``) and what is patched (``origin``: ``requests.get``)."""

    patch: PatchTarget
    kind: TargetKind
    through: str = ""
    origin: str = ""


@dataclass(frozen=True, slots=True)
class MocksReport:
    targets: tuple[AuditedTarget, ...]
    findings: tuple[Finding, ...]
    files: tuple[str, ...]  # test files read


def _string(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _keys(node: cst.Dict) -> list[str | None]:
    """The string keys of a dict display (None for a key that is not a string)."""
    return [_string(e.key) if isinstance(e, cst.DictElement) else None for e in node.elements]


SYS_MODULES_ITEM = "sys.modules[]"  # sys.modules["app.x"] = fake
SYS_MODULES_UPDATE = "sys.modules.update"


class _Aliases(cst.CSTVisitor):
    """Local name -> dotted origin, from the file's imports (any depth)."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            full = dotted_name(alias.name)
            if full is None:
                continue
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.names[alias.asname.name.value] = full
            else:
                top = full.split(".")[0]
                self.names.setdefault(top, top)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None or isinstance(node.names, cst.ImportStar):
            return
        module = dotted_name(node.module)
        if module is None:
            return
        for alias in node.names:
            name = dotted_name(alias.name)
            if name is None:
                continue
            local = (
                alias.asname.name.value
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name)
                else name
            )
            self.names[local] = f"{module}.{name}"


class _Patches(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, path: str, aliases: dict[str, str]) -> None:
        self.path = path
        self.aliases = aliases
        self.scope: list[str] = []
        self.found: list[PatchTarget] = []

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.scope.append(node.name.value)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.scope.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.scope.append(node.name.value)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.scope.pop()

    def _resolve(self, dotted: str) -> str:
        head, _, rest = dotted.partition(".")
        origin = self.aliases.get(head)
        if origin is None:
            return dotted
        return f"{origin}.{rest}" if rest else origin

    def _form(self, callee: str) -> str | None:
        """The patch form a callee is, or None for anything else."""
        head = callee.split(".")[0]
        if head in ("mocker", "monkeypatch") and head not in self.aliases:
            tail = callee.partition(".")[2]
            if head == "mocker" and tail in ("patch", "patch.object", "patch.multiple", "patch.dict"):
                return f"mocker.{tail}"
            if head == "monkeypatch" and tail in ("setattr", "delattr", "setitem", "delitem"):
                return f"monkeypatch.{tail}"
            return None
        resolved = self._resolve(callee)
        for module in _MOCK_MODULES:
            if resolved.startswith(f"{module}.patch"):
                tail = resolved[len(module) + 1 :]
                if tail in ("patch", "patch.object", "patch.multiple", "patch.dict"):
                    return tail
        return None

    def _is_sys_modules_name(self, name: str) -> bool:
        return name.split(".")[0] in self.aliases and self._resolve(name) == "sys.modules"

    def _is_sys_modules(self, node: cst.BaseExpression) -> bool:
        text = _string(node)
        if text is not None:
            return text == "sys.modules"
        name = dotted_name(node)
        return name is not None and self._is_sys_modules_name(name)

    def _object(self, node: cst.BaseExpression) -> str | None:
        name = dotted_name(node)
        if name is None or name.split(".")[0] not in self.aliases:
            return None  # a local object: not statically known
        return self._resolve(name)

    def _where(self, node: cst.CSTNode) -> Location:
        position = self.get_metadata(PositionProvider, node).start
        return Location(self.path, position.line, position.column + 1)

    def _hide(self, node: cst.CSTNode, form: str, keys: Iterable[str | None]) -> None:
        """Module-hiding: each key of ``sys.modules`` written ("" for one not known statically)."""
        where, test = self._where(node), ".".join(self.scope)
        for key in sorted({k for k in keys if k}) or [""]:
            self.found.append(PatchTarget(where, test, form, key, hides_modules=True))

    def visit_Assign(self, node: cst.Assign) -> None:
        # sys.modules["app.streaming"] = fake
        for target in node.targets:
            subscript = target.target
            if (
                isinstance(subscript, cst.Subscript)
                and self._is_sys_modules(subscript.value)
                and len(subscript.slice) == 1
                and isinstance(subscript.slice[0].slice, cst.Index)
            ):
                self._hide(node, SYS_MODULES_ITEM, [_string(subscript.slice[0].slice.value)])

    def visit_Call(self, node: cst.Call) -> None:
        callee = dotted_name(node.func)
        if callee is not None and callee.endswith(".update") and self._is_sys_modules_name(callee[: -len(".update")]):
            # sys.modules.update({"app.streaming": fake})
            first = node.args[0].value if node.args and node.args[0].keyword is None else None
            self._hide(node, SYS_MODULES_UPDATE, _keys(first) if isinstance(first, cst.Dict) else [None])
            return
        form = None if callee is None else self._form(callee)
        if form is None:
            return
        where = self._where(node)
        test = ".".join(self.scope)
        positional = [a.value for a in node.args if a.keyword is None and a.star == ""]
        keywords = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
        # create=True (mock) / raising=False (monkeypatch): a missing attribute is made, not an error
        flag = keywords.get("raising" if form.startswith("monkeypatch.") else "create")
        create = isinstance(flag, cst.Name) and flag.value == ("False" if form.startswith("monkeypatch.") else "True")

        def add(target: str, *, hides: bool = False) -> None:
            self.found.append(PatchTarget(where, test, form, target, create, hides))

        kind = form.rpartition(".")[2]
        if not positional:
            return
        first = positional[0]
        if kind in ("setitem", "delitem"):
            if self._is_sys_modules(first):
                key = _string(positional[1]) if len(positional) > 1 else None
                add(key or "", hides=True)
            return
        if kind == "dict":
            if self._is_sys_modules(first):
                hidden = _keys(positional[1]) if len(positional) > 1 and isinstance(positional[1], cst.Dict) else []
                for name in sorted({h for h in hidden if h}) or [""]:
                    add(name, hides=True)
            else:
                target = _string(first) or self._object(first)  # patch.dict(os.environ, ...), ("app.settings.FLAGS")
                if target is not None:
                    add(target)
            return
        if kind == "patch":
            text = _string(first)
            if text is not None and "." in text:
                add(text)
            return
        if kind in ("setattr", "delattr"):
            text = _string(first)
            if text is not None and "." in text and (len(positional) == 2 or kind == "delattr"):
                add(text)  # monkeypatch.setattr("a.b.c", value)
                return
            if len(positional) >= 2:
                obj, attr = self._object(first), _string(positional[1])
                if obj is not None and attr is not None:
                    add(f"{obj}.{attr}")
            return
        if kind == "object" and len(positional) >= 2:
            obj, attr = self._object(first), _string(positional[1])
            if obj is not None and attr is not None:
                add(f"{obj}.{attr}")
            return
        if kind == "multiple":
            obj = _string(first) or self._object(first)
            if obj is not None:
                for name in sorted(
                    k for k in keywords if k not in ("spec", "spec_set", "create", "new_callable", "autospec")
                ):
                    add(f"{obj}.{name}")


def find_patches(source: str, path: str) -> list[PatchTarget]:
    """Every patch target in one test file's source (none when it does not parse)."""
    try:
        module = cst.parse_module(source)
    except Exception:  # a test file that does not parse has no targets to audit
        return []
    aliases = _Aliases()
    module.visit(aliases)
    finder = _Patches(path, aliases.names)
    MetadataWrapper(module, unsafe_skip_copy=True).visit(finder)
    return sorted(finder.found)


def _split(index: ProjectIndex, target: str) -> tuple[str, list[str]] | None:
    """(the longest project module prefix with at least one attribute after it, the attributes)."""
    parts = target.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        module = ".".join(parts[:cut])
        if index.exists(module):
            return module, parts[cut:]
    return None


def _import_origin(imp: ImportInfo) -> str:
    """What an import binds, named from where it comes: ``import a.b`` -> ``a``; ``import a.b as c``
    -> ``a.b``; ``from a import b`` -> ``a.b``."""
    if imp.name is None:
        return imp.module if imp.alias is not None else imp.module.split(".", 1)[0]
    return f"{imp.module}.{imp.name}"


def reached_through(index: ProjectIndex, target: str, depth: int = 0) -> tuple[str, str] | None:
    """(the project module, the outside object) when ``target`` reaches a third-party or standard
    library object through a project module's import: ``app.lib.curl.pycurl.Curl`` where
    ``app/lib/curl.py`` does ``import pycurl`` -> ``("app.lib.curl", "pycurl.Curl")``; a re-export
    from another project module is followed. None when the name is the project's own (a class or
    function of that module, or bound by no module-level import from outside)."""
    split = _split(index, target)
    if split is None or depth > 8:
        return None
    module, attributes = split
    info = index.modules.get(module)
    if info is None:
        return None
    name = attributes[0]
    if any(b.name == name and b.kind in (BindingKind.CLASS, BindingKind.FUNCTION) for b in info.bindings):
        return None
    origins = {
        _import_origin(imp)
        for imp in info.imports
        if imp.resolved and imp.bound_name == name and may_run_on_import(imp)
    }
    if not origins:
        return None
    rest = ".".join(attributes[1:])
    outside = sorted(o for o in origins if not index.is_project(o))
    if len(outside) == len(origins):
        return module, f"{outside[0]}.{rest}" if rest else outside[0]
    if len(origins) == 1:  # a re-export of another project module's name: follow it
        (origin,) = origins
        found = reached_through(index, f"{origin}.{rest}" if rest else origin, depth + 1)
        return (module, found[1]) if found is not None else None
    return None


def classify(index: ProjectIndex, patch: PatchTarget) -> TargetKind:
    """Module-hiding (``sys.modules`` patched), internal (the project's own code), or external: the
    standard library, a third party, or such an object reached through a project module."""
    if patch.hides_modules:
        return TargetKind.MODULE_HIDING
    if not index.is_project(patch.target) or reached_through(index, patch.target) is not None:
        return TargetKind.EXTERNAL
    return TargetKind.INTERNAL


def _who(patch: PatchTarget) -> str:
    return f"test {patch.test}" if patch.test else "module-level code"


def _describe(patch: PatchTarget) -> str:
    return f"{_who(patch)} patches '{patch.target}' ({patch.form})"


def shown_form(form: str) -> str:
    """How a module-hiding form reads in a message: ``patch.dict(sys.modules)``."""
    if form == SYS_MODULES_ITEM:
        return "an assignment to sys.modules[...]"
    return "sys.modules.update()" if form == SYS_MODULES_UPDATE else f"{form}(sys.modules)"


def _hidden_and_broken(
    index: ProjectIndex, hidden: str, by_path: Mapping[str, Sequence[Finding]]
) -> tuple[str, list[Finding]] | None:
    """Why hiding the project module ``hidden`` hides a failure, and the error findings it hides:
    those of the modules its import runs ("it does not import"), else those of the modules under
    it. None for a module outside the project, or one with nothing broken."""
    if not hidden or not index.is_project(hidden) or not index.exists(hidden):
        return None
    paths = {name: info.path for name, info in index.modules.items()}
    paths.update({f.name: f.path for f in index.model.failures})
    loaded = import_closure(hidden, import_time_graph(index))  # in production: its packages too
    broken = sorted({f for name in loaded for f in by_path.get(paths.get(name, ""), ())})
    if broken:
        return "it does not import", broken
    under = sorted(name for name in paths if name.startswith(f"{hidden}."))
    broken = sorted({f for name in under for f in by_path.get(paths[name], ())})
    if broken:
        return "a module under it is broken", broken
    return None


def _hiding_finding(
    index: ProjectIndex, patch: PatchTarget, by_path: Mapping[str, Sequence[Finding]]
) -> Finding | None:
    """SG402 for a module-hiding patch of a project module that does not import (or has a broken
    module under it), naming the finding; None otherwise."""
    hidden = _hidden_and_broken(index, patch.target, by_path)
    if hidden is None:
        return None
    why, broken = hidden
    more = f" (and {len(broken) - 1} more)" if len(broken) > 1 else ""
    return codes.MOCKED_AND_BROKEN.at(
        patch.location,
        f"{_who(patch)} hides {patch.target} from the tests with {shown_form(patch.form)}: "
        f"{why} ({broken[0]}{more}); the fake stands in for code production cannot import: "
        "fix the finding, and hide an external dependency instead if one is needed",
    )


def audit(
    model: ProjectModel,
    patches: Iterable[PatchTarget],
    findings: Sequence[Finding],
    files: Sequence[str],
    test_findings: Iterable[Finding] = (),
) -> MocksReport:
    """Classify every target; SG401 for stale internal targets, SG402 for mocked-and-broken ones.
    ``findings``: the other checks' findings for the project (static, and runtime when run);
    ``test_findings``: those in the test files themselves (their imports), reported with the rest."""
    index = ProjectIndex(model)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    by_path: dict[str, list[Finding]] = {}
    by_line: dict[tuple[str, int], list[Finding]] = {}
    for finding in errors:
        by_path.setdefault(finding.location.path, []).append(finding)
        by_line.setdefault((finding.location.path, finding.location.line), []).append(finding)
    imports_of: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for info in model.modules:
        for imp in info.imports:
            if imp.name not in (None, "*"):
                imports_of.setdefault((imp.module, imp.name), []).append((imp.location.path, imp.location.line))
    paths = {m.name: m.path for m in model.modules} | {f.name: f.path for f in model.failures}
    audited: list[AuditedTarget] = []
    out: list[Finding] = []
    for patch in sorted(set(patches)):
        kind = classify(index, patch)
        via = reached_through(index, patch.target) if kind is TargetKind.EXTERNAL else None
        audited.append(AuditedTarget(patch, kind, *(via or ("", ""))))
        if kind is TargetKind.MODULE_HIDING:
            hiding = _hiding_finding(index, patch, by_path)
            if hiding is not None:
                out.append(hiding)
            continue
        if kind is not TargetKind.INTERNAL:
            continue
        split = _split(index, patch.target)
        if split is None:
            if not patch.create:
                stale = codes.STALE_MOCK
                top = patch.target.split(".")[0]
                out.append(
                    stale.at(
                        patch.location,
                        f"{_describe(patch)}, but no module of '{top}' provides it: what it stood for was renamed or removed; patch the new name or delete the mock",
                    )
                )
            continue
        module, attributes = split
        broken: list[Finding] = list(by_path.get(paths.get(module, ""), []))
        for where in imports_of.get((module, attributes[0]), []):
            broken.extend(by_line.get(where, []))
        if broken:
            first = sorted(set(broken))[0]
            more = f" (and {len(set(broken)) - 1} more)" if len(set(broken)) > 1 else ""
            code = codes.MOCKED_AND_BROKEN
            out.append(
                code.at(
                    patch.location,
                    f"{_describe(patch)}, and the real code is broken: {first}{more}; the mock hides it from this test",
                )
            )
            continue
        builtin = len(attributes) == 1 and attributes[0] in _BUILTINS and module in index.modules
        if not patch.create and not builtin and index.provides(module, attributes[0]) is Verdict.NO:
            stale = codes.STALE_MOCK
            out.append(
                stale.at(
                    patch.location,
                    f"{_describe(patch)}, but '{module}' has no '{attributes[0]}': what it stood for was renamed or removed; patch the new name or delete the mock",
                )
            )
    out.extend(test_findings)
    return MocksReport(tuple(audited), tuple(sorted(set(out))), tuple(sorted(files)))
