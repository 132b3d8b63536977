"""Hostile projects: nothing a project's code does may crash, hang, kill, fool or escape smokegen.

Each project is built in ``tmp_path`` and checked by the real CLI in a subprocess, under a deadline
(a hang fails the test, it does not stall the suite), with an environment tag that every process
it starts inherits: what is still running with the tag afterwards was left behind.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir() or not hasattr(os, "fork"), reason="needs fork and /proc")

DEADLINE = 120  # seconds for one smokegen run: far above any run here, far below a hang's


def project(root: Path, files: dict[str, str], timeout: float = 2) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(
        f'[project]\nname = "hostile"\nversion = "0"\n\n[tool.smokegen]\ntimeout = {timeout}\n', encoding="utf-8"
    )
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def tagged(tag: str) -> list[int]:
    """Live processes (not zombies) whose environment carries ``HOSTILE_TAG=tag``."""
    marker = f"HOSTILE_TAG={tag}".encode()
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_bytes()
            if stat[stat.rfind(b")") + 2 :].split()[0] in (b"Z", b"X"):
                continue
            if marker in Path(entry.path, "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def left_behind(tag: str) -> list[int]:
    """Processes with the tag still alive a moment after the run (a SIGKILL takes a moment to land)."""
    for _ in range(20):
        alive = tagged(tag)
        if not alive:
            return []
        time.sleep(0.1)
    for pid in alive:  # do not leave them to the next test either
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    return alive


def smokegen(*args: str, tag: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The CLI in a subprocess, with a temporary folder of its own (``TMPDIR``, which every process it
    starts inherits): anything left in it afterwards was left behind, even by a process killed mid-run."""
    scratch = cwd.parent / f"tmpdir-{tag}"
    scratch.mkdir()
    env = {**os.environ, "HOSTILE_TAG": tag, "NO_COLOR": "1", "TMPDIR": str(scratch)}
    env.pop("VIRTUAL_ENV", None)
    run = subprocess.run(
        [sys.executable, "-m", "smokegen", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=DEADLINE,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert sorted(p.name for p in scratch.iterdir()) == [], "temporary files left behind"
    scratch.rmdir()
    return run


def built(report: dict[str, Any]) -> list[str]:
    return sorted(c["class"] for c in report["classes"] if c["outcome"] == "built")


def check(root: Path, *extra: str) -> tuple[subprocess.CompletedProcess[str], dict[str, list[str]]]:
    """``check --format json`` on ``root``: the run, and the codes found per file; asserts nothing was left running."""
    tag = uuid.uuid4().hex
    run = smokegen("check", "--no-mypy", "--no-cache", "--format", "json", *extra, str(root), tag=tag, cwd=root)
    assert not left_behind(tag), "processes left running after the run"
    assert run.returncode in (0, 1), run.stderr
    report = json.loads(run.stdout)
    codes: dict[str, list[str]] = {}
    for finding in report["findings"]:
        codes.setdefault(finding["path"], []).append(finding["code"])
    return run, codes


def test_a_module_that_kills_its_process_group_kills_only_itself(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/bad.py": "import os, signal\nos.killpg(0, signal.SIGTERM)\n",
            "pkg/good.py": "X = 1\n",
        },
    )
    run, codes = check(root)
    assert run.returncode == 1
    assert codes == {"pkg/bad.py": ["SG203"]}
    assert "SIGTERM" in run.stdout and "crash in native code" not in run.stdout


def test_a_forked_grandchild_that_sleeps_keeps_nobody_waiting(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/bad.py": "import os, time\nif os.fork() == 0:\n    time.sleep(60)\n    os._exit(0)\n",
            "pkg/good.py": "X = 1\n",
        },
    )
    run, codes = check(root)  # under DEADLINE, and the sleeper is gone
    assert run.returncode == 0 and codes == {}


def test_processes_started_at_import_or_in_a_constructor_do_not_outlive_the_run(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "pkg/__init__.py": "import subprocess\nsubprocess.Popen(['sleep', '60'])\n",
            "pkg/bad.py": "import subprocess\nsubprocess.Popen(['sleep', '61'])\n",
            "pkg/escape.py": "import subprocess\nsubprocess.Popen(['sleep', '62'], start_new_session=True)\n",
            "pkg/cls.py": """
                import subprocess

                class Spawner:
                    def __init__(self) -> None:
                        subprocess.Popen(["sleep", "63"])
            """,
        },
    )
    run, codes = check(root)  # check() asserts that none of the sleeps is left
    assert run.returncode == 0 and codes == {}


def test_a_hang_that_ignores_alarms_in_a_shared_import_is_a_timeout_not_a_stall(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/slow.py": "import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\nwhile True:\n    pass\n",
            "pkg/a.py": "import pkg.slow\n",
            "pkg/b.py": "import pkg.slow\n",
            "pkg/fine.py": "X = 1\n",
        },
        timeout=1,
    )
    run, codes = check(root)
    assert run.returncode == 1
    assert codes == {"pkg/a.py": ["SG202"], "pkg/b.py": ["SG202"], "pkg/slow.py": ["SG202"]}


@pytest.mark.parametrize(
    "breaker",
    [
        pytest.param(
            "import os\n\ndef fork():\n    raise RuntimeError('no')\n\nos.fork = fork\n", id="replaces-os.fork"
        ),
        pytest.param("import os\nos.closerange(3, 4096)\n", id="closes-descriptors"),
        pytest.param("import builtins\nbuiltins.open = None\nbuiltins.print = None\n", id="rebinds-builtins"),
        pytest.param("import sys\nsys.modules['os'] = None\nsys.modules['json'] = None\n", id="poisons-sys.modules"),
    ],
)
def test_a_package_that_breaks_its_process_costs_no_verdict(tmp_path: Path, breaker: str) -> None:
    root = project(
        tmp_path,
        {
            "pkg/__init__.py": breaker,
            "pkg/mod.py": "X = 1\n",
            "pkg/sub/__init__.py": "",
            "pkg/sub/leaf.py": "class Leaf:\n    def __init__(self, size: int = 1) -> None:\n        self.size = size\n",
            "other.py": "class Other:\n    pass\n",
        },
    )
    run, codes = check(root)
    assert run.returncode == 0, run.stdout
    assert codes == {}
    report = json.loads(run.stdout)
    assert report["summary"]["modules"] == 5
    assert built(report) == ["other:Other", "pkg.sub.leaf:Leaf"]


def test_project_modules_that_shadow_the_standard_library_are_really_imported(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "json.py": "raise RuntimeError('the project json is broken')\n",
            "inspect.py": "X = 1\n",
            "typing.py": "from os import *\n",
            "app.py": "class App:\n    pass\n",
            "uses_json.py": "import json\n",
        },
    )
    run, codes = check(root)
    assert run.returncode == 1
    assert codes == {"json.py": ["SG201"]}  # uses_json fails with it, folded into that one finding
    assert "uses_json" in run.stdout
    assert built(json.loads(run.stdout)) == ["app:App"]  # a project inspect.py does not break the builds


def test_sigterm_to_smokegen_ends_the_runner_and_everything_it_started(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/slow.py": "import subprocess, time\nsubprocess.Popen(['sleep', '64'])\ntime.sleep(60)\n",
        },
        timeout=60,
    )
    tag = uuid.uuid4().hex
    env = {**os.environ, "HOSTILE_TAG": tag}
    proc = subprocess.Popen(
        [sys.executable, "-m", "smokegen", "check", "--no-mypy", "--no-cache", str(root)],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(600):  # until the project's sleep is running
            if any(_cmdline(pid) == b"sleep\x0064\x00" for pid in tagged(tag)):
                break
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 143, err
    assert "interrupted" in err
    assert not left_behind(tag)


def test_static_check_and_the_mypy_stage_run_no_project_code_in_smokegen(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/m.py": "import os\nopen(os.path.join(os.path.dirname(__file__), 'imported'), 'w').close()\nx: int = 'text'\n",
            "myplug.py": """
                import os, sys
                from mypy.plugin import Plugin

                with open(os.path.join(os.path.dirname(__file__), "plugin-ran-in"), "a") as out:
                    out.write(sys.argv[0] + "\\n")

                def plugin(version):
                    return Plugin
            """,
            ".mypy_cache/theirs": "the project's own mypy cache\n",
        },
    )
    with (root / "pyproject.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[tool.mypy]\nplugins = ["myplug"]\nmypy_path = "."\n')
    tag = uuid.uuid4().hex
    run = smokegen("check", "--static", "--format", "json", str(root), tag=tag, cwd=root)
    assert not left_behind(tag)
    assert run.returncode == 1, run.stderr
    assert not (root / "pkg" / "imported").exists()  # no module was imported
    ran_in = (root / "plugin-ran-in").read_text(encoding="utf-8").split()
    assert ran_in and all("mypy" in arg and "smokegen" not in Path(arg).name for arg in ran_in)
    assert [f["code"] for f in json.loads(run.stdout)["findings"] if f["path"] == "pkg/m.py"] == ["SG301"]
    # the project's mypy cache is its own: untouched, and not where smokegen's mypy keeps its cache
    assert sorted(p.name for p in (root / ".mypy_cache").iterdir()) == ["theirs"]


def _pytest(root: Path, *args: str, tag: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOSTILE_TAG": tag}
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=DEADLINE,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def test_the_generated_suite_and_the_plugin_leave_no_process_behind(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/bad.py": "import subprocess\nsubprocess.Popen(['sleep', '65'])\n",
            "pkg/cls.py": """
                import subprocess

                class Spawner:
                    def __init__(self) -> None:
                        subprocess.Popen(["sleep", "66"])
            """,
        },
    )
    tag = uuid.uuid4().hex
    assert smokegen("generate", str(root), tag=tag, cwd=root).returncode == 0
    suite = _pytest(root, "tests/smoke", tag=tag)
    assert suite.returncode == 0, suite.stdout
    assert not left_behind(tag)
    plugin = _pytest(root, "--smokegen", "pkg", tag=tag)
    assert plugin.returncode == 0, plugin.stdout
    assert not left_behind(tag)


def test_a_module_getattr_that_raises_fails_check_as_it_fails_the_generated_suite(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/mod.py": "class Thing:\n    pass\n\ndef __getattr__(name):\n    raise RuntimeError('no ' + name)\n",
        },
    )
    run, codes = check(root)
    assert codes == {"pkg/mod.py": ["SG210"]}
    assert "`from pkg.mod import Thing` fails: RuntimeError: no __path__" in run.stdout
    tag = uuid.uuid4().hex
    assert smokegen("generate", str(root), tag=tag, cwd=root).returncode == 0
    suite = _pytest(root, "tests/smoke", "-rA", tag=tag)
    assert suite.returncode == 1
    assert "FAILED tests/smoke/test_smoke_classes.py::test_build[pkg.mod:Thing]" in suite.stdout
    assert "RuntimeError: no __path__" in suite.stdout


def test_an_env_setting_the_interpreter_cannot_start_with_is_a_usage_error(tmp_path: Path) -> None:
    root = project(tmp_path, {"app.py": "X = 1\n"})
    tag = uuid.uuid4().hex
    run = smokegen("check", "--no-mypy", "--env", "PYTHONHOME=/nonexistent", str(root), tag=tag, cwd=root)
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr
    assert "does not start with the env setting (PYTHONHOME=/nonexistent)" in run.stderr
    assert "No module named 'encodings'" in run.stderr


def test_generate_into_a_dangling_symlink_is_a_usage_error(tmp_path: Path) -> None:
    root = project(tmp_path, {"app.py": "X = 1\n", "tests/__init__.py": ""})
    (root / "tests" / "smoke").symlink_to(root / "tests" / "gone")
    run = smokegen("generate", str(root), tag=uuid.uuid4().hex, cwd=root)
    assert run.returncode == 2
    assert "is a dangling symbolic link" in run.stderr and "Traceback" not in run.stderr
    assert not (root / "tests" / "gone").exists()


def test_a_constructor_that_hangs_is_an_error_not_a_skip(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/m.py": "import time\n\nclass Slow:\n    def __init__(self) -> None:\n        time.sleep(60)\n\n"
            "class Fine:\n    pass\n",
        },
        timeout=1,
    )
    run, codes = check(root)
    assert run.returncode == 1
    assert codes == {"pkg/m.py": ["SG210"]}
    assert "`pkg.m.Slow()` did not return within 1.0 s" in run.stdout
    assert built(json.loads(run.stdout)) == ["pkg.m:Fine"]


def test_a_module_that_kills_its_parent_is_the_only_one_blamed(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "hostile/__init__.py": "",
            "hostile/aearly.py": "X = 1\n",
            "hostile/killer.py": "import os, signal\nos.kill(os.getppid(), signal.SIGTERM)\n",
            "hostile/ok.py": "X = 1\n",
            "hostile/zlate.py": "X = 1\n",
        },
    )
    run, codes = check(root)
    assert run.returncode == 1
    assert codes == {"hostile/killer.py": ["SG214"]}
    assert "takes down the process that imports it" in run.stdout


def test_a_runner_taken_down_serves_no_more_shares_the_next_one_does(tmp_path: Path) -> None:
    """One runner serves a worker's shares one after another: when a module kills it, the rest of
    its share is judged module by module, and the shares after it go to a new runner."""
    files = {f"p{n}/__init__.py": "" for n in range(6)}
    files.update({f"p{n}/m{k}.py": "X = 1\n" for n in range(6) for k in range(4)})
    # a top-level module is imported by a child of the runner itself: its parent is the runner
    files["killer.py"] = "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n"
    root = project(tmp_path, files)
    run, codes = check(root, "-j", "1")
    assert run.returncode == 1
    assert codes == {"killer.py": ["SG214"]}
    imports = json.loads(run.stdout)["imports"]
    assert len(imports) == 31 and {m for m, v in imports.items() if v != "ok"} == {"killer"}


def test_a_module_that_breaks_what_the_runner_needs_is_not_called_an_exit(tmp_path: Path) -> None:
    # isinstance rebound: the import system itself fails afterwards (a fresh interpreter agrees)
    root = project(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/rebinds.py": "import builtins\nbuiltins.isinstance = None\n",
            "pkg/limits.py": "import resource\nresource.setrlimit(resource.RLIMIT_NOFILE, (8, 8))\n",
            "pkg/fine.py": "X = 1\n",
        },
    )
    run, codes = check(root)
    assert "SG204" not in run.stdout  # neither exits the interpreter
    assert "pkg/fine.py" not in codes and "pkg/rebinds.py" not in codes


def test_exit_handlers_run_as_in_a_fresh_interpreter(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    root = project(
        tmp_path / "project",
        {
            "pkg/__init__.py": "",
            "pkg/tidy.py": f"""
                import atexit, os

                open({str(marker)!r}, "w").close()
                atexit.register(os.remove, {str(marker)!r})

                class Owner:
                    def __init__(self) -> None:
                        path = {str(marker) + "-built"!r}
                        open(path, "w").close()
                        atexit.register(os.remove, path)
            """,
        },
    )
    run, codes = check(root)
    assert run.returncode == 0 and codes == {}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project"]  # both removed at exit, as production does
