from flask import Blueprint, jsonify

from shop.pricing import PriceCalculator

bp = Blueprint("shop", __name__)


@bp.get("/price/<int:cents>")
def price(cents: int):
    return jsonify(total=PriceCalculator().with_tax(cents))
