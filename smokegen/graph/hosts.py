"""Plugins' hosts: the program that loads an entry point group, and so is present whenever it does.

A distribution's ``pytest11`` entry point is a pytest plugin: only pytest loads it, so pytest is
installed whenever its module runs, declared or not. The host of a group is read from the group's
name: a known table for the names that do not say it (``pytest11``, setuptools' own groups), else
the group's first dotted part (``flake8.extension`` -> flake8, ``sphinx.builders`` -> sphinx).
``console_scripts`` and ``gui_scripts`` have no host: the installer's script wrapper loads them.
"""

from __future__ import annotations

from packaging.utils import canonicalize_name

from smokegen.graph.imports import import_closure, import_time_graph
from smokegen.graph.index import ProjectIndex

NO_HOST = frozenset({"console_scripts", "gui_scripts"})
_KNOWN = {
    "pytest11": "pytest",
    "distutils.commands": "setuptools",
    "distutils.setup_keywords": "setuptools",
    "egg_info.writers": "setuptools",
    "setuptools.finalize_distribution_options": "setuptools",
    "setuptools.installation": "setuptools",
    "paste.app_factory": "pastedeploy",
    "paste.filter_factory": "pastedeploy",
    "paste.server_factory": "pastedeploy",
}


def host_of(group: str) -> str | None:
    """The distribution (normalised) that loads entry points of ``group``; None for scripts."""
    if group in NO_HOST:
        return None
    known = _KNOWN.get(group)
    if known is not None:
        return known
    head = group.split(".", 1)[0].strip()
    return canonicalize_name(head) if head else None


def hosted_modules(index: ProjectIndex) -> dict[str, frozenset[str]]:
    """Module -> the hosts (distributions) present whenever it runs: modules that only a hosted entry
    point loads (not ``import <package>``, a script, or a ``__main__`` module). A module that the
    package imports anyway needs what it imports whoever loads it, and is not here."""
    points = [(e, host_of(e.group)) for e in index.model.entry_points if e.module in index.modules]
    if not any(host for _, host in points):
        return {}
    graph = import_time_graph(index)
    hosted_points = {e.module for e, host in points if host is not None}
    # a top-level module that is itself a plugin (pytest_randomly) is imported by its host, not by users
    plain_roots = {t for t in index.tops if t in index.modules and t not in hosted_points}
    plain_roots |= {e.module for e, host in points if host is None}
    plain_roots |= {m.name for m in index.model.modules if not m.kind.imported}
    plain: set[str] = set()
    for root in sorted(plain_roots):
        if root not in plain:
            plain |= import_closure(root, graph)
    hosted: dict[str, set[str]] = {}
    for point, host in points:
        if host is None:
            continue
        for module in import_closure(point.module, graph) - plain:
            hosted.setdefault(module, set()).add(host)
    return {module: frozenset(hosts) for module, hosts in sorted(hosted.items())}
