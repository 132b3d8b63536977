from __future__ import annotations

import argparse
from collections.abc import Sequence

from inventory.models import Item, Warehouse
from inventory.services import StockService


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="inventory")
    parser.add_argument("sku")
    parser.add_argument("--quantity", type=int, default=1)
    args = parser.parse_args(argv)
    warehouse = Warehouse("main")
    warehouse.put(Item(args.sku, 10))
    ok = StockService(warehouse).reserve(args.sku, args.quantity)
    print("reserved" if ok else "not enough stock")
    return 0 if ok else 1
