"""Consumers of the event stream."""
from __future__ import annotations

from collections.abc import Iterator


class BaseStreamingConsumer:
    def __init__(self, topic: str) -> None:
        self.topic = topic

    def poll(self) -> Iterator[dict[str, int]]:
        return iter(())
