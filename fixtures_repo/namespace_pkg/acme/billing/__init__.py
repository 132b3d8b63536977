from .invoices import Invoice

__all__ = ["Invoice"]
