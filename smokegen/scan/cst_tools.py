"""Small helpers shared by the scanner's collectors: positions, source text, dotted names, guards."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import libcst as cst

from smokegen.model import Guard, GuardKind, Location, SourceFile
from smokegen.scan.positions import Position

IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError"})
BROAD_ERRORS = frozenset({"Exception", "BaseException"})
VERSION_NAMES = ("sys.version_info", "sys.version", "version_info", "sys.hexversion", "PY2", "PY3", "PY37")
PLATFORM_NAMES = ("sys.platform", "os.name", "platform.system", "sys.implementation", "platform.python_implementation")


@dataclass
class Context:
    """What every collector needs about the module being scanned."""

    file: SourceFile
    module: cst.Module
    positions: dict[cst.CSTNode, Position]
    guard_cache: dict[Frame, tuple[Guard, ...]] = field(default_factory=dict)

    def location(self, node: cst.CSTNode) -> Location:
        line, column = self.positions.get(node, (1, 1))
        return Location(self.file.path, line, column)

    def code(self, node: cst.CSTNode) -> str:
        return " ".join(self.module.code_for_node(node).split())


def dotted_name(node: cst.BaseExpression | None) -> str | None:
    """``a.b.c`` for Name/Attribute chains, else None."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        left = dotted_name(node.value)
        return None if left is None else f"{left}.{node.attr.value}"
    return None


def callee_or_self(node: cst.BaseExpression) -> cst.BaseExpression:
    """``f`` for ``f(...)``, ``X`` for ``X[...]``, else the node."""
    while isinstance(node, (cst.Call, cst.Subscript)):
        node = node.func if isinstance(node, cst.Call) else node.value
    return node


def last_part(node: cst.BaseExpression) -> str | None:
    """The last component of a (possibly called or subscripted) dotted name: ``Generic`` for ``typing.Generic[T]``."""
    name = dotted_name(callee_or_self(node))
    return None if name is None else name.rpartition(".")[2]


def names_in(node: cst.CSTNode) -> Iterator[str]:
    """Dotted names appearing in an expression (shallow structural walk, no visitor)."""
    stack: list[cst.CSTNode] = [node]
    while stack:
        current = stack.pop()
        name = dotted_name(current) if isinstance(current, (cst.Name, cst.Attribute)) else None
        if name is not None:
            yield name
            continue
        stack.extend(current.children)


def is_type_checking(node: cst.BaseExpression) -> bool:
    name = dotted_name(node)
    return name is not None and name.rpartition(".")[2] == "TYPE_CHECKING"


def is_main_test(node: cst.BaseExpression) -> bool:
    if not isinstance(node, cst.Comparison) or len(node.comparisons) != 1:
        return False
    target = node.comparisons[0]
    if not isinstance(target.operator, cst.Equal):
        return False
    sides = (node.left, target.comparator)
    names = {s.value for s in sides if isinstance(s, cst.Name)}
    strings = {s.evaluated_value for s in sides if isinstance(s, cst.SimpleString)}
    return names == {"__name__"} and strings == {"__main__"}


def if_guards(ctx: Context, test: cst.BaseExpression) -> tuple[Guard | None, Guard | None]:
    """The guards an ``if`` puts on its body and on its ``else`` branch."""
    if is_type_checking(test):
        return Guard(GuardKind.TYPE_CHECKING), None
    if (
        isinstance(test, cst.UnaryOperation)
        and isinstance(test.operator, cst.Not)
        and is_type_checking(test.expression)
    ):
        return None, Guard(GuardKind.TYPE_CHECKING)
    if is_main_test(test):
        return Guard(GuardKind.MAIN_BLOCK), None
    condition = ctx.code(test)
    names = list(names_in(test))
    kind = GuardKind.CONDITION
    if any(n.endswith(v) for n in names for v in VERSION_NAMES):
        kind = GuardKind.VERSION
    elif any(n.endswith(p) for n in names for p in PLATFORM_NAMES):
        kind = GuardKind.PLATFORM
    return Guard(kind, condition), Guard(kind, f"not ({condition})")


def caught_names(handlers: Sequence[cst.ExceptHandler | cst.ExceptStarHandler]) -> tuple[list[str], bool]:
    """The exception names a ``try`` catches, and whether a bare ``except:`` is among them."""
    names: list[str] = []
    bare = False
    for handler in handlers:
        if handler.type is None:
            bare = True
            continue
        elements = handler.type.elements if isinstance(handler.type, cst.Tuple) else None
        exprs = [e.value for e in elements] if elements is not None else [handler.type]
        for expr in exprs:
            name = dotted_name(expr)
            names.append(name.rpartition(".")[2] if name else "?")
    return names, bare


def try_guard(handlers: Sequence[cst.ExceptHandler | cst.ExceptStarHandler]) -> Guard:
    names, bare = caught_names(handlers)
    detail = ", ".join(names + (["<bare except>"] if bare else []))
    if IMPORT_ERRORS.intersection(names):
        return Guard(GuardKind.TRY_IMPORT_ERROR, detail)
    if bare or BROAD_ERRORS.intersection(names):
        return Guard(GuardKind.TRY_BROAD, detail)
    return Guard(GuardKind.TRY_OTHER, detail)


def with_guard(ctx: Context, node: cst.With) -> Guard | None:
    """``with suppress(ImportError):`` (or ``pytest.raises(ImportError)``, ``assertRaises``...) guards its body
    like ``try/except ImportError``: any context manager called with an exception class it is told to catch."""
    for item in node.items:
        call = item.item
        if not isinstance(call, cst.Call):
            continue
        caught = [last_part(arg.value) or "?" for arg in call.args if arg.keyword is None]
        text = f"{last_part(call.func)}({', '.join(caught)})"
        if IMPORT_ERRORS.intersection(caught):
            return Guard(GuardKind.TRY_IMPORT_ERROR, text)
        if BROAD_ERRORS.intersection(caught):
            return Guard(GuardKind.TRY_BROAD, text)
    return None


def body_statements(body: cst.BaseSuite) -> Sequence[cst.BaseStatement | cst.BaseSmallStatement]:
    """The statements of an indented block, or the small statements of a one-line suite."""
    if isinstance(body, cst.IndentedBlock):
        return body.body
    if isinstance(body, cst.SimpleStatementSuite):
        return body.body
    return ()


Statement = cst.BaseStatement | cst.BaseSmallStatement


class Frame:
    """One enclosing block of a statement (``if`` body, ``try`` body, function...), linked outwards.

    The walker hands out frames, not guards: turning a frame into a :class:`Guard` needs the
    condition's source text, which is paid for only when a collector asks (``Context.guards``),
    i.e. for the few blocks that hold an import.
    """

    __slots__ = ("parent", "node", "branch")

    def __init__(self, parent: Frame | None, node: cst.CSTNode, branch: str = "") -> None:
        self.parent = parent
        self.node = node
        self.branch = branch

    def guard(self, ctx: Context) -> Guard | None:
        guard = self._guard(ctx)
        if guard is None:
            return None
        return Guard(guard.kind, guard.detail, ctx.location(self.node).line)

    def _guard(self, ctx: Context) -> Guard | None:
        node = self.node
        if isinstance(node, cst.If):
            body_guard, else_guard = if_guards(ctx, node.test)
            return body_guard if self.branch == "body" else else_guard
        if isinstance(node, (cst.ExceptHandler, cst.ExceptStarHandler)):
            caught = ctx.code(node.type) if node.type is not None else "anything"
            return Guard(GuardKind.TRY_FALLBACK, f"the try body raised {caught}")
        if isinstance(node, (cst.Try, cst.TryStar)):
            if self.branch == "else":
                return Guard(GuardKind.TRY_ELSE, "the try body succeeded")
            return try_guard(node.handlers)
        if isinstance(node, cst.With):
            return with_guard(ctx, node)
        if isinstance(node, cst.For):
            return Guard(GuardKind.CONDITION, "for loop")
        if isinstance(node, cst.While):
            return Guard(GuardKind.CONDITION, "while loop")
        if isinstance(node, cst.Match):
            return Guard(GuardKind.CONDITION, f"match {ctx.code(node.subject)}")
        if isinstance(node, cst.FunctionDef):
            return Guard(GuardKind.FUNCTION, node.name.value)
        return None


def guards_of(ctx: Context, frame: Frame | None) -> tuple[Guard, ...]:
    """The guards a statement in ``frame`` sits under, outermost first (memoised per frame)."""
    if frame is None:
        return ()
    cached = ctx.guard_cache.get(frame)
    if cached is None:
        guard = frame.guard(ctx)
        outer = guards_of(ctx, frame.parent)
        cached = outer if guard is None else (*outer, guard)
        ctx.guard_cache[frame] = cached
    return cached


def walk_statements(
    statements: Sequence[Statement],
    frame: Frame | None = None,
    *,
    into_defs: bool,
) -> Iterator[tuple[Statement, Frame | None]]:
    """Yield every statement with its innermost enclosing :class:`Frame` (None at module level).

    Walks statement structure only (never expressions), which is what makes the
    scanner cheap. With ``into_defs`` it enters function bodies (under a FUNCTION
    guard) and class bodies (which run at import time, so no frame is added).
    """
    for stmt in statements:
        yield stmt, frame
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                yield small, frame
        elif isinstance(stmt, cst.If):
            yield from _walk_if(stmt, frame, into_defs=into_defs)
        elif isinstance(stmt, (cst.Try, cst.TryStar)):
            yield from walk_statements(body_statements(stmt.body), Frame(frame, stmt), into_defs=into_defs)
            for handler in stmt.handlers:  # fallbacks: run only when the body raised
                yield from walk_statements(body_statements(handler.body), Frame(frame, handler), into_defs=into_defs)
            if stmt.orelse is not None:  # runs only when the body raised nothing
                yield from walk_statements(
                    body_statements(stmt.orelse.body), Frame(frame, stmt, "else"), into_defs=into_defs
                )
            if stmt.finalbody is not None:
                yield from walk_statements(body_statements(stmt.finalbody.body), frame, into_defs=into_defs)
        elif isinstance(stmt, cst.With):
            yield from walk_statements(body_statements(stmt.body), Frame(frame, stmt), into_defs=into_defs)
        elif isinstance(stmt, (cst.For, cst.While)):
            inner = Frame(frame, stmt)
            yield from walk_statements(body_statements(stmt.body), inner, into_defs=into_defs)
            if stmt.orelse is not None:
                yield from walk_statements(body_statements(stmt.orelse.body), inner, into_defs=into_defs)
        elif isinstance(stmt, cst.Match):
            inner = Frame(frame, stmt)
            for case in stmt.cases:
                yield from walk_statements(body_statements(case.body), inner, into_defs=into_defs)
        elif isinstance(stmt, cst.FunctionDef) and into_defs:
            yield from walk_statements(body_statements(stmt.body), Frame(frame, stmt), into_defs=into_defs)
        elif isinstance(stmt, cst.ClassDef) and into_defs:
            yield from walk_statements(body_statements(stmt.body), frame, into_defs=into_defs)


def _walk_if(stmt: cst.If, frame: Frame | None, *, into_defs: bool) -> Iterator[tuple[Statement, Frame | None]]:
    yield from walk_statements(body_statements(stmt.body), Frame(frame, stmt, "body"), into_defs=into_defs)
    other = Frame(frame, stmt, "else")
    if isinstance(stmt.orelse, cst.If):
        yield from _walk_if(stmt.orelse, other, into_defs=into_defs)
    elif isinstance(stmt.orelse, cst.Else):
        yield from walk_statements(body_statements(stmt.orelse.body), other, into_defs=into_defs)
