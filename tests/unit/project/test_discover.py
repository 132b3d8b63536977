from __future__ import annotations

from pathlib import Path

import pytest

from smokegen.model import ModuleKind
from smokegen.project.config import Config, ConfigError, parse_config, read_project_config, read_pyproject
from smokegen.project.discover import discover, find_project_root, match_glob


def make(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def names(root: Path, config: Config | None = None) -> dict[str, str]:
    return {f.name: f.path for f in discover(root, config or Config()).files}


def test_flat_layout_with_several_packages_and_single_modules(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            "pyproject.toml": "",
            "app/__init__.py": "",
            "app/core.py": "",
            "app/__main__.py": "",
            "app/sub/__init__.py": "",
            "app/sub/x.py": "",
            "tools/__init__.py": "",
            "single.py": "",
            "setup.py": "",
            "conftest.py": "",
            "docs/conf.py": "",
            "scripts/run.py": "",
        },
    )
    found = discover(tmp_path, Config())
    assert {f.name: f.kind for f in found.files} == {
        "app": ModuleKind.PACKAGE,
        "app.__main__": ModuleKind.MAIN,
        "app.core": ModuleKind.MODULE,
        "app.sub": ModuleKind.PACKAGE,
        "app.sub.x": ModuleKind.MODULE,
        "tools": ModuleKind.PACKAGE,
        "single": ModuleKind.MODULE,
    }
    assert found.source_roots == (".",)
    assert found.findings == ()


def test_src_layout(tmp_path: Path) -> None:
    make(tmp_path, {"src/lib/__init__.py": "", "src/lib/a.py": "", "tests/test_a.py": "", "noxfile.py": ""})
    found = discover(tmp_path, Config())
    assert found.source_roots == ("src",)
    assert names(tmp_path) == {"lib": "src/lib/__init__.py", "lib.a": "src/lib/a.py"}


def test_namespace_packages_found_from_the_file_system(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            "acme/billing/__init__.py": "",
            "acme/billing/x.py": "",
            "acme/shared/money.py": "",
            "acme/data/readme.txt": "",
        },
    )
    found = discover(tmp_path, Config())
    assert found.namespace_packages == ("acme", "acme.shared")
    assert [f.name for f in found.files] == ["acme.billing", "acme.billing.x", "acme.shared.money"]


def test_tests_virtualenvs_build_hidden_and_caches_are_skipped(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/tests/test_x.py": "",
            "pkg/test_y.py": "",
            "pkg/y_test.py": "",
            "pkg/conftest.py": "",
            "pkg/test/helpers.py": "",  # test/ below the top is shipped code (django.test)
            "pkg/__pycache__/x.py": "",
            "pkg/.hidden/x.py": "",
            "pkg/build/x.py": "",  # build/ inside a package is code (pip._internal.operations.build)
            "build/lib/pkg/__init__.py": "",  # build/ at the top is build output
            "test/test_top.py": "",
            "venv-custom/pyvenv.cfg": "",
            "venv-custom/lib/site.py": "",
            "lib/site-packages/dep/__init__.py": "",
            "dist/pkg/__init__.py": "",
        },
    )
    assert sorted(names(tmp_path)) == ["pkg", "pkg.build.x", "pkg.test.helpers"]


def test_tests_are_scanned_when_test_patterns_is_empty(tmp_path: Path) -> None:
    make(tmp_path, {"pkg/__init__.py": "", "pkg/tests/__init__.py": "", "pkg/tests/test_x.py": ""})
    assert sorted(names(tmp_path, Config(test_patterns=()))) == ["pkg", "pkg.tests", "pkg.tests.test_x"]


def test_non_identifier_files_and_folders_are_reported_not_dropped(tmp_path: Path) -> None:
    make(tmp_path, {"pkg/__init__.py": "", "pkg/my-script.py": "", "pkg/class.py": "", "pkg/data-files/x.py": ""})
    found = discover(tmp_path, Config())
    assert [f.name for f in found.files] == ["pkg"]
    assert [(str(f.location), f.code) for f in found.findings] == [
        ("pkg/class.py:1:1", "SG004"),
        ("pkg/data-files/x.py:1:1", "SG004"),
        ("pkg/my-script.py:1:1", "SG004"),
    ]
    assert "'my-script' is not a Python identifier" in found.findings[2].message


def test_shadowed_modules(tmp_path: Path) -> None:
    make(tmp_path, {"pkg/__init__.py": "", "pkg/a.py": "", "pkg/a/__init__.py": "", "pkg/b.py": "", "pkg/b/x.py": ""})
    found = discover(tmp_path, Config())
    assert [f.name for f in found.files] == ["pkg", "pkg.a", "pkg.b"]
    assert {f.name: f.path for f in found.files}["pkg.a"] == "pkg/a/__init__.py"
    assert [(str(f.location), f.code) for f in found.findings] == [
        ("pkg/a.py:1:1", "SG006"),
        ("pkg/b/x.py:1:1", "SG006"),
    ]


def test_packages_and_exclude_options(tmp_path: Path) -> None:
    make(tmp_path, {"a/__init__.py": "", "a/legacy/old.py": "", "a/new.py": "", "b/__init__.py": ""})
    config = Config(packages=("a",), exclude=("a/legacy",))
    assert sorted(names(tmp_path, config)) == ["a", "a.new"]
    with pytest.raises(ConfigError, match="'c', not found under"):
        discover(tmp_path, Config(packages=("c",)))
    with pytest.raises(
        ConfigError, match=r"'aa', not found under \. \(did you mean 'a'\?\); found: a, b; fix --package"
    ):
        discover(tmp_path, Config(packages=("a", "aa")))


def test_source_roots_option(tmp_path: Path) -> None:
    make(tmp_path, {"lib/python/app/__init__.py": ""})
    assert names(tmp_path, Config(source_roots=("lib/python",))) == {"app": "lib/python/app/__init__.py"}
    with pytest.raises(ConfigError, match="is not a folder"):
        discover(tmp_path, Config(source_roots=("nowhere",)))


@pytest.mark.parametrize(
    ("path", "pattern", "hit"),
    [
        ("pkg/tests/x.py", "tests", True),
        ("tests", "tests", True),
        ("pkg/test", "/test", False),
        ("test/x.py", "/test", True),
        ("pkg/a/test_x.py", "test_*.py", True),
        ("pkg/a/contest_x.py", "test_*.py", False),
        ("a/legacy/b/c.py", "a/legacy", True),
        ("b/a/legacy", "a/legacy", False),
        ("a/x/y/gen.py", "a/**/gen.py", True),
        ("a/gen.py", "a/**/gen.py", True),
        ("fixtures_repo/p/x.py", "fixtures_repo/**", True),
        ("a/b.py", "a/?.py", True),
        ("a/bc.py", "a/?.py", False),
    ],
)
def test_match_glob(path: str, pattern: str, hit: bool) -> None:
    assert match_glob(path, pattern) is hit


def test_find_project_root(tmp_path: Path) -> None:
    make(tmp_path, {"proj/pyproject.toml": "", "proj/pkg/sub/x.py": ""})
    assert find_project_root(tmp_path / "proj/pkg/sub") == (tmp_path / "proj").resolve()
    assert find_project_root(tmp_path / "proj/pkg/sub/x.py") == (tmp_path / "proj").resolve()
    with pytest.raises(ConfigError, match="no such file or folder"):
        find_project_root(tmp_path / "missing")


def test_config_unknown_key_names_the_closest_valid_one() -> None:
    with pytest.raises(ConfigError, match=r"unknown key 'exlude' in \[tool.smokegen\] \(did you mean 'exclude'\?\)"):
        parse_config({"exlude": ["x"]})
    with pytest.raises(ConfigError, match="valid keys: "):
        parse_config({"zzz": 1})


def test_config_types_and_kebab_case() -> None:
    assert parse_config({"source-roots": ["src"], "packages": ["a"]}) == Config(source_roots=("src",), packages=("a",))
    with pytest.raises(ConfigError, match="exclude must be a list of strings"):
        parse_config({"exclude": "build"})
    with pytest.raises(ConfigError, match="cache_dir must be a non-empty string"):
        parse_config({"cache_dir": 3})


def test_config_instantiation_keys() -> None:
    config = parse_config(
        {"instantiate": False, "factories": {"a.b:C": "tests.f:make_c"}, "environment-errors": ["^redis\\."]}
    )
    assert (config.instantiate, config.factories, config.environment_errors) == (
        False,
        (("a.b:C", "tests.f:make_c"),),
        ("^redis\\.",),
    )
    with pytest.raises(ConfigError, match="instantiate must be true or false"):
        parse_config({"instantiate": "no"})
    with pytest.raises(ConfigError, match="factories: key 'a.b.C' is not 'module:Class'"):
        parse_config({"factories": {"a.b.C": "t:f"}})
    with pytest.raises(ConfigError, match="is not 'module:function'"):
        parse_config({"factories": {"a.b:C": "t.make"}})
    with pytest.raises(ConfigError, match="factories must be a table"):
        parse_config({"factories": ["a"]})
    with pytest.raises(ConfigError, match="environment_errors: '\\(' is not a regular expression"):
        parse_config({"environment_errors": ["("]})


def test_read_pyproject(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\nname = "demo"\n[tool.smokegen]\nexclude = ["gen"]\n')
    assert read_pyproject(path).name == "demo"
    assert read_pyproject(path).config.exclude == ("gen",)
    path.write_text("[project\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        read_pyproject(path)
    assert read_pyproject(tmp_path / "absent.toml").config == Config()


def test_symlinked_source_root_keeps_paths_relative_to_the_project(tmp_path: Path) -> None:
    make(tmp_path / "elsewhere", {"app/__init__.py": "", "app/x.py": ""})
    project = tmp_path / "project"
    project.mkdir()
    (project / "lib").symlink_to(tmp_path / "elsewhere")
    assert names(project.resolve(), Config(source_roots=("lib",))) == {
        "app": "lib/app/__init__.py",
        "app.x": "lib/app/x.py",
    }
    with pytest.raises(ConfigError, match="outside the project root"):
        discover(project.resolve(), Config(source_roots=("../elsewhere",)))


def test_extension_modules_and_stubs_are_recorded(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/_speed.cpython-311-x86_64-linux-gnu.so": "",
            "pkg/api.py": "",
            "pkg/api.pyi": "",
            "pkg/__init__.pyi": "",
        },
    )
    found = discover(tmp_path, Config())
    assert found.extension_modules == ("pkg._speed",)
    assert found.stub_modules == ("pkg", "pkg.api")


def test_entry_points_from_pyproject(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text(
        '[project]\nname = "demo"\n[project.scripts]\ndemo = "demo.cli:main"\n'
        '[project.gui-scripts]\ndemo-gui = "demo.gui:run"\n'
        '[project.entry-points."pytest11"]\ndemo = "demo.plugin"\n'
        '[tool.poetry.scripts]\nlegacy = "demo.old:main"\n'
    )
    points = read_pyproject(path).entry_points
    assert [(e.group, e.name, e.value, e.module) for e in points] == [
        ("console_scripts", "demo", "demo.cli:main", "demo.cli"),
        ("console_scripts", "legacy", "demo.old:main", "demo.old"),
        ("gui_scripts", "demo-gui", "demo.gui:run", "demo.gui"),
        ("pytest11", "demo", "demo.plugin", "demo.plugin"),
    ]


@pytest.mark.parametrize(
    "marker",
    [
        "manage.py",
        "requirements.txt",
        "requirements-prod.txt",
        "requirements/base.txt",
        "Pipfile",
        "uv.lock",
        "smokegen.toml",
    ],
)
def test_an_application_marker_makes_a_root(tmp_path: Path, marker: str) -> None:
    make(tmp_path, {"outer/pyproject.toml": "", f"outer/app/{marker}": "", "outer/app/shop/views.py": ""})
    assert find_project_root(tmp_path / "outer/app/shop") == (tmp_path / "outer/app").resolve()


def test_the_nearest_marker_wins_noop(tmp_path: Path) -> None:
    make(tmp_path, {"proj/pyproject.toml": "", "proj/docs/conf.py": "", "proj/pkg/mod.py": ""})
    assert find_project_root(tmp_path / "proj/pkg") == (tmp_path / "proj").resolve()


def test_a_settings_file_replaces_tool_smokegen(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "demo"\n[tool.smokegen]\nexclude = ["a"]\n',
            "smokegen.toml": 'exclude = ["b"]\ntimeout = 3\n',
        },
    )
    found = read_project_config(tmp_path)
    assert (found.name, found.config.exclude, found.config.timeout) == ("demo", ("b",), 3.0)
    (tmp_path / ".smokegen.toml").write_text('exclude = ["c"]\n', encoding="utf-8")
    assert read_project_config(tmp_path).config.exclude == ("c",)


def test_a_settings_file_error_names_the_file_without_a_table(tmp_path: Path) -> None:
    make(tmp_path, {"smokegen.toml": "exlude = []\n"})
    with pytest.raises(ConfigError, match=r"^smokegen.toml: unknown key 'exlude' \(did you mean 'exclude'\?\)$"):
        read_project_config(tmp_path)
    make(tmp_path, {"smokegen.toml": "timeout = 0\n"})
    with pytest.raises(ConfigError, match=r"^smokegen.toml: timeout must be a positive number"):
        read_project_config(tmp_path)


def test_a_top_level_tasks_module_is_celerys_in_an_application(tmp_path: Path) -> None:
    from smokegen.project.discover import is_application

    make(tmp_path, {"requirements.txt": "", "app.py": "X = 1\n", "tasks.py": "Y = 2\n", "wsgi.py": "Z = 3\n"})
    assert is_application(tmp_path)
    assert sorted(f.name for f in discover(tmp_path, Config(), application=True).files) == ["app", "tasks", "wsgi"]
    make(tmp_path, {"pyproject.toml": '[build-system]\nrequires = ["setuptools"]\n'})  # a library: invoke's tasks.py
    assert not is_application(tmp_path)
    assert sorted(f.name for f in discover(tmp_path, Config()).files) == ["app", "wsgi"]


def test_alembic_scripts_are_scanned_never_imported(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            "requirements.txt": "",
            "alembic.ini": "[alembic]\nscript_location = %(here)s/alembic\n",
            "alembic/env.py": "from alembic import context\nfrom app.models import Base\n",
            "alembic/versions/1a2b_add_users.py": "from alembic import op\n",
            "app/__init__.py": "",
            "app/models.py": "Base = object\n",
        },
    )
    files = {f.name: f.kind for f in discover(tmp_path, Config()).files}
    assert files["alembic.env"] is ModuleKind.SCRIPT
    assert files["alembic.versions.1a2b_add_users"] is ModuleKind.SCRIPT
    assert files["app.models"] is ModuleKind.MODULE


def test_a_deployed_service_is_an_application_even_when_it_builds(tmp_path: Path) -> None:
    from smokegen.project.discover import is_application

    make(tmp_path, {"pyproject.toml": '[build-system]\nrequires = ["hatchling"]\n[project]\nname = "svc"\n'})
    assert not is_application(tmp_path)  # a library, as far as the files say
    make(tmp_path, {"Dockerfile": "FROM python:3.12\n"})
    assert is_application(tmp_path)


def test_flask_migrate_revisions_are_scripts(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            "requirements.txt": "",
            "migrations/alembic.ini": "[alembic]\n",
            "migrations/script.py.mako": "",
            "migrations/env.py": "from alembic import context\n",
            "migrations/versions/2b017edaa91f_users.py": "from alembic import op\n",
        },
    )
    found = discover(tmp_path, Config())
    assert found.findings == ()  # no SG004 for '2b017edaa91f_users.py'
    assert {f.name: f.kind for f in found.files} == {
        "migrations.env": ModuleKind.SCRIPT,
        "migrations.versions.2b017edaa91f_users": ModuleKind.SCRIPT,
    }


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # a src layout: src/ holds the packages
        ({"src/app/__init__.py": "", "src/app/core.py": "from .util import x\n"}, "app.core"),
        # src/ is a package, but its code imports its subpackages as top-level ones
        ({"src/__init__.py": "", "src/app/__init__.py": "", "src/app/core.py": "from app.util import x\n"}, "app.core"),
        # src/ is a package its code climbs to (FastAPI-boilerplate's scripts: from ..app.core import config)
        (
            {
                "src/__init__.py": "",
                "src/app/__init__.py": "",
                "src/scripts/seed.py": "from ..app.core import config\n",
            },
            "src.scripts.seed",
        ),
        # src/ is a package its code imports by name
        (
            {"src/__init__.py": "", "src/app/__init__.py": "", "src/app/core.py": "from src.app import x\n"},
            "src.app.core",
        ),
    ],
    ids=["src-layout", "src-package-imported-from-inside", "src-package-climbed-to", "src-package-by-name"],
)
def test_src_is_the_source_root_unless_the_code_imports_it_as_a_package(
    tmp_path: Path, files: dict[str, str], expected: str
) -> None:
    make(tmp_path, {"pyproject.toml": "", **files})
    assert expected in names(tmp_path)


def test_a_file_beside_the_top_level_packages_with_a_dotted_name_is_no_finding(tmp_path: Path) -> None:
    """gunicorn.conf.py is read by gunicorn by that name: renaming it, as SG004 would say, loses it.
    The same name inside a package can only be loaded with importlib: SG004."""
    make(tmp_path, {"pyproject.toml": "", "gunicorn.conf.py": "", "app/__init__.py": "", "app/my-tool.py": ""})
    found = discover(tmp_path, Config())
    assert [(f.code, f.location.path) for f in found.findings] == [("SG004", "app/my-tool.py")]
