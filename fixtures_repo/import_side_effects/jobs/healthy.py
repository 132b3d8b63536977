def run(name: str) -> str:
    return f"ran {name}"
