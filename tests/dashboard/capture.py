"""The dashboard tests' data: the 4-vCPU azure-loadtest-3 capture (126 ticks at 5 s)
replayed the way pcc sends it into acme's collector "host", and what pcprocess computed
from the same capture (the oracle)."""

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime

from metrics.host_totals import disks_in_total, interface_in_total
from metrics.models import Collector
from tests.ingest.agent import capture_ticks, envelope, post_like_pcc
from tests.oracle import CAPTURES, oracle_rows
from tests.personas import Team, api_client, api_key_make, team_make

CAPTURE = next(path for path in CAPTURES if path.name == "azure-loadtest-3")
TICKS = capture_ticks(CAPTURE)
FIRST_TICK, LAST_TICK = TICKS[0][0]["timestamp"], TICKS[-1][0]["timestamp"]
FAR_FUTURE = datetime(2100, 1, 1, tzinfo=UTC)


@dataclass
class Replayed:
    team: Team
    collector: Collector

    def get(self, chart: str, user=None, **params):
        """GET /api/dashboard/collectors/<collector>/<chart>/ as acme's viewer."""
        client = api_client(user or self.team.viewer)
        return client.get(f"/api/dashboard/collectors/{self.collector.pk}/{chart}/", params)


def replayed(client, ticks=TICKS, *, slug: str = "acme") -> Replayed:
    team = team_make(slug)
    _, key = api_key_make(team.organization, name="fleet")
    for tick in ticks:
        assert post_like_pcc(client, key, envelope("host", tick)).status_code == 200
    return Replayed(team, Collector.objects.get(organization=team.organization, identifier="host"))


def moved_back(ticks: list[list[dict]], seconds: int) -> list[list[dict]]:
    """Copies of ticks, `seconds` earlier: with the capture's last two ticks, an earlier
    sample (the second of them has the rate of the capture's last interval) that makes the
    data span a longer range. The capture's first tick after them has no rate: its counters
    are lower than theirs."""
    return [[{**m, "timestamp": m["timestamp"] - seconds} for m in tick] for tick in ticks]


def oracle(csv_name: str, **match) -> list[dict]:
    """pcprocess's rows of csv_name whose columns equal `match`, its first timestamp left out
    (pcprocess pairs the 3rd tick with the 1st there; we pair each tick with the previous)."""
    rows = oracle_rows(CAPTURE, csv_name)
    first = min(int(row["timestamp"]) for row in rows)
    return [row for row in rows if int(row["timestamp"]) > first and all(row[k] == v for k, v in match.items())]


def host_totals(csv_name: str, item_column: str, counted, column: str) -> dict[int, float]:
    """{time: the sum of column over the items that count in the host total} from pcprocess
    (counted: metrics.host_totals.interface_in_total, or membership of disks_in_total)."""
    sums: dict[int, float] = {}
    for row in oracle(csv_name):
        if counted(row[item_column]):
            sums[int(row["timestamp"])] = sums.get(int(row["timestamp"]), 0.0) + float(row[column])
    return sums


def by_minute(rows: list[dict], value) -> dict[int, list[float]]:
    """{minute start: [value(row) in time order]} for pcprocess rows."""
    minutes = defaultdict(list)
    for row in sorted(rows, key=lambda row: int(row["timestamp"])):
        minutes[int(row["timestamp"]) // 60 * 60].append(value(row))
    return minutes


def full_minutes(rows: list[dict]) -> set[int]:
    """Minutes in which pcprocess has every tick we have (its first minute lacks one)."""
    first = min(int(row["timestamp"]) for row in oracle_rows(CAPTURE, "proc/stat"))
    return {minute for minute in by_minute(rows, lambda row: 0) if minute > first // 60 * 60}


def assert_series(answer: dict, values: list, expected: dict[int, float]) -> None:
    """values (a series of answer, parallel to its timestamps) equal expected {time: value}."""
    position = {t: index for index, t in enumerate(answer["timestamps"])}
    assert len(expected) > 100
    for t, value in expected.items():
        assert close(values[position[t]], value), (t, values[position[t]], value)


def close(ours, theirs: float) -> bool:
    return ours is not None and math.isclose(ours, theirs, rel_tol=1e-9, abs_tol=1e-6)


def same_answer(left, right) -> bool:
    """Equal JSON answers, floats within 1e-12 relative (sums taken in another order)."""
    if isinstance(left, float) and isinstance(right, float):
        return math.isclose(left, right, rel_tol=1e-12, abs_tol=1e-12)
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(same_answer(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(same_answer(a, b) for a, b in zip(left, right))
    return left == right


def raw_counters() -> dict[int, dict[str, int]]:
    """{tick: {"group.field": counter}} from the capture's /proc text: disk sectors x 512 and
    operations, network bytes and packets, summed over the host total's items; and MemTotal."""
    counters: dict[int, dict[str, int]] = defaultdict(dict)
    for tick in TICKS:
        for item in tick:
            values = counters[item["timestamp"]]
            if item["subsystem"] == "/proc/diskstats":
                rows = {fields[2]: fields for fields in map(str.split, item["measurement"].splitlines())
                        if len(fields) >= 14}
                whole = [rows[name] for name in disks_in_total(rows)]
                values["disk.read_ops"] = sum(int(fields[3]) for fields in whole)
                values["disk.read_bytes"] = sum(int(fields[5]) for fields in whole) * 512
                values["disk.write_ops"] = sum(int(fields[7]) for fields in whole)
                values["disk.write_bytes"] = sum(int(fields[9]) for fields in whole) * 512
            elif item["subsystem"] == "/proc/net/dev":
                totals = dict.fromkeys(("rx_bytes", "rx_packets", "tx_bytes", "tx_packets"), 0)
                for line in item["measurement"].splitlines()[2:]:
                    name, numbers = line.split(":", 1)
                    numbers = [int(number) for number in numbers.split()]
                    if interface_in_total(name.strip()):
                        for field, index in (("rx_bytes", 0), ("rx_packets", 1), ("tx_bytes", 8), ("tx_packets", 9)):
                            totals[field] += numbers[index]
                values.update({f"network.{field}": total for field, total in totals.items()})
            elif item["subsystem"] == "/proc/meminfo":
                total_kb = next(int(line.split()[1]) for line in item["measurement"].splitlines()
                                if line.startswith("MemTotal:"))
                values["memory.total_mb"] = total_kb / 1024
    return counters
