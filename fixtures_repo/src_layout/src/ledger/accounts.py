from __future__ import annotations

import abc
from decimal import Decimal
from typing import Protocol


class Repository(Protocol):
    def load(self, key: str) -> Decimal: ...

    def save(self, key: str, value: Decimal) -> None: ...


class Account:
    def __init__(self, owner: str, balance: Decimal = Decimal("0")) -> None:
        self.owner = owner
        self.balance = balance


class BaseLedger(abc.ABC):
    @abc.abstractmethod
    def post(self, account: Account, amount: Decimal) -> None: ...

    def describe(self) -> str:
        return type(self).__name__


class MemoryLedger(BaseLedger):
    def __init__(self) -> None:
        self.entries: list[tuple[str, Decimal]] = []

    def post(self, account: Account, amount: Decimal) -> None:
        account.balance += amount
        self.entries.append((account.owner, amount))
