"""A declared dependency's extras bring their requirements: ``passlib[bcrypt]`` brings bcrypt."""

from __future__ import annotations

from smokegen.checks.external import _brought_by
from smokegen.project.deps import _parse, _poetry
from smokegen.project.environment import Distribution, Environment


def environment(requires: dict[str, tuple[str, ...]]) -> Environment:
    dists = {name: Distribution(name, "1", lines) for name, lines in requires.items()}
    return Environment("python", (3, 12), (), frozenset(), {}, dists, {})


ENV = environment(
    {
        "passlib": ('bcrypt>=3.1; extra == "bcrypt"', 'argon2-cffi; extra == "argon2"'),
        "bcrypt": (),
        "argon2-cffi": (),
        "uvicorn": ("click", 'httptools; extra == "standard"', 'watchfiles[fast]; extra == "standard"'),
        "watchfiles": ('anyio; extra == "fast"',),
        "click": (),
        "httptools": (),
        "anyio": (),
    }
)


def test_extras_asked_of_a_root_bring_their_requirements_and_no_others() -> None:
    assert _brought_by(ENV, {"passlib"}) == {}
    assert _brought_by(ENV, {"passlib"}, {"passlib": frozenset({"bcrypt"})}) == {"bcrypt": "passlib"}


def test_extras_asked_in_turn_are_followed() -> None:
    brought = _brought_by(ENV, {"uvicorn"}, {"uvicorn": frozenset({"standard"})})
    assert brought == {"click": "uvicorn", "httptools": "uvicorn", "watchfiles": "uvicorn", "anyio": "uvicorn"}


def test_declarations_record_the_extras_they_ask() -> None:
    parsed = _parse("passlib[bcrypt]>=1.7", None)
    assert parsed is not None and parsed.extras == ("bcrypt",)
    poetry = _poetry(
        {"poetry": {"dependencies": {"python": "^3.9", "passlib": {"extras": ["bcrypt"], "version": "^1.7"}}}}
    )
    assert poetry is not None and [(d.name, d.extras) for d in poetry] == [("passlib", ("bcrypt",))]
