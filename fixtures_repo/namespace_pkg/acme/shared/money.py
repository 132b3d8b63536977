from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Money:
    cents: int
    currency: str = "EUR"

    def scaled(self, factor: float) -> Money:
        return Money(round(self.cents * factor), self.currency)
