"""No generated test's outcome depends on which tests ran before it, or on ``-n``: the suite of a
hostile project (a package that poisons ``sys.modules``, one that rebinds builtins, one that
changes the working folder, a module that fails, a constructor that fails) run in shuffled orders
and under pytest-xdist gives the same outcome for every test, and the same as ``check``."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from smokegen.cli.main import main

SHUFFLE = """
import os
import random


def pytest_collection_modifyitems(session, config, items):
    random.Random(int(os.environ["SHUFFLE_SEED"])).shuffle(items)
"""

FILES = {
    "pyproject.toml": '[project]\nname = "hostile"\nversion = "0"\n\n[tool.smokegen]\ntimeout = 5\n',
    "poison/__init__.py": "import sys\nsys.modules['os'] = None\nsys.modules['json'] = None\n",
    "poison/mod.py": "class Poisoned:\n    pass\n",
    "rebind/__init__.py": "import builtins\nbuiltins.open = None\n",
    "rebind/leaf.py": "import json\n\nclass Leaf:\n    def __init__(self, size: int = 1) -> None:\n        self.data = json.dumps(size)\n",
    "wander.py": "import os\nos.chdir('/')\n\nclass Here:\n    def __init__(self) -> None:\n        self.where = os.getcwd()\n",
    "broken.py": "import json\nVALUE = json.loads('{')\n",
    "needy.py": "import os\nURL = os.environ['HOSTILE_DATABASE_URL']\n",
    "builds.py": """
        import os

        class Fine:
            def __init__(self, name: str = "x") -> None:
                self.path = os.path.join("a", name)

        class Broken:
            def __init__(self) -> None:
                self.rate = load_rates()
    """,
}


def _run(root: Path, plugins: Path, *args: str, seed: int = 0) -> list[tuple[str, str]]:
    """The generated suite run verbosely: (test id, outcome) in the order the tests ran."""
    env = {**os.environ, "SHUFFLE_SEED": str(seed), "PYTHONPATH": str(plugins)}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", *args, "tests/smoke"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
        check=False,
    )
    assert done.returncode in (0, 1), done.stdout + done.stderr
    plain = re.findall(r"^(tests/smoke/\S+) (PASSED|FAILED|SKIPPED|ERROR)", done.stdout, re.M)
    xdist = re.findall(r"^\[gw\d+\] \[ *\d+%\] (PASSED|FAILED|SKIPPED|ERROR) (tests/smoke/\S+)", done.stdout, re.M)
    found = plain or [(test, outcome) for outcome, test in xdist]
    assert found, done.stdout
    return found


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the runner forks")
def test_outcomes_do_not_depend_on_order_or_on_xdist(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "hostile"
    for name, text in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "shuffle_order.py").write_text(SHUFFLE, encoding="utf-8")
    assert main(["generate", "--no-mypy", str(root)]) == 0
    capsys.readouterr()

    plain = _run(root, plugins)
    runs = [_run(root, plugins, "-p", "shuffle_order", seed=seed) for seed in (1, 2, 3)]
    runs.append(_run(root, plugins, "-n", "2"))
    outcomes = dict(plain)
    for run in runs:
        assert dict(run) == outcomes
    orders = {tuple(test for test, _ in run) for run in [plain, *runs[:3]]}
    assert len(orders) > 1  # the shuffle did reorder the tests

    # and they are check's verdict: the failing module and constructor fail, the missing variable skips
    failed = sorted(test for test, outcome in outcomes.items() if outcome == "FAILED")
    assert failed == [
        "tests/smoke/test_smoke_classes.py::test_build[builds:Broken]",
        "tests/smoke/test_smoke_imports.py::test_import[broken]",
    ]
    skipped = sorted(test for test, outcome in outcomes.items() if outcome == "SKIPPED")
    assert skipped == ["tests/smoke/test_smoke_imports.py::test_import[needy]"]
    for test in (
        "tests/smoke/test_smoke_classes.py::test_build[rebind.leaf:Leaf]",
        "tests/smoke/test_smoke_classes.py::test_build[poison.mod:Poisoned]",
        "tests/smoke/test_smoke_classes.py::test_build[wander:Here]",
        "tests/smoke/test_smoke_imports.py::test_import[poison]",
    ):
        assert outcomes[test] == "PASSED"
