from __future__ import annotations

from pathlib import Path


class Keeper:
    def __init__(self, name: str, shifts: list[str] | None = None, badge: int = 0) -> None:
        self.name = name
        self.shifts = shifts or []
        self.badge = badge

    def on_duty(self, day: str) -> bool:
        return day in self.shifts


class Untyped:
    """Required arguments without annotations: nothing can be synthesised for them."""

    def __init__(self, a, b):  # type: ignore[no-untyped-def]
        self.a = a
        self.b = b


class Roster:
    """Its constructor raises on any machine without /etc/zoo/roster.txt."""

    def __init__(self, path: Path = Path("/etc/zoo/roster.txt")) -> None:
        self.lines = path.read_text().splitlines()
