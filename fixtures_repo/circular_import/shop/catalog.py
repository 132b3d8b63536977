"""Half of a cycle that works: plain module imports, attributes used only inside functions."""

import shop.pricing


def price_of(sku: str) -> int:
    return shop.pricing.base_price(sku)
