from __future__ import annotations

import json
from typing import Any

try:
    import orjson
except ImportError:  # the "fast" extra is not installed
    orjson = None


def dumps(value: Any) -> str:
    if orjson is not None:
        return orjson.dumps(value).decode()
    return json.dumps(value, separators=(",", ":"))
