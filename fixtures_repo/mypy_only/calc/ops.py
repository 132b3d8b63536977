def total(values: list[int]) -> int:
    return sum(values)


def label(values: list[int]) -> str:
    # A type error that imports and runs fine: only mypy sees it.
    return total(values)
