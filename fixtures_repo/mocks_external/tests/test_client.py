"""Tests that mock external boundaries only: urllib, time, os.environ."""

import io
import os
import time
from unittest import mock
from unittest.mock import patch

from weather.client import WeatherClient


class FakeHttp:
    """Not a mock: an HTTP client whose .patch() sends an HTTP PATCH."""

    def patch(self, url: str) -> str:
        return url


@mock.patch("urllib.request.urlopen")
def test_temperature(urlopen: mock.MagicMock) -> None:
    urlopen.return_value.__enter__.return_value = io.StringIO('{"celsius": 4.5}')
    assert WeatherClient().temperature("Bergen") == 4.5


def test_city_from_environment(monkeypatch) -> None:
    monkeypatch.setenv("WEATHER_CITY", "Tromso")
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    with patch("urllib.request.urlopen", side_effect=OSError("offline")):
        try:
            WeatherClient().temperature()
        except RuntimeError as exc:
            assert "Tromso" in str(exc)


def test_retries_sleep() -> None:
    with patch.object(time, "sleep") as sleep, patch.dict(os.environ, {"WEATHER_CITY": "Oslo"}):
        with patch("urllib.request.urlopen", side_effect=OSError("offline")):
            try:
                WeatherClient().temperature()
            except RuntimeError:
                pass
    assert sleep.call_count == 3
    assert FakeHttp().patch("/cities/oslo") == "/cities/oslo"
