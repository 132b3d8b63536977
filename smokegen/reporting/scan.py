"""What ``smokegen scan`` prints: the model as text (modules, findings, untested modules, counts)
or as JSON that reads back into an equal model. Pure."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence

from smokegen.model import ClassFlag, GuardKind, ModuleKind, ProjectModel, Severity
from smokegen.model.serialize import project_to_json
from smokegen.reporting.safe import safe
from smokegen.reporting.text import plural, render_findings


def render_scan_json(model: ProjectModel, untested: Sequence[str] = ()) -> str:
    data = project_to_json(model)
    data["untested_modules"] = list(untested)
    return json.dumps(data, indent=2) + "\n"


def render_scan_text(model: ProjectModel, untested: Sequence[str] = ()) -> str:
    lines: list[str] = []
    # The project's text, made safe (the model is large: only what is shown).
    title, roots, namespaces, untested = safe(
        (model.name or "(unnamed project)", model.source_roots, model.namespace_packages, tuple(untested))
    )
    lines.append(f"{title}: source roots {', '.join(roots)}")
    if namespaces:
        lines.append(f"namespace packages: {', '.join(namespaces)}")
    lines.append("")
    rows = safe(
        sorted(
            [(m.name, m.path, ", ".join(c.name for c in m.classes)) for m in model.modules]
            + [(f.name, f.path, f"(not scanned: {f.reason.value})") for f in model.failures]
        )
    )
    width = max((len(name) for name, _, _ in rows), default=0)
    for name, path, extra in rows:
        lines.append(f"  {name:<{width}}  {path}" + (f"  [{extra}]" if extra else ""))
    lines.append("")
    if model.findings:
        lines.append(render_findings(model.findings).rstrip("\n"))
        lines.append("")
    if untested:
        lines.append(
            f"never imported by any test ({plural(len(untested), 'module')}; "
            "`smokegen generate --direct` scaffolds tests for them):"
        )
        lines.extend(f"  {name}" for name in untested)
        lines.append("")

    kinds = Counter(m.kind for m in model.modules)
    classes = [c for m in model.modules for c in m.classes]
    flags = Counter(flag for c in classes for flag in c.flags)
    imports = [i for m in model.modules for i in m.imports]
    lazy = sum(1 for i in imports if any(g.kind is GuardKind.FUNCTION for g in i.guards))
    type_only = sum(1 for i in imports if any(g.kind is GuardKind.TYPE_CHECKING for g in i.guards))
    guarded = sum(1 for i in imports if i.guards) - lazy - type_only
    errors = sum(1 for f in model.findings if f.severity is Severity.ERROR)
    warnings = len(model.findings) - errors
    flag_text = ", ".join(f"{flags[f]} {f.value}" for f in ClassFlag if flags[f])
    lines.append(
        f"{plural(len(model.modules), 'module')} ({plural(kinds[ModuleKind.PACKAGE], 'package')}, "
        f"{kinds[ModuleKind.MAIN]} __main__), {len(model.failures)} not scanned"
    )
    class_word = "class" if len(classes) == 1 else "classes"
    lines.append(f"{len(classes)} {class_word}" + (f" ({flag_text})" if flag_text else ""))
    lines.append(
        f"{plural(len(imports), 'import')} ({guarded} guarded, {lazy} inside functions, {type_only} TYPE_CHECKING only)"
    )
    lines.append(f"{plural(errors, 'error')}, {plural(warnings, 'warning')}")
    return "\n".join(lines) + "\n"
