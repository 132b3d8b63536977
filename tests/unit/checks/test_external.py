"""Dependency and installed-package checks against a fake environment built in tmp_path."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from smokegen.checks.external import check_broad_guards, check_dependencies, check_installed_names
from smokegen.graph.index import ProjectIndex
from smokegen.project.deps import Declared, Dependencies, marker_applies, read_dependencies
from smokegen.project.environment import Distribution, Environment
from smokegen.scan.cache import ScanCache
from smokegen.scan.installed import Installed, Kind
from tests.helpers import dedent, project_from

MARKERS = {"python_version": "3.11", "sys_platform": "linux", "os_name": "posix", "platform_system": "Linux"}


def site(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "site"
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text))
    root.mkdir(exist_ok=True)
    return root


def env(
    sys_path: Path, dists: dict[str, tuple[str, list[str]]] | None = None, requires: dict[str, list[str]] | None = None
) -> Environment:
    """dists: distribution -> (version, top-level names)."""
    dists = dists or {}
    packages: dict[str, tuple[str, ...]] = {}
    for name, (_, tops) in dists.items():
        for top in tops:
            packages[top] = (*packages.get(top, ()), name)
    return Environment(
        executable="python",
        version=(3, 11),
        sys_path=(str(sys_path),),
        stdlib=frozenset(sys.stdlib_module_names),
        packages=packages,
        distributions={n: Distribution(n, v, tuple((requires or {}).get(n, []))) for n, (v, _) in dists.items()},
        markers=MARKERS,
    )


def lines(findings) -> list[str]:
    return [f"{f.location.path}:{f.location.line}: {f.code}" for f in sorted(findings)]


def test_installed_lookup_follows_the_import_system(tmp_path: Path) -> None:
    root = site(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/sub.py": "",
            "ns/part/x.py": "",
            "single.py": "",
            "native.cpython-311-x86_64-linux-gnu.so": "",
            "shadow/__init__.py": "",
            "shadow.py": "",
        },
    )
    installed = Installed(env(root), ScanCache(None))
    assert installed.locate("pkg").kind is Kind.PACKAGE  # type: ignore[union-attr]
    assert installed.locate("pkg.sub").kind is Kind.MODULE  # type: ignore[union-attr]
    assert installed.locate("pkg.gone") is None
    assert installed.locate("ns").kind is Kind.NAMESPACE  # type: ignore[union-attr]
    assert installed.locate("ns.part.x").kind is Kind.MODULE  # type: ignore[union-attr]
    assert installed.locate("single").kind is Kind.MODULE  # type: ignore[union-attr]
    assert installed.locate("native").kind is Kind.OPAQUE  # type: ignore[union-attr]
    assert installed.locate("shadow").kind is Kind.PACKAGE  # type: ignore[union-attr]
    assert installed.locate("absent") is None


def test_names_and_submodules_of_installed_packages(tmp_path: Path) -> None:
    root = site(
        tmp_path,
        {
            "somelib/__init__.py": "from somelib.core import *\nfrom somelib import helpers\n",
            "somelib/core.py": "__all__ = ['new_name']\ndef new_name(): ...\ndef other(): ...\n",
            "somelib/helpers.py": "X = 1\n",
            "lazylib/__init__.py": "def __getattr__(name): ...\n",
            "compiled/__init__.py": "from compiled._native import *\n",
            "compiled/_native.cpython-311-x86_64-linux-gnu.so": "",
            "sixish.py": "x = 1\n",
        },
    )
    model = project_from(
        {
            "app.__init__": "",
            "app.user": """
                from somelib import new_name, helpers
                from somelib import old_name
                from somelib.core import other
                import somelib.removed
                from somelib.helpers import X
                from lazylib import anything
                from compiled import whatever
                from sixish.moves import urllib
                from collections import Mapping
                from os.path import join
                try:
                    from somelib import optional_name
                except ImportError:
                    optional_name = None
                from typing import TYPE_CHECKING
                if TYPE_CHECKING:
                    from somelib import TypeOnly
                def later():
                    from somelib import gone_later
            """,
        }
    )
    environment = env(root, {"somelib": ("2.0", ["somelib"])})
    import os

    stdlib_site = Path(os.path.dirname(os.__file__))
    environment = Environment(
        **{
            **{f: getattr(environment, f) for f in Environment.__dataclass_fields__},
            "sys_path": (str(root), str(stdlib_site)),
        }
    )
    found = list(check_installed_names(ProjectIndex(model), Installed(environment, ScanCache(None))))
    assert lines(found) == [
        "app/user.py:2: SG110",
        "app/user.py:4: SG111",
        "app/user.py:9: SG110",
        "app/user.py:19: SG110",
    ]
    messages = {f.location.line: f.message for f in found}
    assert "cannot import name 'old_name' from 'somelib' (the installed somelib 2.0)" in messages[2]
    assert "no module named 'somelib.removed' in the installed somelib 2.0" in messages[4]
    assert (
        "cannot import name 'Mapping' from 'collections' (the installed standard library of Python 3.11)" in messages[9]
    )


def test_a_name_a_module_exports_but_binds_only_at_run_time_is_not_called_missing(tmp_path: Path) -> None:
    """SQLAlchemy 2.1's ``orm.collections`` lists ``attribute_mapped_collection`` in ``__all__`` and
    binds it with ``global`` in a function that runs at import: the scanner cannot see it bound, and
    ``from sqlalchemy.orm.collections import attribute_mapped_collection`` works."""
    root = site(
        tmp_path,
        {
            "alchemy/__init__.py": "",
            "alchemy/collections.py": """
                __all__ = ["keyed_dict", "mapped_collection"]
                def keyed_dict(): ...
                def _set_aliases():
                    global mapped_collection
                    mapped_collection = keyed_dict
                _set_aliases()
            """,
        },
    )
    model = project_from(
        {
            "app.__init__": "",
            "app.models": "from alchemy.collections import mapped_collection\nfrom alchemy.collections import gone\n",
        }
    )
    installed = Installed(env(root, {"alchemy": ("2.1", ["alchemy"])}), ScanCache(None))
    assert lines(check_installed_names(ProjectIndex(model), installed)) == ["app/models.py:2: SG110"]


def test_dependency_findings(tmp_path: Path) -> None:
    root = site(
        tmp_path,
        {"yaml/__init__.py": "", "requests/__init__.py": "", "urllib3/__init__.py": "", "orjson/__init__.py": ""},
    )
    environment = env(
        root,
        {
            "pyyaml": ("6.0", ["yaml"]),
            "requests": ("2.32", ["requests"]),
            "urllib3": ("2.2", ["urllib3"]),
            "orjson": ("3.9", ["orjson"]),
            "demo": ("1.0", ["app"]),
        },
        requires={"requests": ["urllib3<3,>=1.21.1", "idna"]},
    )
    model = project_from(
        {
            "app.__init__": "import app.core\n",
            "app.core": (
                "import requests\nimport urllib3\nimport yaml\nimport orjson\nimport notinstalled\n"
                "import app.core\nimport json\nfrom __future__ import annotations\n"
                "def lazy():\n    import lazyonly\n"
                "if sys.version_info >= (3, 14):\n    import annotationlib\n"
                "try:\n    import optional_missing\nexcept ImportError:\n    pass\n"
            ),
            "app.plugin": "import orjson\nimport not_installed_either\n",  # opt-in: nothing imports it
        }
    )
    deps = Dependencies(
        "pyproject.toml [project]",
        (
            Declared("requests", "requests>=2"),
            Declared("orjson", "orjson", extra="fast"),
            Declared("missing-dist", "missing-dist>=1"),
            Declared("win-only", "win-only; sys_platform == 'win32'", marker='sys_platform == "win32"'),
        ),
    )
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "demo"\ndependencies = [\n  "requests>=2",\n  "missing-dist>=1",\n]\n'
    )
    found = list(check_dependencies(ProjectIndex(model), Installed(environment, ScanCache(None)), deps, tmp_path))
    assert lines(found) == [
        "app/core.py:2: SG114",  # urllib3: undeclared, but the declared requests requires it (a warning)
        "app/core.py:3: SG106",  # yaml: installed, undeclared
        "app/core.py:4: SG107",  # orjson: extra only, core module
        "app/core.py:5: SG106",  # notinstalled: neither declared nor installed, core module
        "pyproject.toml:5: SG108",  # missing-dist: declared, not installed
    ]
    by_line = {(f.location.path, f.location.line): f.message for f in found}
    assert "it works because 'requests' depends on it: declare urllib3 if you import it" in by_line[("app/core.py", 2)]
    assert {f.code: f.severity.value for f in found}["SG114"] == "warning"
    assert "'yaml' comes from pyyaml, which is not a declared dependency" in by_line[("app/core.py", 3)]
    assert "declared only in the extra 'fast'" in by_line[("app/core.py", 4)]


def test_broad_guard_hiding_project_imports() -> None:
    model = project_from(
        {
            "app.__init__": "",
            "app.fast": "X = 1\n",
            "app.user": (
                "try:\n    import numpy\n    from app.fast import X\nexcept ImportError:\n    X = None\n"
                "try:\n    from app._version import version\nexcept ImportError:\n    version = '0'\n"
                "try:\n    import ujson\nexcept ImportError:\n    ujson = None\n"
            ),
        }
    )
    environment = env(Path("/nonexistent"))
    found = list(check_broad_guards(ProjectIndex(model), environment))
    assert lines(found) == ["app/user.py:3: SG109"]
    assert (
        "guards the optional import of 'numpy' and also the project's own 'from app.fast import X'" in found[0].message
    )


@pytest.mark.parametrize(
    ("marker", "applies"),
    [(None, True), ('python_version < "3.11"', False), ('sys_platform == "linux"', True), ("bogus ==", True)],
)
def test_marker_applies(marker: str | None, applies: bool) -> None:
    assert marker_applies(marker, MARKERS) is applies


def test_read_dependencies_sources(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "demo"\ndependencies = ["Requests[socks]>=2", "tomli; python_version<\'3.11\'"]\n'
        '[project.optional-dependencies]\nfast = ["orjson"]\n'
    )
    deps = read_dependencies(tmp_path, "demo", {})
    assert deps.source == "pyproject.toml [project]"
    assert [(d.name, d.extra, d.marker) for d in deps.declared] == [
        ("requests", None, None),
        ("tomli", None, 'python_version < "3.11"'),
        ("orjson", "fast", None),
    ]
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "demo"\ndynamic = ["dependencies"]\n')
    assert not read_dependencies(tmp_path, "demo", {}).known
    installed = read_dependencies(tmp_path, "Demo", {"demo": ("click>=8", 'rich; extra == "cli"')})
    assert [(d.name, d.extra) for d in installed.declared] == [("click", None), ("rich", "cli")]
    (tmp_path / "pyproject.toml").write_text(
        '[tool.poetry]\nname = "demo"\n[tool.poetry.dependencies]\npython = "^3.10"\nhttpx = "^0.27"\n'
        'pandas = {version = "^2", optional = true}\n[tool.poetry.extras]\ndata = ["pandas"]\n'
    )
    poetry = read_dependencies(tmp_path, None, {})
    assert [(d.name, d.extra) for d in poetry.declared] == [("httpx", None), ("pandas", "data")]
    (tmp_path / "pyproject.toml").unlink()
    (tmp_path / "setup.cfg").write_text(
        "[options]\ninstall_requires =\n    attrs>=22\n[options.extras_require]\nyaml = pyyaml\n"
    )
    cfg = read_dependencies(tmp_path, None, {})
    assert cfg.source == "setup.cfg [options]"
    assert [(d.name, d.extra) for d in cfg.declared] == [("attrs", None), ("pyyaml", "yaml")]


def test_in_an_application_no_module_is_opt_in_and_dev_declarations_are_not_runtime(tmp_path: Path) -> None:
    root = site(tmp_path, {"pytest/__init__.py": "", "orjson/__init__.py": ""})
    environment = env(root, {"pytest": ("8.0", ["pytest"]), "orjson": ("3.9", ["orjson"]), "demo": ("1.0", ["app"])})
    model = project_from(
        {
            "app.__init__": "",
            # nothing imports these two: in a library they would be opt-in integrations
            "app.views": "import not_installed\n",
            "app.checks": "import pytest\n",
        }
    )
    deps = Dependencies(
        "requirements.txt",
        (Declared("orjson", "orjson", file="requirements.txt", line=1),),
        dev=(Declared("pytest", "pytest", file="requirements-dev.txt", line=1),),
    )
    installed = Installed(environment, ScanCache(None))
    as_library = list(check_dependencies(ProjectIndex(model), installed, deps, tmp_path))
    assert [f.code for f in as_library] == ["SG112"]  # a library's opt-in module: a warning
    as_app = list(check_dependencies(ProjectIndex(model), installed, deps, tmp_path, application=True))
    assert lines(as_app) == ["app/checks.py:1: SG106", "app/views.py:1: SG106"]
    assert "declared for development only (requirements-dev.txt)" in as_app[0].message
    # declared for development and not installed either (healthchecks' minio): said too
    dev_too = Dependencies(deps.source, deps.declared, (*deps.dev, Declared("not-installed", "not-installed")))
    missing = list(check_dependencies(ProjectIndex(model), installed, dev_too, tmp_path, application=True))[1]
    assert "it is not installed in the target interpreter: ModuleNotFoundError; 'not_installed' is declared for " in (
        missing.message
    )
