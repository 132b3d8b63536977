"""Collector: ``pkg.sub.name`` uses evaluated at import time, where ``pkg`` came from a plain ``import``.

``import pkg`` followed by ``pkg.sub.thing`` at module level works only if some
module imported ``pkg.sub`` before; the static checks need these uses. Only
code that runs on import is read: module-level statements, class bodies,
decorators, default values, ``if``/``for``/``with`` headers; never function
bodies, lambdas, ``TYPE_CHECKING`` blocks, ``__main__`` blocks or ``try`` bodies
(a ``try`` may be there to catch exactly this).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import libcst as cst

from smokegen.model import AttributeUse, GuardKind, ImportInfo
from smokegen.scan.cst_tools import Context, Statement, body_statements, dotted_name, guards_of, walk_statements

_SKIP = frozenset(
    {
        GuardKind.TYPE_CHECKING,
        GuardKind.MAIN_BLOCK,
        GuardKind.TRY_IMPORT_ERROR,
        GuardKind.TRY_BROAD,
        GuardKind.TRY_OTHER,
    }
)


def _expressions(stmt: Statement) -> Iterator[cst.CSTNode]:
    """The parts of a statement that are evaluated when the statement runs at import time."""
    if isinstance(stmt, cst.AnnAssign):
        if stmt.value is not None:  # annotations are not read: often lazy (PEP 563), and only types
            yield stmt.value
    elif isinstance(stmt, cst.BaseSmallStatement):
        if not isinstance(stmt, (cst.Import, cst.ImportFrom)):
            yield stmt
    elif isinstance(stmt, cst.FunctionDef):
        yield from (d.decorator for d in stmt.decorators)
        params = stmt.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            if param.default is not None:
                yield param.default
    elif isinstance(stmt, cst.ClassDef):
        yield from (d.decorator for d in stmt.decorators)
        yield from (arg.value for arg in (*stmt.bases, *stmt.keywords))
    elif isinstance(stmt, (cst.If, cst.While)):
        yield stmt.test
    elif isinstance(stmt, cst.For):
        yield stmt.iter
    elif isinstance(stmt, cst.With):
        yield from (item.item for item in stmt.items)
    elif isinstance(stmt, cst.Match):
        yield stmt.subject


def _chains(node: cst.CSTNode, roots: frozenset[str]) -> Iterator[str]:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Attribute):
            name = dotted_name(current)
            if name is not None:
                if name.split(".", 1)[0] in roots:
                    yield name
                continue
        if isinstance(current, cst.Lambda):
            continue
        stack.extend(current.children)


def collect_attribute_uses(ctx: Context, imports: Sequence[ImportInfo]) -> tuple[AttributeUse, ...]:
    roots = frozenset(
        i.bound_name
        for i in imports
        if i.name is None and i.bound_name and not any(g.kind is GuardKind.FUNCTION for g in i.guards)
    )
    if not roots:
        return ()
    uses: dict[tuple[str, int], AttributeUse] = {}
    _visit(ctx, ctx.module.body, roots, uses)
    return tuple(uses.values())


def _visit(
    ctx: Context, statements: Sequence[Statement], roots: frozenset[str], uses: dict[tuple[str, int], AttributeUse]
) -> None:
    # A function of the module, not a closure calling itself: that would be a reference cycle holding
    # the whole tree until the garbage collector came by.
    line_location = None
    for stmt, frame in walk_statements(statements, into_defs=False):
        if isinstance(stmt, cst.SimpleStatementLine):
            line_location = ctx.location(stmt)  # where its small statements, which follow, start
            continue
        guards = guards_of(ctx, frame)
        if any(g.kind in _SKIP for g in guards):
            continue
        is_small = isinstance(stmt, cst.BaseSmallStatement)
        location = line_location if is_small and line_location is not None else ctx.location(stmt)
        for expression in _expressions(stmt):
            for chain in _chains(expression, roots):
                uses.setdefault((chain, location.line), AttributeUse(chain, location))
        if isinstance(stmt, cst.ClassDef):
            _visit(ctx, body_statements(stmt.body), roots, uses)
