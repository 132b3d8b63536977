"""The verdict cache, unit by unit: a verdict is reused only while every file it depends on is unchanged."""

from __future__ import annotations

from pathlib import Path

from smokegen.model import BuildVerdict, ImportStatus, ImportVerdict
from smokegen.runtime.verdict_cache import VerdictCache, clean, split_cached
from smokegen.scan.cache import ScanCache
from tests.helpers import project_from

MODEL = project_from(
    {
        "app.__init__": "",
        "app.core": "VALUE = 1\n",
        "app.views": "from app.core import VALUE\n",
    }
)
PRINTS = {"app/__init__.py": "a0", "app/core.py": "c0", "app/views.py": "v0"}


def cache_at(tmp_path: Path, fingerprints: dict[str, str], context: str = "ctx") -> VerdictCache:
    return VerdictCache(ScanCache(tmp_path / "cache"), tmp_path, MODEL, fingerprints, context)


def passed(module: str, loaded: tuple[str, ...] = ()) -> ImportVerdict:
    return ImportVerdict(module, ImportStatus.OK, loaded=loaded)


def test_a_clean_verdict_is_reused_while_its_files_are_unchanged(tmp_path: Path) -> None:
    loaded = (str(tmp_path / "app" / "core.py"), str(tmp_path / "app" / "views.py"))
    cache_at(tmp_path, PRINTS).put(passed("app.views", loaded))
    assert cache_at(tmp_path, PRINTS).get("app.views") == passed("app.views", loaded)
    # a file the import loaded changed: imported again
    assert cache_at(tmp_path, {**PRINTS, "app/core.py": "c1"}).get("app.views") is None
    # a file it did not load changed: still good
    assert cache_at(tmp_path, {**PRINTS, "app/__init__.py": "a1"}).get("app.views") is not None


def test_another_context_misses(tmp_path: Path) -> None:
    cache_at(tmp_path, PRINTS).put(passed("app.core"))
    assert cache_at(tmp_path, PRINTS, context="other interpreter").get("app.core") is None


def test_failures_and_failed_builds_are_never_kept(tmp_path: Path) -> None:
    failed = ImportVerdict("app.core", ImportStatus.ERROR, "ImportError", "boom")
    broken_build = ImportVerdict(
        "app.views", ImportStatus.OK, builds=(BuildVerdict("app.views", "View", ImportStatus.ERROR, exc_type="E"),)
    )
    assert not clean(failed) and not clean(broken_build)
    cache = cache_at(tmp_path, PRINTS)
    cache.put(failed)
    cache.put(broken_build)
    assert cache.get("app.core") is None and cache.get("app.views") is None


def test_a_corrupt_entry_is_a_miss(tmp_path: Path) -> None:
    cache = cache_at(tmp_path, PRINTS)
    cache.put(passed("app.core"))
    for entry in (tmp_path / "cache").rglob("*.json"):
        if "verdicts" in entry.parts:
            entry.write_text('{"files": {"app/core.py": "c0"}, "verdict": {"module": 3}}', encoding="utf-8")
    assert cache_at(tmp_path, PRINTS).get("app.core") is None


def test_split_cached_noop_without_a_cache() -> None:
    assert split_cached(None, ["app.core", "app.views"], {}) == ({}, ["app.core", "app.views"])


def test_split_cached_separates_kept_from_todo(tmp_path: Path) -> None:
    cache_at(tmp_path, PRINTS).put(passed("app.core"))
    kept, todo = split_cached(cache_at(tmp_path, PRINTS), ["app.core", "app.views"], {})
    assert list(kept) == ["app.core"] and todo == ["app.views"]
