from __future__ import annotations

from typing import TYPE_CHECKING

from inventory.models import Item, Warehouse

if TYPE_CHECKING:
    from inventory.models import StockStatus


class StockService:
    """Reserves stock in one warehouse."""

    def __init__(self, warehouse: Warehouse) -> None:
        self.warehouse = warehouse

    def reserve(self, sku: str, quantity: int) -> bool:
        item = self.warehouse.items.get(sku)
        if item is None or item.quantity < quantity:
            return False
        self.warehouse.put(Item(sku, item.quantity - quantity, item.tags))
        return True

    def status(self, sku: str) -> StockStatus | None:
        item = self.warehouse.items.get(sku)
        return None if item is None else item.status()

    def export(self) -> str:
        import json  # lazy: only the export path needs it

        return json.dumps({sku: i.quantity for sku, i in sorted(self.warehouse.items.items())})
