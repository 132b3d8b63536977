"""A constructor that does not return in time: waiting outside the checked code (a socket's
``accept``, as a remote debugger's does) needs the environment (SG212, a warning); looping in its
own code fails (SG210, an error). Where it was comes from the stack the build's child wrote just
before its time ran out."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from smokegen.cli.main import main
from tests.helpers import write_project

CODE = {
    "pkg/__init__.py": "",
    "pkg/debugger.py": """\
        import socket


        class RemoteDebugger:
            def __init__(self) -> None:
                self.sock = socket.socket()
                self.sock.bind(("127.0.0.1", 0))
                self.sock.listen(1)
                self.client, _ = self.sock.accept()  # waits for a client, as celery's Rdb does
        """,
    "pkg/spinner.py": """\
        class Spinner:
            def __init__(self) -> None:
                count = 0
                while count >= 0:
                    count += 1
        """,
}


def test_a_wait_outside_the_code_needs_the_environment_a_loop_of_its_own_fails(tmp_path: Path, capsys) -> None:
    project = write_project(tmp_path, CODE, "[tool.smokegen]\ntimeout = 2\n")
    code = main(["check", "--no-mypy", "--no-cache", "--format", "json", "--python", sys.executable, str(project)])
    report = json.loads(capsys.readouterr().out)
    found = {(f["path"], f["code"], f["severity"]): f["message"] for f in report["findings"]}
    assert code == 1  # the loop's SG210
    waiting = found[("pkg/debugger.py", "SG212", "warning")]
    assert "`pkg.debugger.RemoteDebugger()` needs the environment: it did not return within 2" in waiting
    assert "(still running at pkg/debugger.py:9, via " in waiting and "socket.py" in waiting
    assert "in accept)" in waiting
    looping = found[("pkg/spinner.py", "SG210", "error")]
    assert "`pkg.spinner.Spinner()` did not return within 2" in looping
    assert "(still running at pkg/spinner.py:" in looping
    assert not [key for key in found if key[0] == "pkg/debugger.py" and key[2] == "error"]
