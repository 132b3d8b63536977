from decimal import Decimal

from ledger import Account, MemoryLedger


def test_post() -> None:
    account = Account("ann")
    MemoryLedger().post(account, Decimal("5"))
    assert account.balance == Decimal("5")
