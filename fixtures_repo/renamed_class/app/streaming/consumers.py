from __future__ import annotations

from collections.abc import Iterable, Iterator


class BaseStreamingConsumer:
    """Reads events from one topic. (Was ``StreamingConsumer`` until the 3.0 refactor.)"""

    def __init__(self, topic: str, group_id: str = "analytics") -> None:
        self.topic = topic
        self.group_id = group_id
        self._buffer: list[dict[str, object]] = []

    def feed(self, events: Iterable[dict[str, object]]) -> None:
        self._buffer.extend(events)

    def poll(self) -> Iterator[dict[str, object]]:
        while self._buffer:
            yield self._buffer.pop(0)
