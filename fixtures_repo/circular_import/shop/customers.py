from __future__ import annotations

from shop.orders import Order  # shop.orders is half-initialised here: Order is not bound yet


class Customer:
    def __init__(self, name: str) -> None:
        self.name = name
        self.orders: list[Order] = []
