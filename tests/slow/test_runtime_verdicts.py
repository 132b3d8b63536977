"""The runtime stage gives every module the verdict a fresh interpreter gives (slow: ``pytest -m slow``)."""

from __future__ import annotations

import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from smokegen.model import ImportStatus
from smokegen.project.config import Config
from smokegen.runtime.imports import RuntimeOptions, importable_modules, run_imports
from smokegen.scan.loader import build_model
from tests.slow.helpers import make_site

pytestmark = pytest.mark.slow

PINS = ["libcst==1.9.0", "requests==2.34.2", "Jinja2==3.1.6", "Sphinx==9.0.4", "Django==5.2.19"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    return make_site(tmp_path_factory.mktemp("venv"), PINS)


@pytest.mark.parametrize("package", ["libcst", "requests", "jinja2", "sphinx", "django"])
def test_verdicts_equal_a_fresh_interpreter_per_module(
    package: str, site: tuple[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Django without settings: both sides import it the same way, and many of its modules fail alike.
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)
    python, purelib = site
    root = tmp_path / "project"
    root.mkdir()
    (root / "sp").symlink_to(purelib)
    (root / "pyproject.toml").write_text("")
    model, _ = build_model(root, Config(source_roots=("sp",), packages=(package,)), use_cache=False)
    modules = importable_modules(model)
    assert len(modules) > 10

    def fresh(module: str) -> bool:
        done = subprocess.run(
            # ``import m`` as importlib does it: a module whose name is no identifier (Django's
            # migrations, ``0002_logentry_remove_auto_add``) cannot be written in an import statement
            [python, "-c", f"import importlib; importlib.import_module({module!r})"],
            cwd=root,
            capture_output=True,
            stdin=subprocess.DEVNULL,
            timeout=60,
            check=False,
        )
        return done.returncode == 0

    with ThreadPoolExecutor(2) as pool:
        expected = dict(zip(modules, pool.map(fresh, modules), strict=True))
    verdicts = run_imports(root, model, RuntimeOptions(python=python, timeout=60, jobs=2))
    got = {v.module: v.status is ImportStatus.OK for v in verdicts}
    assert got.keys() == expected.keys()
    # (smokegen's verdict, the fresh interpreter's) of every module where they differ
    assert {m: (got[m], ok) for m, ok in expected.items() if got[m] != ok} == {}
