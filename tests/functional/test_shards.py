"""``--shard K/N``: a deterministic, package-aligned share of the modules for a CI matrix; the N
shards' findings together are exactly the unsharded run's, for ``check``, the generated suite and
the plugin."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from smokegen.cli.main import main
from smokegen.graph.shards import Shard, assign, parse_shard, shard_of
from tests.functional.test_generate import run_suite


def _check(project: Path, capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code = main(["check", "--no-mypy", "--format", "json", "--python", sys.executable, *args, str(project)])
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    data: dict[str, Any] = json.loads(out)
    return data


def _key(finding: dict[str, Any]) -> str:
    return json.dumps(finding, sort_keys=True)


@pytest.mark.parametrize("name", ["import_side_effects", "django_crm", "broken_entry_point"])
def test_the_shards_findings_together_are_the_whole_runs(name: str, fixture_project, capsys) -> None:
    project = fixture_project(name)
    whole = _check(project, capsys)
    findings: list[str] = []
    classes: list[str] = []
    modules: list[str] = []
    for index in (1, 2, 3):
        part = _check(project, capsys, "--shard", f"{index}/3")
        assert part["shard"]["index"] == index and part["shard"]["count"] == 3
        findings += [_key(f) for f in part["findings"]]
        classes += [_key(c) for c in part["classes"]]
        modules += part["shard"]["modules"]
        assert part["summary"]["modules"] == len(part["shard"]["modules"])
        if index > 1:  # entry points and the project's files are the first shard's
            assert all(f["subject"]["kind"] in ("module", "class") for f in part["findings"])
    assert sorted(findings) == sorted(_key(f) for f in whole["findings"])
    assert sorted(classes) == sorted(_key(c) for c in whole["classes"])
    assert len(modules) == len(set(modules)) == whole["summary"]["modules"]
    assert "shard" not in whole


def test_the_generated_suite_and_the_plugin_split_the_same_way(fixture_project, capsys) -> None:
    project = fixture_project("import_side_effects")
    assert main(["generate", "--no-mypy", str(project)]) == 0
    capsys.readouterr()
    whole = run_suite(project)
    parts: dict[str, tuple[str, str]] = {}
    for index in (1, 2):
        part = run_suite(project, "--smokegen-shard", f"{index}/2")
        assert part and not set(part) & set(parts)  # each test in one shard
        parts.update(part)
    assert {k: v[0] for k, v in parts.items()} == {k: v[0] for k, v in whole.items()}
    # the plugin's items under xdist: every item in exactly one shard, with the same outcome
    empty = project / "empty"
    empty.mkdir()

    def outcomes(spec: str) -> dict[str, int]:
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-n", "2", "--smokegen"]
            + ["--smokegen-project", str(project), "--smokegen-shard", spec, str(empty)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 1, done.stdout + done.stderr
        summary = done.stdout.strip().splitlines()[-1].split(" in ")[0]  # "1 failed, 2 passed"
        return {outcome: int(number) for number, outcome in (part.split(" ", 1) for part in summary.split(", "))}

    first, second, everything = outcomes("1/2"), outcomes("2/2"), outcomes("1/1")
    assert {k: first.get(k, 0) + second.get(k, 0) for k in everything} == everything
    assert sum(first.values()) + sum(second.values()) == sum(everything.values())


def test_a_bad_shard_is_a_usage_error(fixture_project, capsys) -> None:
    project = fixture_project("healthy_flat")
    for spec in ("0/2", "3/2", "two", "1/0"):
        assert main(["check", "--static", "--shard", spec, str(project)]) == 2
        assert "--shard" in capsys.readouterr().err
    assert main(["check", "--affected", "--shard", "1/2", str(project / "inventory" / "__init__.py")]) == 2
    assert "--affected" in capsys.readouterr().err


def test_shards_are_deterministic_package_aligned_and_balanced() -> None:
    names = [f"app{p}" for p in range(6)] + [f"app{p}.mod{m}" for p in range(6) for m in range(5)]
    first = assign(names, 3)
    assert assign(list(reversed(names)), 3) == first  # the set of names decides, not their order
    for p in range(6):  # a package's modules stay together
        assert {first[f"app{p}.mod{m}"] for m in range(5)} == {first[f"app{p}"]}
    sizes = sorted(list(first.values()).count(k) for k in (1, 2, 3))
    assert sizes == [12, 12, 12]
    assert shard_of("app3.mod1.__main__", first) == first["app3.mod1"]
    assert shard_of("elsewhere", first) == 1
    # one package of many modules is split by module, still balanced
    flat = assign(["app", *(f"app.m{i:02d}" for i in range(30))], 3)
    assert sorted(list(flat.values()).count(k) for k in (1, 2, 3)) == [10, 10, 11]
    assert parse_shard(" 2 / 4 ") == Shard(2, 4)
    with pytest.raises(ValueError, match="K/N"):
        parse_shard("2-4")
