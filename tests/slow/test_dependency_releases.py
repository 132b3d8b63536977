"""Published releases broken by a dependency's release, as a new user meets them: ``check
--installed`` reports the breakage at error severity, at the package's own line, and the current
release of the same package next to the same dependency is clean (slow: ``pytest -m slow``; each
case installs its pins into a virtualenv of its own).

Each expected line was checked by hand against the real failure of ``python -c "import pkg"`` or of
the constructor the finding names.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from smokegen.cli.main import main
from tests.slow.helpers import make_site

pytestmark = pytest.mark.slow

# (distribution checked, broken pins, its errors as "path:line: CODE", the healthy release's pins);
# pins after "then" are installed in a second step, as an upgrade past the declared range is
CASES = {
    # Werkzeug 3 removed url_quote and url_parse: `import flask` fails, and so does the `flask` command
    "werkzeug3": (
        "Flask",
        ["Flask==2.2.3", "Werkzeug==3.0.6"],
        {
            "Flask-2.2.3.dist-info/entry_points.txt:2: SG208",
            "flask/app.py:30: SG110",
            "flask/testing.py:10: SG110",
        },
        ["Flask==3.1.3", "Werkzeug==3.1.9"],
    ),
    # NumPy 2 removed np.unicode_: `import xarray` fails at the package's own line, not NumPy's
    "numpy2": (
        "xarray",
        ["xarray==2023.1.0", "numpy==2.2.6", "pandas==2.2.3"],
        {"xarray/core/dtypes.py:43: SG201"},
        ["xarray==2026.9.0", "numpy==2.4.6", "pandas==3.1.1"],
    ),
    # pydantic 2 moved BaseSettings out: `import fastapi_mail` fails
    "pydantic2": (
        "fastapi-mail",
        ["fastapi-mail==1.2.2", "then", "pydantic==2.14.4"],
        {"fastapi_mail/config.py:5: SG201"},
        ["fastapi-mail==1.6.8", "pydantic==2.14.4"],
    ),
    # urllib3 2 removed Retry(method_whitelist=...): `spotipy.Spotify()` fails in every caller, an
    # error (SG210), not "the arguments were synthesised" (the keyword is spelled in spotipy's code)
    "urllib3v2": (
        "spotipy",
        ["spotipy==2.16.1", "urllib3==2.8.0", "requests==2.34.2"],
        {"spotipy/client.py:20: SG210"},
        ["spotipy==2.26.0", "urllib3==2.8.0", "requests==2.34.2"],
    ),
}


def errors(dist: str, python: str, capsys: pytest.CaptureFixture[str]) -> set[str]:
    code = main(["check", "--installed", dist, "--python", python, "--no-mypy", "--no-cache", "--format", "json"])
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    report = json.loads(out)
    return {f"{f['path']}:{f['line']}: {f['code']}" for f in report["findings"] if f["severity"] == "error"}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_dependency_release_that_breaks_a_package_is_an_error_and_its_fix_is_clean(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dist, broken, expected, healthy = CASES[case]
    first, _, then = " ".join(broken).partition(" then ")
    python, _ = make_site(tmp_path / "broken", first.split())
    if then:  # pip warns that the package declares another range, and installs it
        subprocess.run([python, "-m", "pip", "install", "-q", *then.split()], check=True)
    assert errors(dist, python, capsys) == expected
    python, _ = make_site(tmp_path / "healthy", healthy)
    assert errors(dist, python, capsys) == set()
