"""Direct-test scaffolds as text: per module, tests a person owns. Pure.

A scaffold imports its module, builds its public classes with the arguments smokegen can make
(the plans the smoke suite uses), and calls one public method of each with synthesised
arguments. What cannot be made is a test that skips with the reason, above a commented template
to fill in. Each class test comes in three variants, chosen by :mod:`smokegen.generate.direct` after it
ran them: the call, the build alone (the call left as a comment saying what it raised), or the
skip with its template.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import libcst as cst

from smokegen.generate.suite import import_lines, quote
from smokegen.model import Argument, ClassPlan, MethodKind, ModuleInfo
from smokegen.plan.synth import Synthesiser

SCAFFOLD_MARK = "# Scaffolded by `smokegen generate --direct`: this file is yours to edit."
MAX_CLASSES = 5  # classes per scaffold: the module's main ones, in the order it defines them


class Variant(enum.Enum):
    CALL = "call"  # build, then call one method
    BUILD = "build"  # build only: the call is left as a comment
    SKIP = "skip"  # skip with the reason, above a commented template


@dataclass(frozen=True, slots=True)
class MethodCall:
    name: str
    arguments: tuple[Argument, ...]
    imports: tuple[tuple[str, str], ...]

    def code(self) -> str:
        args = ", ".join(a.code if a.keyword is None else f"{a.keyword}={a.code}" for a in self.arguments)
        return f"instance.{self.name}({args})"


@dataclass(frozen=True, slots=True)
class ClassScaffold:
    plan: ClassPlan
    method: MethodCall | None
    why_no_method: str  # when method is None

    @property
    def function(self) -> str:
        return f"test_{self.plan.name}"


def scaffold_classes(synthesiser: Synthesiser, info: ModuleInfo, plans: Sequence[ClassPlan]) -> list[ClassScaffold]:
    """The module's main classes (up to MAX_CLASSES, in definition order) with the method each calls."""
    classes = {c.name: c for c in info.classes}
    out: list[ClassScaffold] = []
    for plan in plans[:MAX_CLASSES]:
        cls = classes.get(plan.name)
        method: MethodCall | None = None
        why = "it has no public method"
        if cls is not None and plan.source is not None:
            candidates = [
                m
                for m in cls.methods
                if m.kind is MethodKind.INSTANCE and not m.is_async and not m.is_abstract and not m.name.startswith("_")
            ]
            reasons = []
            for candidate in sorted(candidates, key=lambda m: sum(p.required for p in m.params)):
                made = synthesiser.call_arguments(info, candidate.params)
                if isinstance(made, str):
                    reasons.append(f"{candidate.name}(): {made}")
                    continue
                method = MethodCall(candidate.name, made[0], made[1])
                break
            if method is None and reasons:
                why = "; ".join(reasons[:3])
            elif method is None and cls.methods:
                why = "its public methods are async, static, class methods or properties"
        out.append(ClassScaffold(plan, method, why))
    return out


def _template(plan: ClassPlan, info: ModuleInfo) -> list[str]:
    cls = next((c for c in info.classes if c.name == plan.name), None)
    params = [p for p in (cls.constructor if cls is not None else ()) if p.required]
    args = ", ".join(f"{p.name}=..." for p in params)
    return [
        f"# from {plan.module} import {plan.name}",
        "#",
        f"# instance = {plan.name}({args})",
        "# assert instance is not None",
    ]


def render_class(scaffold: ClassScaffold, info: ModuleInfo, variant: Variant, failure: str = "") -> str:
    plan = scaffold.plan
    lines = [f"def {scaffold.function}() -> None:"]
    if plan.source is None or variant is Variant.SKIP:
        reason = (
            f"{plan.skip.value}: {plan.detail}"
            if plan.source is None and plan.skip is not None
            else f"building it with the arguments smokegen made failed: {failure}"
        )
        lines.append(f"    pytest.skip({quote(f'{plan.name} needs real arguments ({reason}); fill in the template')})")
        lines += [f"    {line}" for line in _template(plan, info)]
        return "\n".join(lines) + "\n"
    call = plan.call()
    method = scaffold.method if variant is Variant.CALL else None
    lines += [f"    {line}" for line in import_lines(plan, method.imports if method else ())]
    lines.append("")
    lines.append(f"    instance = {call}")
    lines.append("    assert instance is not None")
    if method is not None:
        lines.append(f"    {method.code()}")
    elif scaffold.method is not None:
        lines.append(f"    # {scaffold.method.code()}  # raised {failure}: call it with real arguments")
    else:
        lines.append(f"    # no method is called: {scaffold.why_no_method}")
    return "\n".join(lines) + "\n"


def render_scaffold(
    info: ModuleInfo, scaffolds: Sequence[ClassScaffold], variants: Mapping[str, tuple[Variant, str]]
) -> str:
    """The scaffold file for ``info``; ``variants``: test function -> (variant, what failed)."""
    header = [
        SCAFFOLD_MARK,
        "# smokegen never overwrites it (unless --force). It imports the module, builds its main classes",
        "# with arguments smokegen made up from their annotations, and calls one method of each: replace",
        "# them with values that mean something to your code.",
    ]
    body: list[cst.SimpleStatementLine | cst.BaseCompoundStatement] = [
        cst.parse_statement("from __future__ import annotations\n").with_changes(leading_lines=[cst.EmptyLine()]),
    ]
    if any(s.plan.source is None or variants.get(s.function, (Variant.CALL, ""))[0] is Variant.SKIP for s in scaffolds):
        body.append(cst.parse_statement("import pytest\n").with_changes(leading_lines=[cst.EmptyLine()]))
    blank2 = [cst.EmptyLine(), cst.EmptyLine()]
    test_import = f"def test_import() -> None:\n    import {info.name}  # noqa: F401\n"
    body.append(cst.parse_statement(test_import).with_changes(leading_lines=blank2))
    for scaffold in scaffolds:
        variant, failure = variants.get(scaffold.function, (Variant.CALL, ""))
        statement = cst.parse_statement(render_class(scaffold, info, variant, failure))
        body.append(statement.with_changes(leading_lines=blank2))
    module = cst.Module(body=body, header=[cst.EmptyLine(comment=cst.Comment(line)) for line in header])
    return module.code


def scaffold_name(module: str) -> str:
    return f"test_{module.replace('.', '_')}_direct.py"
