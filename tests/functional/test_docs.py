"""The docs tell the truth about commands, options, settings, hooks, finding codes and the code's
layout, and CI runs what the README says."""

from __future__ import annotations

import re

from smokegen.cli.main import cli
from smokegen.model.codes import ALL_CODES
from smokegen.project.config import SETTINGS, Config
from tests.helpers import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
DOCS = REPO / "docs"
COMMANDS = (DOCS / "commands.md").read_text(encoding="utf-8")
CONFIGURATION = (DOCS / "configuration.md").read_text(encoding="utf-8")
CODES = (DOCS / "codes.md").read_text(encoding="utf-8")
CI = (DOCS / "ci.md").read_text(encoding="utf-8")
ARCHITECTURE = (DOCS / "architecture.md").read_text(encoding="utf-8")


def test_docs_document_every_finding_code() -> None:
    for code in ALL_CODES:
        assert f"## {code.code} {code.title} ({code.severity.value})" in CODES, code.code


def test_docs_document_every_command_and_option() -> None:
    assert isinstance(cli.commands, dict)
    for name, command in cli.commands.items():
        assert f"## `smokegen {name}" in COMMANDS, name
        assert f"smokegen {name}" in README, name
        for param in command.params:
            for opt in [*getattr(param, "opts", []), *getattr(param, "secondary_opts", [])]:
                if opt.startswith("-"):  # a setting's flag is documented with its key
                    assert opt in COMMANDS + CONFIGURATION, f"{name} {opt}"
    for param in cli.params:
        for opt in getattr(param, "opts", []):
            assert opt in COMMANDS, opt


def test_docs_document_every_hook_id() -> None:
    hooks = re.findall(r"^- id: (\S+)$", (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"), re.M)
    assert hooks == ["smokegen", "smokegen-generated"]
    for hook in hooks:
        assert f"| `{hook}` |" in CI, hook


def test_docs_document_every_setting_with_its_key_flag_type_default_and_commands() -> None:
    assert {s.key for s in SETTINGS} == set(Config.__dataclass_fields__)
    for setting in SETTINGS:
        row = (
            f"| `{setting.key}` | `{setting.flag}` | {setting.kind} | {setting.default} | "
            f"{', '.join(setting.commands)} |"
        )
        assert row in CONFIGURATION, row


def test_every_command_takes_exactly_the_flags_of_its_settings() -> None:
    assert isinstance(cli.commands, dict)
    for name, command in cli.commands.items():
        options = {opt for param in command.params for opt in getattr(param, "opts", [])}
        options |= {opt for param in command.params for opt in getattr(param, "secondary_opts", [])}
        for setting in SETTINGS:
            flags = set(setting.flag.split("/"))
            if name in setting.commands:
                assert flags <= options, (name, setting.key)
            else:
                assert not flags & options, (name, setting.key)


def test_ci_runs_the_readme_setup_commands() -> None:
    block = re.search(r"## Set-up.*?```sh\n(.*?)```", README, re.S)
    assert block is not None
    commands = [line for line in block.group(1).splitlines() if line.strip()]
    assert len(commands) == 2
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    for command in commands:
        assert command in ci, command


def test_architecture_maps_every_module_and_every_code() -> None:
    package = REPO / "smokegen"
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package).as_posix()
        if rel == "__init__.py" or (rel.endswith("/__init__.py") and rel != "model/__init__.py"):
            continue
        assert f"`{rel}`" in ARCHITECTURE, rel
    table = ARCHITECTURE.split("## Where each finding code is made", 1)[1].split("\n## ", 1)[0]
    for code in ALL_CODES:
        assert code.code in table, code.code


def test_readme_links_to_every_doc() -> None:
    for doc in sorted(DOCS.glob("*.md")):
        assert f"(docs/{doc.name})" in README, doc.name
