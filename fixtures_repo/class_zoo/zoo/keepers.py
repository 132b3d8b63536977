from __future__ import annotations

from datetime import tzinfo
from pathlib import Path

from zoo.shapes import Color


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


def load_exchange_rates(currency: str) -> dict[str, float]:
    return {currency: 1.0}


class Ledger:
    """Its constructor still calls the helper under its old name: NameError the first time anything builds it."""

    def __init__(self, currency: str = "EUR") -> None:
        self.rates = load_rates(currency)  # noqa: F821


class Cage:
    """Refuses the synthesised width on purpose: skipped (rejected), not a finding."""

    def __init__(self, width: int) -> None:
        if width <= 0:
            raise ValueError("a cage needs a positive width")
        self.width = width


class Enclosure:
    """Built from synthesised project values: a Keeper and the first Color."""

    def __init__(self, keeper: Keeper, color: Color, *, tags: frozenset[str] = frozenset()) -> None:
        self.keeper = keeper
        self.color = color
        self.tags = tags


class Feeder:
    """Needs a tzinfo, which smokegen cannot make up: built by the factory named in pyproject.toml."""

    def __init__(self, zone: tzinfo) -> None:
        self.zone = zone
