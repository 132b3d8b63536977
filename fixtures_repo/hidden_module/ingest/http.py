"""Fetches from the upstream API."""
from __future__ import annotations

import urllib.request


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url) as response:
        data: bytes = response.read()
    return data
