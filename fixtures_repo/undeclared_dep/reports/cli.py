from __future__ import annotations

import argparse
import json
from collections.abc import Sequence

from reports.export import to_yaml


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="reports")
    parser.add_argument("rows", help="a JSON list of objects")
    args = parser.parse_args(argv)
    print(to_yaml(json.loads(args.rows)), end="")
    return 0
