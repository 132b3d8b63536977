"""Collector: the names a module binds at top level, ``__all__``, ``__getattr__`` and ``__main__`` blocks."""

from __future__ import annotations

import re
from dataclasses import dataclass

import libcst as cst

from smokegen.model import Binding, BindingKind, GuardKind, Suppression
from smokegen.scan.cst_tools import Context, dotted_name, guards_of, is_main_test, walk_statements

# The module binds names the scanner cannot list: ``globals()[...] =``, ``globals().update(...)``,
# ``vars()[...]``, ``sys.modules[...]`` tricks, and the enum helpers that
# export members as module globals (``@enum.global_enum``, ``IntEnum._convert_``, as ``re`` and
# ``signal`` do).
_DYNAMIC_GLOBALS = re.compile(
    r"\b(?:globals|vars)\(\)\s*(?:\[|\.update\b|\.setdefault\b)|sys\.modules\["
    r"|\bglobal_enum\b|\._convert_\("
    # a module rebuilt at import time from a table of lazy attributes (celery, kombu; transformers)
    r"|\brecreate_module\(|\b_?LazyModule\("
    # the module's namespace handed to a function that fills it (eventlet's slurp_properties(m,
    # globals()), exec(code, globals())), or code run in it at module level (twisted's exec(r'''...'''))
    r"|,\s*globals\(\)\s*[,)]|^exec\(",
    re.MULTILINE,
)


# ``# smokegen: ignore`` or ``# smokegen: ignore[SG101, SG104]``
_SUPPRESSION = re.compile(r"#\s*smokegen:\s*ignore(?:\[([A-Za-z0-9_,\s]*)\])?")


def _suppressions(source: str) -> tuple[Suppression, ...]:
    if "smokegen:" not in source:
        return ()
    found = []
    for number, line in enumerate(source.splitlines(), start=1):
        match = _SUPPRESSION.search(line)
        if match:
            codes = tuple(sorted(c.strip().upper() for c in (match.group(1) or "").split(",") if c.strip()))
            found.append(Suppression(number, codes))
    return tuple(found)


_CONDITIONAL = frozenset(
    {GuardKind.CONDITION, GuardKind.VERSION, GuardKind.PLATFORM, GuardKind.MAIN_BLOCK, GuardKind.FUNCTION}
)


@dataclass(frozen=True, slots=True)
class Names:
    bindings: tuple[Binding, ...]
    all_names: tuple[str, ...] | None
    dynamic_all: bool
    dynamic_globals: bool
    has_getattr: bool
    has_main_block: bool
    extends_path: bool
    suppressions: tuple[Suppression, ...]


def _target_names(node: cst.BaseExpression) -> list[str]:
    if isinstance(node, cst.Name):
        return [node.value]
    if isinstance(node, (cst.Tuple, cst.List)):
        out: list[str] = []
        for element in node.elements:
            out.extend(_target_names(element.value))
        return out
    if isinstance(node, cst.StarredElement):
        return _target_names(node.value)
    return []


def _string_list(node: cst.BaseExpression) -> tuple[list[str], bool]:
    """Literal strings of a list/tuple (or ``+`` of them); the flag says something was not literal."""
    if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
        names: list[str] = []
        dynamic = False
        for element in node.elements:
            value = element.value
            if isinstance(value, cst.SimpleString) and isinstance(value.evaluated_value, str):
                names.append(value.evaluated_value)
            else:
                dynamic = True
        return names, dynamic
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        left, left_dynamic = _string_list(node.left)
        right, right_dynamic = _string_list(node.right)
        return left + right, left_dynamic or right_dynamic
    if isinstance(node, cst.SimpleString) and isinstance(node.evaluated_value, str):
        return [node.evaluated_value], False
    return [], True


def _bound_by(stmt: cst.CSTNode) -> list[tuple[str, BindingKind]]:
    if isinstance(stmt, cst.FunctionDef):
        return [(stmt.name.value, BindingKind.FUNCTION)]
    if isinstance(stmt, cst.ClassDef):
        return [(stmt.name.value, BindingKind.CLASS)]
    if isinstance(stmt, cst.Assign):
        return [(n, BindingKind.ASSIGNMENT) for t in stmt.targets for n in _target_names(t.target)]
    if isinstance(stmt, cst.AnnAssign):
        kind = BindingKind.ASSIGNMENT if stmt.value is not None else BindingKind.ANNOTATION
        return [(n, kind) for n in _target_names(stmt.target)]
    if isinstance(stmt, cst.AugAssign):
        return [(n, BindingKind.ASSIGNMENT) for n in _target_names(stmt.target)]
    if isinstance(stmt, cst.Import):
        out = []
        for alias in stmt.names:
            if alias.asname is not None:
                out.extend(_target_names(alias.asname.name))
            else:
                full = dotted_name(alias.name)
                if full:
                    out.append(full.split(".")[0])
        return [(n, BindingKind.IMPORT) for n in out]
    if isinstance(stmt, cst.ImportFrom) and not isinstance(stmt.names, cst.ImportStar):
        out = []
        for alias in stmt.names:
            if alias.asname is not None:
                out.extend(_target_names(alias.asname.name))
            elif isinstance(alias.name, cst.Name):
                out.append(alias.name.value)
        return [(n, BindingKind.IMPORT) for n in out]
    if isinstance(stmt, cst.For):
        return [(n, BindingKind.ASSIGNMENT) for n in _target_names(stmt.target)]
    if isinstance(stmt, cst.With):
        return [
            (n, BindingKind.ASSIGNMENT)
            for item in stmt.items
            if item.asname is not None
            for n in _target_names(item.asname.name)
        ]
    if isinstance(stmt, (cst.If, cst.While)) and isinstance(stmt.test, cst.NamedExpr):
        return [(n, BindingKind.ASSIGNMENT) for n in _target_names(stmt.test.target)]
    type_alias = getattr(cst, "TypeAlias", None)
    if type_alias is not None and isinstance(stmt, type_alias):
        return [(stmt.name.value, BindingKind.TYPE_ALIAS)]
    return []


def collect_names(ctx: Context, source: str) -> Names:
    first: dict[str, Binding] = {}
    typing_only: dict[str, Binding] = {}
    unconditional: set[str] = set()
    all_names: list[str] | None = None
    dynamic_all = False
    has_main = False
    for stmt, frame in walk_statements(ctx.module.body, into_defs=False):
        guards = guards_of(ctx, frame)
        if isinstance(stmt, cst.If) and is_main_test(stmt.test) and not guards:
            has_main = True
        type_only = any(g.kind is GuardKind.TYPE_CHECKING for g in guards)
        for name, kind in _bound_by(stmt):
            if type_only:
                # Bound for the type checker only: absent at run time, kept for TYPE_CHECKING imports.
                typing_only.setdefault(name, Binding(name, kind, ctx.location(stmt), True, True))
                continue
            # A try binds its names in the body or in the fallback: not conditional in itself.
            conditional = any(g.kind in _CONDITIONAL for g in guards)
            if name not in first:
                first[name] = Binding(name, kind, ctx.location(stmt), conditional=conditional)
            if not conditional:
                unconditional.add(name)
        if type_only:
            continue
        # __all__ = [...], __all__ += [...], __all__.extend([...]) / .append("x")
        if isinstance(stmt, (cst.Assign, cst.AnnAssign, cst.AugAssign)):
            targets = [t.target for t in stmt.targets] if isinstance(stmt, cst.Assign) else [stmt.target]
            if any(isinstance(t, cst.Name) and t.value == "__all__" for t in targets) and stmt.value is not None:
                names, dynamic = _string_list(stmt.value)
                if isinstance(stmt, cst.AugAssign):
                    all_names = (all_names or []) + names
                else:
                    all_names = names
                dynamic_all = dynamic_all or dynamic
            elif any("__all__" in _target_names(t) for t in targets):
                all_names, dynamic_all = all_names or [], True  # unpacked from a call: unknowable
        elif isinstance(stmt, cst.Expr) and isinstance(stmt.value, cst.Call):
            func = dotted_name(stmt.value.func)
            if func in ("__all__.extend", "__all__.append", "__all__.remove"):
                args = stmt.value.args
                names, dynamic = _string_list(args[0].value) if len(args) == 1 else ([], True)
                if func == "__all__.remove":
                    all_names = [n for n in (all_names or []) if n not in names]
                else:
                    all_names = (all_names or []) + names
                dynamic_all = dynamic_all or dynamic
    bindings = tuple(
        Binding(b.name, b.kind, b.location, conditional=b.name not in unconditional) for b in first.values()
    ) + tuple(b for name, b in typing_only.items() if name not in first)
    return Names(
        bindings=bindings,
        all_names=None if all_names is None else tuple(all_names),
        dynamic_all=dynamic_all,
        dynamic_globals=_DYNAMIC_GLOBALS.search(source) is not None,
        has_getattr="__getattr__" in first,
        has_main_block=has_main,
        extends_path="__path__" in first,
        suppressions=_suppressions(source),
    )
