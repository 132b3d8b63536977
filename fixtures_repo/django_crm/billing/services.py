from billing.models import Invoice


class InvoiceService:
    def __init__(self, currency: str = "EUR"):
        self.currency = currency

    def total(self, invoices: list[Invoice]) -> int:
        return sum(invoice.amount_cents for invoice in invoices)
