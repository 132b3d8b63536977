from ledger._compat import tomllib


def load(text: str) -> dict[str, object]:
    return tomllib.loads(text)
