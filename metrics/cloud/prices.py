"""Daily cost estimates from the versioned price tables in prices/ (one JSON file per
provider and version, `<provider>-<YYYY-MM>.json`, each naming its source and date).

The newest version of a provider's table applies. A type missing from it is priced at the
table's `default_hourly`. The estimate is the running price whatever the instance's state
(dailyCostRunning = round(hourly × 24, 2)); a stopped instance costs 0.0 here, since disks
and addresses are not counted: both are estimates (costIsEstimate true).
"""

import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

PRICES_DIR = Path(__file__).resolve().parent / "prices"
HOURS_PER_DAY = 24


@dataclass(frozen=True)
class PriceTable:
    name: str  # the file's stem, e.g. "aws-2026-11"
    currency: str
    default_hourly: Decimal
    types: dict

    def hourly(self, instance_type: str) -> Decimal:
        entry = self.types.get(instance_type)
        return self.default_hourly if entry is None else Decimal(str(entry["hourly"]))

    def size(self, instance_type: str) -> tuple[int | None, float | None]:
        """(vCPUs, memory GB) the table gives for the type, (None, None) when it has none."""
        entry = self.types.get(instance_type, {})
        return entry.get("vcpus"), entry.get("memory_gb")


@cache
def price_table(provider: str) -> PriceTable:
    path = max(PRICES_DIR.glob(f"{provider}-*.json"))
    table = json.loads(path.read_text())
    return PriceTable(name=path.stem, currency=table["currency"],
                      default_hourly=Decimal(str(table["default_hourly"])), types=table["types"])


def daily_cost(hourly: Decimal) -> float:
    return float((hourly * HOURS_PER_DAY).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
