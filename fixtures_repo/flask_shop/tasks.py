from celery_app import celery
from shop.pricing import PriceCalculator


@celery.task
def reprice(cents: int) -> int:
    return PriceCalculator().with_tax(cents)
