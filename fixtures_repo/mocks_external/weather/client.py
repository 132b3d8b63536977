from __future__ import annotations

import json
import os
import time
import urllib.request


class WeatherClient:
    def __init__(self, base_url: str = "https://weather.invalid/api") -> None:
        self.base_url = base_url

    def temperature(self, city: str | None = None) -> float:
        city = city or os.environ.get("WEATHER_CITY", "Oslo")
        for attempt in range(3):
            try:
                with urllib.request.urlopen(f"{self.base_url}/{city}") as response:
                    return float(json.load(response)["celsius"])
            except OSError:
                time.sleep(2**attempt)
        raise RuntimeError(f"no temperature for {city}")
