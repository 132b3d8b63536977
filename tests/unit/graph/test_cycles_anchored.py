"""Which import cycles always run the same way, whoever imports them first."""

from __future__ import annotations

from smokegen.runtime.imports import anchored


def test_a_cycle_through_its_package_is_anchored() -> None:
    graph = {"pkg": {"pkg.util"}, "pkg.util": {"pkg", "pkg.errors"}}
    assert anchored({"pkg", "pkg.util"}, graph)


def test_a_cycle_between_siblings_is_not() -> None:
    graph = {"pkg.a": {"pkg.b"}, "pkg.b": {"pkg.a"}}
    assert not anchored({"pkg.a", "pkg.b"}, graph)


def test_a_cycle_that_does_not_pass_through_the_package_is_not() -> None:
    # pkg imports pkg.a, pkg.a and pkg.b import each other: ``import pkg.b`` may enter it at b
    graph = {"pkg": {"pkg.a"}, "pkg.a": {"pkg.b", "pkg"}, "pkg.b": {"pkg.a"}}
    assert not anchored({"pkg", "pkg.a", "pkg.b"}, graph)


def test_a_cycle_with_a_module_outside_the_package_is_not() -> None:
    graph = {"pkg": {"other"}, "other": {"pkg"}}
    assert not anchored({"pkg", "other"}, graph)
