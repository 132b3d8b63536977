"""The daily report: how many events the pipeline saw."""
from __future__ import annotations


def daily(topic: str) -> int:
    from ingest.streaming import EventPipeline

    return EventPipeline(topic).run_once()
