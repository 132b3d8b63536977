from __future__ import annotations

from dataclasses import dataclass

from ..shared.money import Money
from .tax import rate_for


@dataclass
class Invoice:
    customer: str
    net: Money
    country: str = "NL"

    def gross(self) -> Money:
        return self.net.scaled(1 + rate_for(self.country))
