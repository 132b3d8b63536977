from __future__ import annotations

import typing as t

if t.TYPE_CHECKING:
    from accounts.models import UserRecord


def greeting(user: UserRecord) -> str:
    return f"hello {user.email}"
