"""``smokegen check --static`` over large healthy packages from the package index.

Slow (it builds a virtualenv and installs about 20 distributions): run with ``pytest -m slow``.
Each package must give exactly the findings listed here, every one of which was checked by hand
to be a true defect of that release (see the comments); anything else is a false positive.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from smokegen.cli.main import main
from tests.slow.helpers import make_site

pytestmark = pytest.mark.slow

PINS = [
    "attrs==26.1.0",
    "black==26.10.1",
    "click==8.5.1",
    "Django==5.2.19",
    "fastapi==0.165.0",
    "Flask==3.1.3",
    "httpx==0.28.1",
    "Jinja2==3.1.6",
    "libcst==1.9.0",
    "mypy==2.4.1",
    "networkx==3.6.1",
    "pandas==3.1.1",
    "pydantic==2.14.3",
    "pytest==9.2.0",
    "requests==2.34.2",
    "rich==15.0.0",
    "Sphinx==9.0.4",
    "starlette==1.10.0",
    "sympy==1.14.0",
    "urllib3==2.8.0",
]

# package -> (distribution, {"path:line: CODE"} of its error findings)
KNOWN: dict[str, tuple[str, set[str]]] = {
    "attr": ("attrs", set()),
    "black": ("black", set()),
    "click": ("click", set()),
    "django": (
        "django",
        {
            # `python -c "import django.db.backends.sqlite3.features"` (and .operations,
            # django.db.backends.base.operations) fails: ImportError from a partially initialised module.
            "django/db/backends/sqlite3/base.py:22: SG103",
            "django/db/backends/sqlite3/base.py:24: SG103",
            "django/db/backends/oracle/base.py:66: SG103",
            "django/db/backends/oracle/operations.py:25: SG103",
            "django/db/models/lookups.py:6: SG103",
        },
    ),
    # imports pydantic_core, which only pydantic declares: SG114, a warning since the applications
    # issue (it works because a declared dependency requires it), no longer an SG106 error
    "fastapi": ("fastapi", set()),
    "flask": ("flask", set()),
    "httpx": ("httpx", set()),
    "jinja2": ("jinja2", set()),
    "libcst": ("libcst", set()),
    "mypy": (
        "mypy",
        {  # `import mypy.type_visitor` / `mypy.expandtype` / `mypy.typevartuples` fail in a fresh interpreter
            "mypy/expandtype.py:44: SG103",
            "mypy/types.py:3828: SG103",
            "mypy/types.py:4626: SG103",
        },
    ),
    "networkx": ("networkx", set()),
    "pandas": ("pandas", set()),
    "pydantic": ("pydantic", set()),
    "_pytest": ("pytest", set()),
    "requests": ("requests", set()),
    "rich": ("rich", set()),
    "sphinx": ("sphinx", set()),  # urllib3, which only requests declares: SG114 (a warning), no longer SG106
    "starlette": ("starlette", set()),
    "sympy": ("sympy", set()),
    "urllib3": ("urllib3", set()),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    return make_site(tmp_path_factory.mktemp("venv"), PINS)


@pytest.mark.parametrize("package", sorted(KNOWN))
def test_no_false_positives(
    package: str, site: tuple[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    python, purelib = site
    dist, known = KNOWN[package]
    project = tmp_path / "project"
    project.mkdir()
    (project / "sp").symlink_to(purelib)
    (project / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'  # a library
        f'[project]\nname = "{dist}"\ndynamic = ["dependencies", "version"]\n'
        f'[tool.smokegen]\nsource_roots = ["sp"]\npackages = ["{package}"]\n'
    )
    code = main(["check", "--static", "--python", str(python), "--format", "json", "--no-cache", str(project)])
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    report = json.loads(out)
    errors = {
        f"{f['path'].removeprefix('sp/')}:{f['line']}: {f['code']}"
        for f in report["findings"]
        if f["severity"] == "error"
    }
    assert errors == known, sys.version


def _check_json(*args: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    code = main(["check", "--no-mypy", "--format", "json", *args])
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    data: dict[str, Any] = json.loads(out)
    return data


def test_shards_together_are_the_whole_run_on_an_installed_package(
    site: tuple[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """``check --installed Sphinx --shard K/3``, imports and builds included: the three shards'
    findings and class outcomes together are exactly the unsharded run's, each module in one shard."""
    python, _ = site
    common = ["--installed", "Sphinx", "--python", python, "--no-cache"]
    whole = _check_json(*common, capsys=capsys)
    findings: list[str] = []
    classes: list[str] = []
    modules: list[str] = []
    for index in (1, 2, 3):
        part = _check_json(*common, "--shard", f"{index}/3", capsys=capsys)
        findings += [json.dumps(f, sort_keys=True) for f in part["findings"]]
        classes += [json.dumps(c, sort_keys=True) for c in part["classes"]]
        modules += part["shard"]["modules"]
    assert sorted(findings) == sorted(json.dumps(f, sort_keys=True) for f in whole["findings"])
    assert sorted(classes) == sorted(json.dumps(c, sort_keys=True) for c in whole["classes"])
    assert len(modules) == len(set(modules)) == whole["summary"]["modules"]
