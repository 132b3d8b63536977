from __future__ import annotations

import yaml


def to_yaml(rows: list[dict[str, object]]) -> str:
    return yaml.safe_dump(rows, sort_keys=True)
