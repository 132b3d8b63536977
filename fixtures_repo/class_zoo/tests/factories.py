"""Factories named in [tool.smokegen] factories: how the project builds what smokegen cannot."""

from datetime import timezone

from zoo.keepers import Feeder


def make_feeder() -> Feeder:
    return Feeder(timezone.utc)
