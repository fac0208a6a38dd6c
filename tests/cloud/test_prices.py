"""The price tables (metrics/cloud/prices/): each names its source and date, the newest
version of a provider's applies, a type not in it gets the table's default."""

import json
from decimal import Decimal

import pytest

from metrics.cloud import prices
from metrics.cloud.prices import PRICES_DIR, daily_cost, price_table


@pytest.mark.parametrize("path", sorted(PRICES_DIR.glob("*.json")), ids=lambda path: path.name)
def test_it_documents_each_table(path):
    table = json.loads(path.read_text())
    assert path.stem == f"{table['provider']}-{table['version']}"
    assert table["source"] and table["date"] and table["currency"] == "USD"
    assert all(entry["hourly"] >= 0 for entry in table["types"].values())


def test_it_prices_a_day_from_the_hour():
    aws = price_table("aws")
    assert aws.hourly("m5.large") == Decimal("0.096") and daily_cost(aws.hourly("m5.large")) == 2.3
    assert daily_cost(aws.hourly("t3.xlarge")) == round(0.1664 * 24, 2) == 3.99
    assert aws.hourly("x9.unknown") == Decimal("0.05") and daily_cost(aws.hourly("x9.unknown")) == 1.2
    assert aws.size("m5.large") == (2, 8) and aws.size("x9.unknown") == (None, None)


def test_it_takes_the_newest_version(tmp_path, monkeypatch):
    for version, hourly in (("2026-11", 0.1), ("2027-02", 0.2)):
        (tmp_path / f"aws-{version}.json").write_text(json.dumps(
            {"provider": "aws", "version": version, "currency": "USD", "default_hourly": 0.05,
             "types": {"m5.large": {"hourly": hourly}}}))
    monkeypatch.setattr(prices, "PRICES_DIR", tmp_path)
    price_table.cache_clear()
    try:
        table = price_table("aws")
        assert (table.name, table.hourly("m5.large")) == ("aws-2027-02", Decimal("0.2"))
    finally:
        price_table.cache_clear()
