"""``smokegen mocks`` through the real CLI on fixtures_repo projects."""

from __future__ import annotations

import json
import sys

import pytest

from smokegen.cli.main import main
from tests.helpers import expected


@pytest.mark.parametrize("name", ["hidden_module", "mocks_external", "renamed_class"])
@pytest.mark.parametrize("static", [True, False], ids=["static", "runtime"])
def test_mocks_report_matches_expected_toml(name: str, static: bool, fixture_project, capsys) -> None:
    project = fixture_project(name)
    args = ["mocks", "--python", sys.executable, "--format", "json", str(project)]
    code = main(args + (["--static"] if static else []))
    report = json.loads(capsys.readouterr().out)
    want = expected(name)["mocks"]
    assert sorted(f"{f['path']}:{f['line']}:{f['column']}: {f['code']}" for f in report["findings"]) == want["findings"]
    counts = {path: [c["internal"], c["external"], c["module-hiding"]] for path, c in report["files"].items()}
    assert counts == want["files"]
    assert code == (1 if want["findings"] else 0)


def test_renamed_class_names_the_test_and_links_it_to_the_import_failure(fixture_project, capsys) -> None:
    project = fixture_project("renamed_class")
    assert main(["mocks", "--static", "--python", sys.executable, str(project)]) == 1
    out = capsys.readouterr().out
    first = out.splitlines()[0]
    assert first.startswith(
        "tests/test_pipeline.py:6:2: SG402 test test_pipeline_counts_events patches "
        "'app.streaming.consumers.StreamingConsumer' (patch), and the real code is broken: "
        "app/streaming/pipeline.py:3:37: SG101 cannot import name 'StreamingConsumer' from 'app.streaming.consumers'"
    )
    assert (
        "  tests/test_pipeline.py:6:2: app.streaming.consumers.StreamingConsumer (create=True) in test_pipeline_counts_events"
        in out
    )


def test_external_only_fixture_lists_no_internal_targets(fixture_project, capsys) -> None:
    project = fixture_project("mocks_external")
    assert main(["mocks", "--static", "--python", sys.executable, str(project)]) == 0
    out = capsys.readouterr().out
    assert "internal targets" not in out
    assert (
        out.splitlines()[-1]
        == "0 errors, 0 warnings: 6 mock targets in 1 test files (0 internal, 6 external, 0 module-hiding)"
    )


def test_ci_formats_carry_the_findings(fixture_project, capsys) -> None:
    project = fixture_project("renamed_class")
    main(["mocks", "--static", "--python", sys.executable, "--format", "github", str(project)])
    assert "::error file=tests/test_pipeline.py,line=6,col=2,title=SG402" in capsys.readouterr().out


def test_nested_projects_are_not_this_projects_tests(fixture_project, tmp_path, capsys) -> None:
    """smokegen's own repository holds sample projects with tests of their own: not its tests."""
    project = fixture_project("mocks_external")
    nested = project / "examples" / "other"
    nested.mkdir(parents=True)
    (nested / "pyproject.toml").write_text('[project]\nname = "other"\nversion = "0"\n')
    (nested / "tests").mkdir()
    (nested / "tests" / "test_other.py").write_text(
        "from unittest import mock\n\n@mock.patch('weather.gone')\ndef test_a(g): pass\n"
    )
    assert main(["mocks", "--static", "--python", sys.executable, str(project)]) == 0
    assert "in 1 test files" in capsys.readouterr().out


def test_hiding_a_module_that_does_not_import_is_linked_to_its_finding(fixture_project, capsys) -> None:
    project = fixture_project("hidden_module")
    assert main(["mocks", "--static", "--python", sys.executable, str(project)]) == 1
    out = capsys.readouterr().out
    broken = (
        "ingest/streaming/pipeline.py:4:40: SG101 cannot import name 'StreamingConsumer' from "
        "'ingest.streaming.consumers' (ingest/streaming/consumers.py) (did you mean 'BaseStreamingConsumer'?)"
    )
    lines = out.splitlines()
    assert (
        "tests/test_reports.py:11:10: SG402 test test_daily_report_counts_events hides ingest.streaming from the "
        f"tests with patch.dict(sys.modules): it does not import ({broken});"
    ) in out
    assert (
        "tests/test_legacy.py:5:1: SG402 module-level code hides ingest.streaming.pipeline from the tests with an "
        f"assignment to sys.modules[...]: it does not import ({broken});"
    ) in out
    hidden = lines.index("modules hidden from the tests (sys.modules patched: a fake stands in for the real module):")
    assert lines[hidden + 1 : hidden + 3] == [
        "  tests/test_legacy.py:5:1: ingest.streaming.pipeline at module level, with an assignment to sys.modules[...]",
        "  tests/test_reports.py:11:10: ingest.streaming in test_daily_report_counts_events, with patch.dict(sys.modules)",
    ]
    assert "  tests/test_reports.py:17:2: patches urllib.request.urlopen through ingest.http in test_fetch" in lines
    assert lines[-1].endswith("(0 internal, 1 external, 2 module-hiding)")


def test_hiding_a_healthy_or_an_external_module_is_listed_not_reported(fixture_project, capsys) -> None:
    project = fixture_project("mocks_external")
    (project / "tests" / "test_hiding.py").write_text(
        "import sys\nfrom unittest import mock\n\n"
        "def test_without_yaml():\n"
        "    with mock.patch.dict(sys.modules, {'yaml': None, 'weather.client': mock.MagicMock()}):\n"
        "        pass\n"
    )
    assert main(["mocks", "--static", "--python", sys.executable, str(project)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "  tests/test_hiding.py:5:10: weather.client in test_without_yaml, with patch.dict(sys.modules)" in lines
    assert "  tests/test_hiding.py:5:10: yaml in test_without_yaml, with patch.dict(sys.modules)" in lines


def test_a_test_importing_a_renamed_class_is_reported_before_its_collection_error(fixture_project, capsys) -> None:
    project = fixture_project("renamed_class")
    (project / "tests" / "test_consumers.py").write_text(
        "from app.streaming.consumers import StreamingConsumer\n\n\ndef test_polls():\n    assert StreamingConsumer\n"
    )
    assert main(["mocks", "--static", "--python", sys.executable, str(project)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        "tests/test_consumers.py:1:37: SG101 cannot import name 'StreamingConsumer' from 'app.streaming.consumers' "
        "(app/streaming/consumers.py) (did you mean 'BaseStreamingConsumer'?); pytest cannot collect this file"
    )
    assert lines[1].startswith("tests/test_pipeline.py:6:2: SG402 ")
    assert lines[-1].startswith("2 errors, 0 warnings:")


def test_the_tests_own_imports_are_not_the_projects_noop(fixture_project, capsys) -> None:
    """pytest, conftest, helpers beside the tests (tests/ on sys.path), tests.helpers, a relative
    import, a name a module makes up in __getattr__: none is a project import that fails."""
    project = fixture_project("mocks_external")
    (project / "weather" / "lazy.py").write_text("def __getattr__(name):\n    return name\n")
    tests = project / "tests"
    (tests / "conftest.py").write_text("import pytest\n\n@pytest.fixture\ndef city():\n    return 'Oslo'\n")
    (tests / "helpers.py").write_text("def reading():\n    return 1\n")
    (tests / "unit").mkdir()
    (tests / "unit" / "__init__.py").write_text("")
    (tests / "unit" / "factories.py").write_text("X = 1\n")
    (tests / "unit" / "test_more.py").write_text(
        "import pytest\n"
        "from conftest import city\n"
        "from helpers import reading\n"
        "from tests.helpers import reading as again\n"
        "from .factories import X\n"
        "from unit.factories import X as Y\n"
        "from weather.client import WeatherClient\n"
        "from weather.lazy import anything\n"
    )
    assert main(["mocks", "--static", "--python", sys.executable, str(project)]) == 0
    assert (
        capsys.readouterr().out.splitlines()[0] == "mock targets per test file (internal / external / module-hiding):"
    )


def test_an_inline_ignore_in_a_test_file_silences_its_finding(fixture_project, capsys) -> None:
    project = fixture_project("renamed_class")
    (project / "tests" / "test_consumers.py").write_text(
        "from app.streaming.consumers import StreamingConsumer  # smokegen: ignore[SG101]\n"
    )
    path = project / "tests" / "test_pipeline.py"
    path.write_text(path.read_text().replace("create=True)", "create=True)  # smokegen: ignore[SG402]"))
    assert main(["mocks", "--static", "--python", sys.executable, str(project)]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("0 errors, 0 warnings:")
