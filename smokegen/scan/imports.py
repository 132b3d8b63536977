"""Collector: every import of a module, resolved to absolute names, with its guards."""

from __future__ import annotations

import libcst as cst

from smokegen.model import Finding, ImportInfo, ModuleKind, codes
from smokegen.scan.cst_tools import Context, dotted_name, guards_of, walk_statements


def resolve_relative(package: str, level: int, module: str | None) -> str | None:
    """The absolute module of ``from <level dots><module> import ...`` in ``package``; None above the top."""
    if level == 0:
        return module or ""
    parts = package.split(".") if package else []
    if level > len(parts):
        return None
    base = parts[: len(parts) - (level - 1)]
    if module:
        base.append(module)
    return ".".join(base)


def collect_imports(ctx: Context) -> tuple[tuple[ImportInfo, ...], tuple[Finding, ...]]:
    file = ctx.file
    package = file.name if file.kind is ModuleKind.PACKAGE else file.name.rpartition(".")[0]
    imports: list[ImportInfo] = []
    findings: list[Finding] = []
    for stmt, frame in walk_statements(ctx.module.body, into_defs=True):
        if not isinstance(stmt, (cst.Import, cst.ImportFrom)):
            continue
        guards = guards_of(ctx, frame)
        if isinstance(stmt, cst.Import):
            for alias in stmt.names:
                name = dotted_name(alias.name) or ctx.code(alias.name)
                imports.append(
                    ImportInfo(
                        module=name,
                        name=None,
                        alias=_alias(alias),
                        level=0,
                        location=ctx.location(alias),
                        guards=guards,
                    )
                )
        elif isinstance(stmt, cst.ImportFrom):
            level = len(stmt.relative)
            written = dotted_name(stmt.module) if stmt.module is not None else None
            target = resolve_relative(package, level, written)
            resolved = target is not None
            if target is None:
                target = "." * level + (written or "")
                where = ctx.location(stmt)
                if package:
                    why = f"'from {target} import ...' climbs above the top-level package '{package.split('.')[0]}'"
                else:
                    why = f"'from {target} import ...' in top-level module '{file.name}', which has no parent package"
                findings.append(
                    codes.RELATIVE_BEYOND_TOP.at(
                        where, f"{why}: it fails with ImportError at import time; use an absolute import"
                    )
                )
            if isinstance(stmt.names, cst.ImportStar):
                imports.append(ImportInfo(target, "*", None, level, ctx.location(stmt), guards, resolved))
                continue
            for alias in stmt.names:
                imports.append(
                    ImportInfo(
                        module=target,
                        name=ctx.code(alias.name),
                        alias=_alias(alias),
                        level=level,
                        location=ctx.location(alias),
                        guards=guards,
                        resolved=resolved,
                    )
                )
    return tuple(imports), tuple(findings)


def _alias(alias: cst.ImportAlias) -> str | None:
    if alias.asname is None:
        return None
    return dotted_name(alias.asname.name)
