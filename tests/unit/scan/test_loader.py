"""Cache, parallel scanning and the JSON model, on projects built in tmp_path."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path
from typing import Any

import pytest

from smokegen.model import ModuleInfo, ProjectModel
from smokegen.model.serialize import from_json, project_from_json, project_to_json, to_json
from smokegen.project.config import Config
from smokegen.scan import loader
from smokegen.scan.loader import PARALLEL_THRESHOLD, _scan_job, build_model
from tests.helpers import dedent, scan_code


def make_project(root: Path, modules: int) -> Path:
    (root / "pyproject.toml").write_text('[project]\nname = "many"\n')
    pkg = root / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("from pkg.m0 import C0\n")
    for i in range(modules):
        (pkg / f"m{i}.py").write_text(
            dedent(
                f"""
                from __future__ import annotations
                import os
                from dataclasses import dataclass

                @dataclass
                class C{i}:
                    value: int = {i}

                    def double(self) -> int:
                        return self.value * 2
                """
            )
        )
    return root


def test_warm_cache_gives_an_equal_model_without_scanning(tmp_path: Path) -> None:
    root = make_project(tmp_path, 5)
    cold, cold_stats = build_model(root, Config(), jobs=1)
    warm, warm_stats = build_model(root, Config(), jobs=1)
    assert cold == warm
    assert (cold_stats.scanned, cold_stats.cache_hits) == (6, 0)
    assert (warm_stats.scanned, warm_stats.cache_hits) == (0, 6)


def test_changed_file_is_scanned_again(tmp_path: Path) -> None:
    root = make_project(tmp_path, 3)
    build_model(root, Config(), jobs=1)
    (root / "pkg" / "m1.py").write_text("class Renamed:\n    pass\n")
    model, stats = build_model(root, Config(), jobs=1)
    assert (stats.scanned, stats.cache_hits) == (1, 3)
    m1 = model.module("pkg.m1")
    assert m1 is not None and [c.name for c in m1.classes] == ["Renamed"]


def test_corrupt_cache_entries_are_rescanned(tmp_path: Path) -> None:
    root = make_project(tmp_path, 3)
    first, _ = build_model(root, Config(), jobs=1)
    entries = sorted((root / ".smokegen_cache" / "scan").rglob("*.json"))
    assert len(entries) == 4
    entries[0].write_text("{not json")
    entries[1].write_text(json.dumps({"type": "module", "value": {"name": 3}}))
    entries[2].write_text("")
    again, stats = build_model(root, Config(), jobs=1)
    assert again == first
    assert stats.scanned == 3


def test_no_cache_writes_nothing(tmp_path: Path) -> None:
    root = make_project(tmp_path, 2)
    build_model(root, Config(), jobs=1, use_cache=False)
    assert not (root / ".smokegen_cache").exists()


def test_parallel_scan_equals_serial_scan(tmp_path: Path) -> None:
    root = make_project(tmp_path, PARALLEL_THRESHOLD + 20)
    serial, serial_stats = build_model(root, Config(), jobs=1, use_cache=False)
    parallel, parallel_stats = build_model(root, Config(), jobs=2, use_cache=False)
    assert serial_stats.workers == 1 and parallel_stats.workers == 2
    assert parallel == serial
    assert [m.name for m in parallel.modules] == sorted(m.name for m in parallel.modules)


def _dies_on_m7(job: tuple[str, str, str, bytes]) -> dict[str, Any]:
    """A scan job whose worker dies on pkg/m7.py, as one killed by the out-of-memory killer."""
    if job[1] == "pkg/m7.py":
        os.kill(os.getpid(), signal.SIGKILL)
    return _scan_job(job)


def test_a_worker_that_dies_is_a_finding_and_the_others_are_scanned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project(tmp_path, PARALLEL_THRESHOLD + 20)
    monkeypatch.setattr(loader, "_scan_job", _dies_on_m7)  # the workers are forked: they see it too
    model, stats = build_model(root, Config(), jobs=2)
    assert stats.workers == 2
    assert [f.name for f in model.failures] == ["pkg.m7"]
    assert [(f.code, f.location.path) for f in model.findings] == [("SG003", "pkg/m7.py")]
    assert "worker process died" in model.findings[0].message
    assert len(model.modules) == PARALLEL_THRESHOLD + 20  # every other file scanned
    # not cached: the next run tries the file again
    monkeypatch.setattr(loader, "_scan_job", _scan_job)
    model, stats = build_model(root, Config(), jobs=1)
    assert (stats.scanned, model.failures) == (1, ())


def test_progress_reports_reach_the_total(tmp_path: Path) -> None:
    root = make_project(tmp_path, 4)
    seen: list[tuple[int, int]] = []
    build_model(root, Config(), jobs=1, progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (0, 5) and seen[-1] == (5, 5)


def test_unreadable_file_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    root = make_project(tmp_path, 2)
    (root / "pkg" / "m1.py").unlink()
    (root / "pkg" / "m1.py").symlink_to(root / "pkg" / "missing.py")
    model, _ = build_model(root, Config(), jobs=1)
    assert [f.code for f in model.findings] == ["SG008"]
    assert [f.name for f in model.failures] == ["pkg.m1"]


def test_model_json_round_trip_is_exact() -> None:
    module = scan_code(
        """
        from __future__ import annotations
        import typing as t
        if t.TYPE_CHECKING:
            from x import Y
        try:
            import fast
        except ImportError:
            fast = None
        __all__ = ["K"]
        class K(Base, metaclass=Meta):
            def __init__(self, a: int, /, *args: str, b: bool = False, **kw: object) -> None: ...
            @property
            def p(self) -> int: ...
        """
    )
    model = ProjectModel(name=None, source_roots=(".",), namespace_packages=("ns",), modules=(module,))
    data = json.loads(json.dumps(project_to_json(model)))
    back = project_from_json(data)
    assert back == model
    assert isinstance(back.modules[0], ModuleInfo)
    # Fields at their default may be left out; anything else that does not fit is an error.
    compact = {key: value for key, value in to_json(module).items() if value not in ([], None, False)}
    assert from_json(ModuleInfo, compact) == module
    with pytest.raises(ValueError, match="expected str for name"):
        from_json(ModuleInfo, {**compact, "name": 3})
    with pytest.raises(ValueError, match="unknown keys for ModuleInfo"):
        from_json(ModuleInfo, {**compact, "surprise": 1})
    with pytest.raises(ValueError, match="missing name for ModuleInfo"):
        from_json(ModuleInfo, {k: v for k, v in compact.items() if k != "name"})


def test_tests_py_is_test_code_in_an_application_and_shipped_code_in_a_library(tmp_path: Path) -> None:
    from smokegen.scan.loader import load_project

    for name, marker, want in (
        ("app", "manage.py", ["shop", "shop.views"]),
        ("lib", "setup.py", ["shop", "shop.tests", "shop.views"]),
    ):
        root = tmp_path / name
        for rel in (marker, "shop/__init__.py", "shop/views.py", "shop/tests.py"):
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text("X = 1\n")
        assert sorted(m.name for m in load_project(root, jobs=1, use_cache=False).model.modules) == want, name
