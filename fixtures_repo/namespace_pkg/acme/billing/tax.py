RATES = {"NL": 0.21, "DE": 0.19}


def rate_for(country: str) -> float:
    return RATES.get(country, 0.0)
