"""The team's unit tests: they mock the consumer, so they never notice it is gone."""

from unittest import mock


@mock.patch("app.streaming.consumers.StreamingConsumer", create=True)
def test_pipeline_counts_events(consumer_cls: mock.MagicMock) -> None:
    from app.streaming.pipeline import EventPipeline

    consumer_cls.return_value.poll.return_value = iter([{"id": 1}, {"id": 2}])
    assert EventPipeline("orders").run_once() == 2
    consumer_cls.assert_called_once_with("orders")


def test_health() -> None:
    from app.api import health

    assert health() == {"status": "ok"}
