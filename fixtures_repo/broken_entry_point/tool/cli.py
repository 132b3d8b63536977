import sys


def run() -> int:
    print("running")
    return 0


def check() -> int:
    return 0 if sys.version_info >= (3, 10) else 1
