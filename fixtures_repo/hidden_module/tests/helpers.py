"""Test helpers, imported as `helpers` (pytest puts tests/ on sys.path: it has no __init__.py)."""


def events(count: int) -> list[dict[str, int]]:
    return [{"id": i} for i in range(count)]
