from __future__ import annotations

from shop.customers import Customer


class Order:
    def __init__(self, customer: Customer, total: int = 0) -> None:
        self.customer = customer
        self.total = total
