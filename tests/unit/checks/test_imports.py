from __future__ import annotations

from smokegen.checks.imports import check_project
from tests.helpers import project_from


def found(sources: dict[str, str], namespaces: tuple[str, ...] = ()) -> list[str]:
    return sorted(
        f"{f.location.path}:{f.location.line}: {f.code} {f.message}"
        for f in check_project(project_from(sources, namespaces))
    )


def codes(sources: dict[str, str], namespaces: tuple[str, ...] = ()) -> list[str]:
    return sorted(
        f"{f.location.path}:{f.location.line}: {f.code}" for f in check_project(project_from(sources, namespaces))
    )


def test_renamed_class_with_did_you_mean() -> None:
    (line,) = found(
        {
            "app.__init__": "",
            "app.consumers": "class BaseStreamingConsumer: ...\n",
            "app.pipeline": "from app.consumers import StreamingConsumer\n",
        }
    )
    assert line == (
        "app/pipeline.py:1: SG101 cannot import name 'StreamingConsumer' from 'app.consumers' "
        "(app/consumers.py) (did you mean 'BaseStreamingConsumer'?)"
    )


def test_name_moved_to_another_module_is_named() -> None:
    (line,) = found(
        {"a.__init__": "", "a.x": "Y = 1\n", "a.other": "def helper(): ...\n", "a.user": "from a.x import helper\n"}
    )
    assert "('helper' is defined in 'a.other')" in line


def test_names_that_resolve_noop() -> None:
    assert (
        found(
            {
                "p.__init__": "from p.core import Engine\nfrom . import util\n__version__ = '1'\n",
                "p.core": "class Engine: ...\nimport os\nfrom p.util import *\n",
                "p.util": "__all__ = ['helper']\ndef helper(): ...\ndef _private(): ...\n",
                "p.sub.__init__": "",
                "p.sub.leaf": "X = 1\n",
                "p.user": (
                    "from p import Engine, util, __version__, sub\n"
                    "from p.core import helper, os\n"
                    "from p.sub import leaf\n"
                    "import p.sub.leaf\n"
                    "from p import __file__\n"
                ),
            }
        )
        == []
    )


def test_star_import_respects_all_and_private_names() -> None:
    assert codes(
        {
            "p.__init__": "",
            "p.a": "__all__ = ['x']\nx = 1\ny = 2\n",
            "p.b": "from p.a import *\n",
            "p.c": "_hidden = 1\nshown = 1\n",
            "p.d": "from p.c import *\n",
            "p.user": "from p.b import x\nfrom p.b import y\nfrom p.d import shown\nfrom p.d import _hidden\n",
        }
    ) == ["p/user.py:2: SG101", "p/user.py:4: SG101"]


def test_dynamic_modules_are_left_to_the_runtime_check() -> None:
    assert (
        codes(
            {
                "p.__init__": "",
                "p.lazy": "def __getattr__(name): ...\n",
                "p.dyn": "globals()['made_up'] = 1\n",
                "p.star": "from somelib import *\n",
                "p.user": "from p.lazy import anything\nfrom p.dyn import made_up\nfrom p.star import whatever\n",
            }
        )
        == []
    )


def test_missing_module_and_submodule() -> None:
    assert found(
        {
            "p.__init__": "",
            "p.reports": "",
            "p.user": "import p.report\nfrom p.gone import x\nfrom p import reprots\n",
        }
    ) == [
        "p/user.py:1: SG102 no module named 'p.report' (did you mean 'reports'?)",
        "p/user.py:2: SG102 no module named 'p.gone'",
        "p/user.py:3: SG101 cannot import name 'reprots' from 'p' (p/__init__.py) (did you mean 'reports'?)",
    ]


def test_guards() -> None:
    assert found(
        {
            "p.__init__": "",
            "p.models": "class User: ...\n",
            "p.user": (
                "try:\n    from p.models import Gone\nexcept ImportError:\n    Gone = None\n"
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    from p.models import UserRecord\n"
                "def later():\n    from p.models import Missing\n"
            ),
        }
    ) == [
        "p/user.py:7: SG105 stale TYPE_CHECKING import: cannot import name 'UserRecord' from 'p.models' "
        "(p/models.py) (did you mean 'User'?); type checking fails and readers are misled",
        "p/user.py:9: SG101 cannot import name 'Missing' from 'p.models' (p/models.py); it fails when 'later' is first called",
    ]


def test_type_checking_import_of_a_type_checking_name_noop() -> None:
    assert (
        found(
            {
                "p.__init__": "",
                "p.types": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from collections.abc import Sequence\n    Alias = int\n",
                "p.user": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from p.types import Alias, Sequence\n",
            }
        )
        == []
    )


def test_namespace_packages_and_extended_paths() -> None:
    assert codes(
        {
            "ns.real": "X = 1\n",
            "legacy.__init__": "__path__ = __import__('pkgutil').extend_path(__path__, __name__)\n",
            "user": "from ns import real\nfrom ns import ghost\nimport legacy.plugin\nfrom ns.real import X\n",
        },
        namespaces=("ns",),
    ) == ["user.py:2: SG101"]


def test_failing_cycle_reports_the_chain() -> None:
    lines = found(
        {
            "shop.__init__": "",
            "shop.orders": "from shop.customers import Customer\nclass Order: ...\n",
            "shop.customers": "from shop.orders import Order\nclass Customer: ...\n",
        }
    )
    assert len(lines) == 2
    assert lines[0].startswith("shop/customers.py:1: SG103 circular import: 'from shop.orders import Order' runs while")
    assert "shop.orders:1 -> shop.customers:1 -> shop.orders" in lines[0]
    assert "`import shop.orders` fails with ImportError" in lines[0]
    assert "shop.customers:1 -> shop.orders:1 -> shop.customers" in lines[1]


def test_cycles_that_work_noop() -> None:
    assert (
        found(
            {
                "p.__init__": "",
                # plain module imports: fine
                "p.a": "import p.b\ndef f(): return p.b.g()\n",
                "p.b": "import p.a\ndef g(): return 1\n",
                # the name is bound before the cycle closes
                "p.c": "X = 1\nfrom p.d import Y\n",
                "p.d": "Y = 2\nfrom p.c import X\n",
                # lazy and TYPE_CHECKING edges
                "p.e": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from p.f import F\nclass E: ...\n",
                "p.f": "from p.e import E\nclass F: ...\ndef use():\n    from p.e import E\n",
                # guarded: the ImportError is caught
                "p.g": "try:\n    from p.h import H\nexcept ImportError:\n    H = None\nclass G: ...\n",
                "p.h": "from p.g import G\nclass H: ...\n",
            }
        )
        == []
    )


def test_cycle_through_package_init_is_entered_parents_first() -> None:
    assert (
        found(
            {
                "acme.billing.__init__": "from .invoices import Invoice\n",
                "acme.billing.invoices": "from .tax import rate\nclass Invoice: ...\n",
                "acme.billing.tax": "rate = 1\n",
            },
            namespaces=("acme",),
        )
        == []
    )


def test_submodule_used_without_import() -> None:
    lines = found(
        {
            "plugins.__init__": "",
            "plugins.formatters": "class JsonFormatter: ...\n",
            "plugins.loader": "import plugins.formatters\n",
            "plugins.registry": "import plugins\nDEFAULT = plugins.formatters.JsonFormatter()\n",
        }
    )
    assert lines == [
        "plugins/registry.py:2: SG104 'plugins.formatters.JsonFormatter' needs 'plugins.formatters', which nothing "
        "imported by 'plugins.registry' imports: it works only if another module imported 'plugins.formatters' "
        "first (AttributeError otherwise); add 'import plugins.formatters'"
    ]


def test_submodule_use_noop_when_imported_somewhere_in_the_chain() -> None:
    assert (
        found(
            {
                "p.__init__": "from . import bound\n",
                "p.bound": "X = 1\n",
                "p.deep.__init__": "",
                "p.deep.leaf": "Y = 1\n",
                "p.helper": "import p.deep.leaf\n",
                "p.user": (
                    "import p\nimport p.helper\n"
                    "A = p.bound.X\n"  # bound in p/__init__
                    "B = p.deep.leaf.Y\n"  # imported by p.helper, which this module imports
                    "def later():\n    return p.other.Z\n"  # function bodies do not run on import
                ),
            }
        )
        == []
    )


def test_cycle_replay_through_a_very_long_chain() -> None:
    import sys

    count = 300
    sources = {"p.__init__": ""}
    for i in range(count):
        sources[f"p.m{i}"] = f"from p.m{(i + 1) % count} import X{(i + 1) % count}\nX{i} = 1\n"
    model = project_from(sources)
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(250)  # the replay of this chain cannot fit: it must move to a deep stack
    try:
        found = check_project(model)
    finally:
        sys.setrecursionlimit(old)
    assert found and all(f.code == "SG103" for f in found)


def test_the_run_refutes_a_static_import_failure_in_a_module_that_imported_fine() -> None:
    from smokegen.checks.imports import refuted_by_run

    model = project_from(
        {
            "p.__init__": "",
            "p.registry": "",  # at run time another module injects `Handler` into it
            "p.views": (
                "from p.registry import Handler\n"
                "def later():\n    from p.registry import Other\n"
                "if FLAG:\n    from p.registry import Third\n"
            ),
        }
    )
    found = check_project(model)
    assert sorted((f.location.line, f.code) for f in found) == [(1, "SG101"), (3, "SG101"), (5, "SG101")]
    # p.views imported fine: line 1 ran and worked; line 3 (a function) and line 5 (a condition) did not run
    assert [f.location.line for f in refuted_by_run(found, model, ["p.views"])] == [3, 5]
    assert refuted_by_run(found, model, []) == found  # noop: nothing was imported


def test_an_import_that_runs_only_when_its_file_exists_is_no_finding() -> None:
    model = project_from(
        {
            "site.__init__": "",
            "site.settings": (
                "from pathlib import Path\nimport os\nBASE_DIR = Path(__file__).parent\n"
                "if (BASE_DIR / 'local_settings.py').exists():\n    from site.local_settings import *\n"
                "if os.path.isfile('x'):\n    import site.extra\n"
                "if DEBUG:\n    import site.debug_tools\n"
                # healthchecks' docker/fetchstatus.py: the missing module imported as a name
                "if os.path.exists('site/local_overrides.py'):\n    from site import local_overrides\n"
            ),
        }
    )
    assert [(f.location.line, f.code) for f in check_project(model)] == [(9, "SG102")]  # DEBUG: no file test
