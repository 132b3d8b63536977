"""Stock levels for the warehouses."""

from inventory.models import Item, StockStatus, Warehouse

__all__ = ["Item", "StockStatus", "Warehouse", "__version__"]
__version__ = "1.4.0"
