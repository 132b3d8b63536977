"""Constructor verdicts -> findings and per-class outcomes. Pure.

A constructor that fails is judged by how it failed and where its arguments came from, because
a class built with values it never asked for may rightly refuse them:

- It refused on purpose: the innermost frame is a ``raise`` statement (``raise ValueError("name may
  not be empty")``) or an ``assert``. That is validation working, not a defect: the class is
  skipped (``SkipReason.REJECTED``) with the reason, and a factory can build it instead.
- SG212 (warning): it needs what this machine lacks: a file, a socket, a variable (``OSError`` and
  its kind, ``ImproperlyConfigured``, an unset ``os.environ`` key, a configured
  ``environment_errors`` pattern) or an optional dependency that is not installed.
- SG211 (warning): it crashed, but smokegen's choice of arguments may be why: they were synthesised
  from annotations; or it takes ``*args``/``**kwargs`` and got none (sympy's ``Basic.__new__(cls,
  *args)``); or its module is compiled (mypyc, Cython), so what runs is not the source smokegen read;
  or the crash says it expects a subclass or a real argument (``'Base' object has no attribute 'x'``
  on the instance itself, anything about ``NoneType``).
- SG210 (error): built the way any caller first builds it (defaults, an inherited signature that needs
  nothing, or the project's own factory), it crashed with an error no code meant to raise
  (``NameError``, ``ImportError`` from a lazy import, ``TypeError`` from a call, ``AttributeError`` on a
  module), crashed the interpreter, exited it, or hung.

Findings are placed on the ``class`` line, so ``# smokegen: ignore[SG210]`` there silences them;
the message names the raising frame (``pkg/mod.py:12``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from smokegen.checks.import_verdicts import (
    environment_reason,
    missing_module,
    one_line,
    owned_files,
    project_frame,
    shown_path,
)
from smokegen.graph.index import ProjectIndex
from smokegen.model import (
    BuildSource,
    BuildVerdict,
    ClassOutcome,
    ClassPlan,
    Finding,
    ImportStatus,
    ImportVerdict,
    Outcome,
    SkipReason,
    TraceFrame,
    codes,
)

_INSTALL_HINT = re.compile(r"\b(pip install|install|installed)\b", re.IGNORECASE)
_ENVIRONMENT_BASES = frozenset({"OSError"})  # FileNotFoundError, PermissionError, ConnectionError, socket errors


def _where(frames: tuple[TraceFrame, ...], root: Path, owned: frozenset[str] | None = None) -> str:
    """`` (raised at pkg/mod.py:12)``, naming the library frame too when the last one is outside the project."""
    if not frames:
        return ""
    inner = project_frame(frames, root, owned)
    last = frames[-1]
    parts = []
    if inner is not None:
        parts.append(f"{inner[0]}:{inner[1]}")
    last_inside = inner is not None and Path(last.path).name == Path(inner[0]).name and last.line == inner[1]
    if not last_inside and not last.path.startswith("<"):
        parts.append(f"{shown_path(last.path, root)}:{last.line} in {last.function}")
    return f" (raised at {', via '.join(parts)})" if parts else ""


def _failure(verdict: BuildVerdict) -> str:
    if verdict.status is ImportStatus.TIMEOUT:
        return f"did not return within {verdict.detail} s"
    if verdict.status is ImportStatus.SIGNAL:
        return f"killed the interpreter with {verdict.detail}"
    if verdict.status is ImportStatus.EXIT:
        return f"exited the interpreter ({verdict.exc_type or 'exit'}({verdict.detail}))"
    if verdict.status is ImportStatus.LOST:
        return f"could not be judged: {verdict.detail}"
    error = f"{verdict.exc_type}: {one_line(verdict.message)}" if verdict.message else verdict.exc_type
    return f"raised {error}"


def _environment(verdict: BuildVerdict, index: ProjectIndex, patterns: tuple[str, ...]) -> str | None:
    if verdict.status is not ImportStatus.ERROR:
        return None
    reason = environment_reason(verdict.exc_type, verdict.message, verdict.frames, patterns)
    if reason is not None:
        return reason
    if verdict.exc_type in _ENVIRONMENT_BASES or _ENVIRONMENT_BASES & set(verdict.bases):
        return f"{verdict.exc_type}: {one_line(verdict.message)}"
    probe = ImportVerdict(verdict.module, verdict.status, verdict.exc_type, verdict.message, verdict.frames)
    top = missing_module(probe)
    if top is not None and not index.is_project(top):
        return f"'{top}' is not installed"
    if verdict.exc_type == "ImportError" and _INSTALL_HINT.search(verdict.message):
        return f"an optional dependency is missing: {one_line(verdict.message)}"
    return None


def _waiting(verdict: BuildVerdict, root: Path, owned: frozenset[str] | None) -> bool:
    """A constructor that ran out of time outside the checked code (a socket's ``accept``, a
    client's ``connect``, a lock, a queue): it waits for what this machine lacks, which is no defect
    of the code. Not when it hung in the checked code's own lines (a loop that never ends), or
    nobody saw where."""
    if verdict.status is not ImportStatus.TIMEOUT or not verdict.frames:
        return False
    last = verdict.frames[-1]
    return project_frame((last,), root, owned) is None and Path(last.path).is_absolute()


def _deliberate(verdict: BuildVerdict) -> bool:
    """The innermost frame raised on purpose."""
    if verdict.exc_type == "AssertionError" or verdict.exc_type == "ValueError" or "ValueError" in verdict.bases:
        return True  # asserted, or "this value is wrong" (pydantic's ValidationError too)
    last = verdict.frames[-1] if verdict.frames else None
    return last is not None and (last.text.startswith("raise ") or last.text == "raise")


_NO_ATTRIBUTE = re.compile(r"^module '[\w.]+' has no attribute '\w+'|^cannot import name '\w+' from '[\w.]+'")
_UNEXPECTED_KEYWORD = re.compile(r"got an unexpected keyword argument '(\w+)'")


def _missing_name(verdict: BuildVerdict, root: Path, owned: frozenset[str] | None) -> bool:
    """The failure is a name missing from a module (a dependency removed it): an ``AttributeError`` or
    ``ImportError`` naming a module attribute, or anything raised by a dependency's module-level
    ``__getattr__`` (how libraries report removed names). Never a refusal on purpose."""
    if verdict.exc_type in ("AttributeError", "ImportError") and _NO_ATTRIBUTE.search(verdict.message):
        return True
    last = verdict.frames[-1] if verdict.frames else None
    if last is None or last.function != "__getattr__":
        return False
    inner = project_frame((last,), root, owned)
    return inner is None  # the module __getattr__ of code outside the checked project


def _keyword_of_its_own(verdict: BuildVerdict, root: Path, owned: frozenset[str] | None) -> bool:
    """A ``TypeError: ... got an unexpected keyword argument 'k'`` raised at a call the checked code
    makes with ``k=`` spelled in its own line (into a dependency whose release dropped it): not
    smokegen's choice of arguments, whatever they were."""
    found = _UNEXPECTED_KEYWORD.search(verdict.message) if verdict.exc_type == "TypeError" else None
    if found is None or not verdict.frames:
        return False
    where = project_frame(verdict.frames, root, owned)
    last = verdict.frames[-1]
    if where is None or Path(last.path).name != Path(where[0]).name or last.line != where[1]:
        return False  # the innermost frame is not the checked code's own call
    return re.search(rf"\b{re.escape(found.group(1))}\s*=", last.text) is not None


def _expects_more(verdict: BuildVerdict, cls: str) -> bool:
    """A crash that says the class wants a subclass or a real argument rather than its defaults."""
    own = cls.rpartition(".")[2]
    if verdict.exc_type == "AttributeError" and (
        verdict.message.startswith(f"'{own}' object has no attribute")
        or verdict.message.startswith(f"type object '{own}' has no attribute")
    ):
        return True
    return "NoneType" in verdict.message


def _doubt(build: BuildVerdict, plan: ClassPlan) -> str:
    """Why a failure may be smokegen's choice of arguments rather than a defect ("" when it is not)."""
    if plan.source is BuildSource.FACTORY:
        return ""
    if plan.source is BuildSource.SYNTHESISED:
        return "the arguments were synthesised from annotations, so the class may need real ones"
    if build.open_signature:
        return "it takes *args/**kwargs and was called with none, so it may need some"
    if build.compiled:
        return "its module is compiled, so what runs is not the source smokegen read"
    if build.status is ImportStatus.ERROR and _expects_more(build, plan.name):
        return "it was built from its defaults and looks like it wants a subclass or a real argument"
    return ""


def judge(
    build: BuildVerdict, plan: ClassPlan, index: ProjectIndex, root: Path, patterns: tuple[str, ...]
) -> Finding | str | None:
    """A finding, the detail of a deliberate refusal (the class is skipped), or None when it was built."""
    if build.status is ImportStatus.OK:
        return None
    call = f"{build.module}.{plan.call()}"
    owned = owned_files(root, index.model)
    where = _where(build.frames, root, owned)
    if build.status is ImportStatus.TIMEOUT:
        where = where.replace(" (raised at ", " (still running at ", 1)
    if build.by_name:
        top = plan.name.partition(".")[0]
        message = f"`from {build.module} import {top}` fails: {build.exc_type}: {one_line(build.message)}{where}"
        return codes.CONSTRUCTOR_FAILS.at(plan.location, message + "; every module that imports it this way fails")
    environment = _environment(build, index, patterns)
    if environment is not None:
        code = codes.CONSTRUCTOR_NEEDS_ENVIRONMENT
        return code.at(plan.location, f"`{call}` needs the environment: {environment}{where}")
    if _waiting(build, root, owned):
        code = codes.CONSTRUCTOR_NEEDS_ENVIRONMENT
        message = (
            f"`{call}` needs the environment: it did not return within {build.detail} s, waiting outside its "
            f"code (for a connection, a server or input this machine does not give it){where}"
        )
        return code.at(plan.location, message)
    if build.status is ImportStatus.ERROR and _deliberate(build) and not _missing_name(build, root, owned):
        return f"the constructor refused {plan.call()}: {build.exc_type}: {one_line(build.message)}{where}"
    what = _failure(build) + where
    doubtful = "" if _keyword_of_its_own(build, root, owned) else _doubt(build, plan)
    if doubtful:
        code = codes.CONSTRUCTOR_FAILS_SYNTHESISED
        message = f"`{call}` {what}; {doubtful}: name a factory in [tool.smokegen] factories to build it your way"
        return code.at(plan.location, message)
    code = codes.CONSTRUCTOR_FAILS
    how = {
        BuildSource.FACTORY: f"built by the factory '{plan.factory}'",
        BuildSource.INHERITED: "built without arguments, as its inherited signature allows",
        BuildSource.SYNTHESISED: "the keyword is its own code's, whatever arguments it is given",
    }.get(plan.source or BuildSource.DEFAULTS, "built from its defaults")
    return code.at(plan.location, f"`{call}` {what}: {how}, it fails for every caller that does the same")


def _live_plans(plans: tuple[ClassPlan, ...], builds: Mapping[str, BuildVerdict], root: Path) -> list[ClassPlan]:
    """One plan per class name. A module that defines a class twice (``if cin: class C ... else:
    class C ...``) binds one of them at run time, and the runner built that one: its failure is
    placed at the definition the raising line is in, else at the later one (which wins when both run)."""
    by_name: dict[str, list[ClassPlan]] = {}
    for plan in plans:
        by_name.setdefault(plan.name, []).append(plan)
    live: list[ClassPlan] = []
    for name, same in by_name.items():
        chosen = same[-1]
        build = builds.get(name)
        raised = project_frame(build.frames, root) if build is not None and len(same) > 1 else None
        if raised is not None:
            before = [p for p in same if p.location.path == raised[0] and p.location.line <= raised[1]]
            if before:
                chosen = max(before, key=lambda p: p.location.line)
        live.append(chosen)
    return live


def judge_builds(
    verdicts: Iterable[ImportVerdict],
    plans: Mapping[str, tuple[ClassPlan, ...]],
    index: ProjectIndex,
    root: Path,
    environment_errors: tuple[str, ...] = (),
) -> tuple[list[Finding], tuple[ClassOutcome, ...]]:
    """The findings of the constructors that failed, and every planned class with what became of it
    (sorted by key)."""
    by_module = {v.module: v for v in verdicts}
    findings: list[Finding] = []
    out: list[ClassOutcome] = []
    for module, module_plans in plans.items():
        verdict = by_module.get(module)
        builds = {b.name: b for b in verdict.builds} if verdict is not None else {}
        for plan in _live_plans(module_plans, builds, root):
            if plan.skip is not None:
                out.append(ClassOutcome(plan.key, Outcome.SKIPPED, None, plan.skip, plan.detail))
                continue
            build = builds.get(plan.name)
            if build is None:
                out.append(ClassOutcome(plan.key, Outcome.NOT_IMPORTED, plan.source))
            elif build.skip is not None:
                out.append(ClassOutcome(plan.key, Outcome.SKIPPED, plan.source, build.skip, build.detail))
            elif build.status is ImportStatus.OK:
                out.append(ClassOutcome(plan.key, Outcome.BUILT, plan.source))
            else:
                result = judge(build, plan, index, root, environment_errors)
                if isinstance(result, str):
                    out.append(ClassOutcome(plan.key, Outcome.SKIPPED, plan.source, SkipReason.REJECTED, result))
                else:
                    if result is not None:
                        findings.append(result)
                    out.append(ClassOutcome(plan.key, Outcome.FAILED, plan.source, None, _failure(build)))
    return findings, tuple(sorted(out, key=lambda o: o.key))
