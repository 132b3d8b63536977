from __future__ import annotations

import enum
from dataclasses import dataclass, field


class StockStatus(enum.Enum):
    IN_STOCK = "in-stock"
    LOW = "low"
    OUT = "out"


@dataclass(frozen=True)
class Item:
    sku: str
    quantity: int = 0
    tags: tuple[str, ...] = field(default_factory=tuple)

    def status(self, low_mark: int = 5) -> StockStatus:
        if self.quantity == 0:
            return StockStatus.OUT
        return StockStatus.LOW if self.quantity <= low_mark else StockStatus.IN_STOCK


class Warehouse:
    def __init__(self, name: str, capacity: int = 100) -> None:
        self.name = name
        self.capacity = capacity
        self.items: dict[str, Item] = {}

    def put(self, item: Item) -> None:
        self.items[item.sku] = item

    def total(self) -> int:
        return sum(i.quantity for i in self.items.values())
