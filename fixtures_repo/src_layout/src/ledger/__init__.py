from ledger.accounts import Account, BaseLedger, MemoryLedger

__all__ = ["Account", "BaseLedger", "MemoryLedger"]
