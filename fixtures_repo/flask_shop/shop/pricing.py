from dataclasses import dataclass


@dataclass
class PriceCalculator:
    tax_rate: float = 0.2

    def with_tax(self, cents: int) -> int:
        return round(cents * (1 + self.tax_rate))
