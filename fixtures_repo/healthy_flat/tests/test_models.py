from inventory.models import Item, StockStatus


def test_status() -> None:
    assert Item("a", 0).status() is StockStatus.OUT
    assert Item("a", 3).status() is StockStatus.LOW
