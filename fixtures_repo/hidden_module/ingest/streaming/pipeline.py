"""Streaming ingestion."""
from __future__ import annotations

from ingest.streaming.consumers import StreamingConsumer


class EventPipeline:
    def __init__(self, topic: str) -> None:
        self.consumer = StreamingConsumer(topic)

    def run_once(self) -> int:
        return sum(1 for _ in self.consumer.poll())
