from unittest import mock


@mock.patch("shop.pricing.PriceCalculator.with_tax", return_value=120)
def test_price(with_tax):
    assert with_tax(100) == 120
