"""check keeps clean import verdicts between runs: a module is imported again only when a project file
it loads (or, for built classes, imports statically) changed, or when it did not pass."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from smokegen.cli.main import main
from smokegen.model import ImportStatus
from smokegen.runtime.imports import RuntimeOptions, run_imports
from smokegen.scan.loader import load_project
from tests.helpers import write_project

LOGGED = "import os\nwith open(os.environ['IMPORT_LOG'], 'a') as _log:\n    _log.write(__name__ + '\\n')\n"
FILES = {
    "pkg/__init__.py": "",
    "pkg/core/__init__.py": "",
    "pkg/core/base.py": LOGGED + "VALUE = 1\n",
    "pkg/api/__init__.py": "",
    "pkg/api/views.py": LOGGED + "from pkg.core.base import VALUE\n",
    "pkg/dyn/__init__.py": "",
    "pkg/dyn/loader.py": LOGGED + "import importlib\nBASE = importlib.import_module('pkg.core.' + 'base')\n",
    "pkg/other/__init__.py": "",
    "pkg/other/tool.py": LOGGED + "TOOL = 2\n",
    "pkg/needs/__init__.py": "",
    "pkg/needs/conf.py": LOGGED + "import os\nURL = os.environ['SERVICE_URL']\n",
}
LEAVES = {"pkg.core.base", "pkg.api.views", "pkg.dyn.loader", "pkg.other.tool", "pkg.needs.conf"}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "proj").mkdir()
    return write_project(tmp_path / "proj", FILES)


def check(project: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str, set[str]]:
    log = project.parent / "imports.log"
    log.write_text("")
    code = main(["check", "--no-mypy", "--python", sys.executable, "--env", f"IMPORT_LOG={log}", *args, str(project)])
    out, err = capsys.readouterr()
    return code, out, err, set(log.read_text().split()) & LEAVES


def test_only_modules_whose_files_changed_are_imported_again(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err, imported = check(project, capsys)
    assert code == 0 and "SG206" in out  # SERVICE_URL unset: the machine's, a warning
    assert imported == LEAVES
    code, out2, err, imported = check(project, capsys)
    assert out2 == out  # the same report
    # nothing imported again: the module wanting SERVICE_URL is kept too, while the variable stays unset
    assert imported == set()
    assert "not imported again" in err

    base = project / "pkg/core/base.py"
    base.write_text(base.read_text() + "VALUE = 3\n")
    code, out3, _, imported = check(project, capsys)
    # base changed: base, what imports it statically (views) and dynamically (loader); never tool
    assert imported == {"pkg.core.base", "pkg.api.views", "pkg.dyn.loader"}
    assert out3 == out

    base.write_text(LOGGED + "raise RuntimeError('base is broken now')\n")
    code, cached_out, _, _ = check(project, capsys)
    code_fresh, fresh_out, _, imported = check(project, capsys, "--no-cache")
    assert imported == LEAVES  # --no-cache imports everything
    assert code == code_fresh == 1 and cached_out == fresh_out
    # one finding at the line that raised, naming the modules it takes down (the dynamic import's verdict is fresh too)
    assert (
        "SG201 `import pkg.core.base` fails: RuntimeError: base is broken now; 2 other modules fail with it "
        "('pkg.api.views', 'pkg.dyn.loader')" in cached_out
    )


def test_a_change_of_runtime_options_imports_everything_again(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    check(project, capsys)
    _, _, _, imported = check(project, capsys, "--timeout", "9")
    assert imported == LEAVES
    _, _, _, imported = check(project, capsys, "--timeout", "9", "--env", "SERVICE_URL=http://x")
    assert imported == LEAVES
    _, out, _, imported = check(project, capsys, "--timeout", "9", "--env", "SERVICE_URL=http://x")
    assert imported == set() and "SG206" not in out


def test_built_classes_depend_on_what_the_module_imports_anywhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/helpers.py": "def setting():\n    return 1\n",
        "pkg/service.py": (
            LOGGED + "class Service:\n    def __init__(self) -> None:\n"
            "        from pkg.helpers import setting\n        self.value = setting()\n"
        ),
    }
    (tmp_path / "proj").mkdir()
    project = write_project(tmp_path / "proj", files)
    code, out, _, _ = check(project, capsys)
    assert code == 0
    (project / "pkg/helpers.py").write_text("def setting():\n    return {}['no setting']\n")
    log = project.parent / "imports.log"
    code, out, _, _ = check(project, capsys)
    assert "pkg.service" in log.read_text().split()  # the constructor's import changed: built again
    assert code == 1 and "SG210" in out and "no setting" in out


def test_a_failure_is_retried_after_siblings_whose_verdicts_were_kept(fixture_project) -> None:
    project = fixture_project("order_dependent")
    loaded = load_project(project, jobs=1)
    options = RuntimeOptions(python=sys.executable)
    alone = run_imports(loaded.root, loaded.model, options, only=("plugins.registry",))
    assert alone[0].status is ImportStatus.ERROR and alone[0].after_siblings is None  # no sibling to retry after
    kept = ("plugins.formatters", "plugins.loader")
    again = run_imports(loaded.root, loaded.model, options, only=("plugins.registry",), passing=kept)
    everything = {v.module: v for v in run_imports(loaded.root, loaded.model, options)}
    assert again[0].after_siblings is everything["plugins.registry"].after_siblings is ImportStatus.OK


def test_a_new_file_beside_the_code_on_sys_path_keeps_the_verdicts(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An editable install puts the project's source root on the interpreter's sys.path: a file made
    there (a coverage report, a build artefact) changes nothing the verdicts depend on."""
    monkeypatch.setenv("PYTHONPATH", str(project))
    check(project, capsys)
    (project / "report.txt").write_text("made by some tool\n")
    _, _, err, imported = check(project, capsys)
    assert imported == set() and "not imported again" in err


def test_failures_caused_by_the_code_are_kept_those_caused_by_the_machine_are_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A module that fails on its own code (a missing name, a constructor's NameError, a deliberate
    refusal) is judged the same while its files are unchanged: kept, not imported again, the same
    findings. One that wants an environment variable is kept while that variable stays as it was
    (unset), and imported again once it is set. A file it needs is the machine's: imported again
    every time."""
    files = {
        "app/__init__.py": "",
        "app/models.py": LOGGED + "class Base:\n    pass\n",
        "app/broken.py": LOGGED + "from app.models import Gone\n",
        "app/builds.py": LOGGED
        + "class Ledger:\n    def __init__(self) -> None:\n        self.rates = load_rates()\n\n\n"
        + "class Cage:\n    def __init__(self, width: int = 0) -> None:\n"
        + "        if width <= 0:\n            raise ValueError('a cage needs a positive width')\n",
        "app/conf.py": LOGGED + "import os\nURL = os.environ['SERVICE_URL']\n",
        "app/data.py": LOGGED + "DATA = open('/nonexistent/smokegen/data.txt').read()\n",
    }
    (tmp_path / "proj").mkdir()
    project = write_project(tmp_path / "proj", files)
    leaves = {"app.models", "app.broken", "app.builds", "app.conf", "app.data"}

    def run() -> tuple[str, set[str], str]:
        log = tmp_path / "imports.log"
        log.write_text("")
        main(["check", "--no-mypy", "--python", sys.executable, "--env", f"IMPORT_LOG={log}", str(project)])
        out, err = capsys.readouterr()
        return out, set(log.read_text().split()) & leaves, err

    first, imported, _ = run()
    assert imported == leaves
    for code in ("SG101", "SG210", "SG206", "SG201"):
        assert code in first
    second, imported, err = run()
    assert second == first, err
    # the machine's failure is tried again; the code's failure and the unset variable's are not
    assert "app.data" in imported and not {"app.broken", "app.conf"} & imported
    assert "5 of 6 modules not imported again" in err
    # the variable set: imported again, and its finding is gone
    monkeypatch.setenv("SERVICE_URL", "http://localhost")
    set_, imported, _ = run()
    assert "app.conf" in imported and "app/conf.py" not in set_ and "app/data.py" in set_
    monkeypatch.delenv("SERVICE_URL")
    # fixed: imported again, and the finding is gone
    (project / "app/models.py").write_text(LOGGED + "class Base:\n    pass\n\n\nclass Gone:\n    pass\n")
    third, imported, _ = run()
    assert "app/broken.py" not in third and "SG210" in third
    assert {"app.models", "app.broken"} <= imported


def test_an_entry_point_that_loaded_is_not_loaded_again_until_its_code_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {
        "tool/__init__.py": "",
        "tool/helpers.py": LOGGED + "GREETING = 'hello'\n",
        "tool/cli.py": LOGGED + "from tool.helpers import GREETING\n\n\ndef main() -> None:\n    print(GREETING)\n",
    }
    (tmp_path / "proj").mkdir()
    project = write_project(tmp_path / "proj", files, '[project.scripts]\ntool = "tool.cli:main"\n')
    (project / "pyproject.toml").write_text(
        (project / "pyproject.toml")
        .read_text()
        .replace("[project.scripts]", "")
        .replace("dependencies = []\n", "dependencies = []\n\n[project.scripts]\n")
    )
    log = tmp_path / "imports.log"

    def run() -> tuple[str, list[str]]:
        log.write_text("")
        main(["check", "--no-mypy", "--python", sys.executable, "--env", f"IMPORT_LOG={log}", str(project)])
        out, _ = capsys.readouterr()
        return out, log.read_text().split()

    first, imported = run()
    assert "tool.cli" in imported
    second, imported = run()
    assert second == first and imported == []  # its import and its entry point's lookup both kept
    helpers = project / "tool/helpers.py"
    helpers.write_text(helpers.read_text() + "# edited\n")
    third, imported = run()
    assert third == first
    assert imported.count("tool.cli") == 2  # its import, and the lookup of its entry point, again


URLCONF = {  # a URLconf reaches its views only through a string, as include("app.api.urls") does
    "app/__init__.py": "",
    "app/urls.py": "import importlib\n\nAPI = importlib.import_module('app.api.' + 'views')\n",
    "app/api/__init__.py": "",
}


@pytest.mark.parametrize(
    ("files", "missing", "fix"),
    [
        # the view imports a name its mixins module lost: the failure is kept with the files loaded
        # before it failed, so restoring the name clears it
        (
            {
                "app/api/mixins.py": "class ApiAuthMixinV2:\n    pass\n",
                "app/api/views.py": "from app.api.mixins import ApiAuthMixin\n",
            },
            "ApiAuthMixin",
            ("app/api/mixins.py", "class ApiAuthMixin:\n    pass\n"),
        ),
        # a module not written yet: writing it clears the failure, though no file it loaded changed
        ({"app/api/views.py": "from app.api import helpers\n"}, "helpers", ("app/api/helpers.py", "X = 1\n")),
    ],
    ids=["a-module-it-loaded-changes", "a-file-is-added"],
)
def test_a_kept_failure_is_stale_once_its_cause_is_fixed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], files: dict[str, str], missing: str, fix: tuple[str, str]
) -> None:
    """The failure stayed, stale, on every later run before."""
    (tmp_path / "proj").mkdir()
    project = write_project(tmp_path / "proj", {**URLCONF, **files})
    arguments = ["check", "--no-mypy", "--python", sys.executable, "--format", "json", str(project)]
    assert main(arguments) == 1
    assert f"cannot import name '{missing}'" in capsys.readouterr().out
    (project / fix[0]).write_text(fix[1])
    assert main(arguments) == 0, capsys.readouterr().out
    assert main(arguments) == 0, capsys.readouterr().out  # and stays so


def test_a_dotenv_file_removed_makes_the_kept_verdicts_stale(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Settings read ``.env`` at import: a verdict kept while it was there does not hold once it is gone."""
    files = {
        "app/__init__.py": "",
        "app/conf.py": "from pathlib import Path\n\nTEXT = (Path(__file__).parent.parent / '.env').read_text()\n",
    }
    (tmp_path / "proj").mkdir()
    project = write_project(tmp_path / "proj", files)
    (project / ".env").write_text("SECRET=x\n")
    arguments = ["check", "--no-mypy", "--python", sys.executable, "--format", "json", str(project)]
    assert main(arguments) == 0
    capsys.readouterr()
    (project / ".env").unlink()
    assert main(arguments) == 0
    out = capsys.readouterr().out
    assert "the configuration file '.env' is not there" in out
