"""deploy/grafana: the provisioned data source and the host dashboard. Every panel's SQL is
expanded the way Grafana's PostgreSQL data source expands it (both $__timeGroup forms) and
run as an analytics role over the captures' time range: it must return time series."""

import json
import re
from datetime import UTC, datetime

import pytest
import yaml

from tests.conftest import ROOT

pytestmark = pytest.mark.django_db

GRAFANA = ROOT / "deploy" / "grafana"
DASHBOARD = json.loads((GRAFANA / "dashboards" / "xat-host.json").read_text())
RANGE = (datetime(2026, 1, 10, 20, 30, tzinfo=UTC), datetime(2026, 1, 10, 21, 0, tzinfo=UTC))  # azure-loadtest-3
_MACRO = re.compile(r"\$(__[a-zA-Z]+)\(([^)]*)\)")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def grafana_expand(sql: str, *, timescaledb: bool, interval: str, variables: dict[str, str]) -> str:
    """What Grafana sends for a raw SQL query (pkg/tsdb/grafana-postgresql-datasource/
    macros.go): template variables first ($__interval, $host), then the macros."""
    sql = sql.replace("$__interval", interval)
    for name, value in variables.items():
        sql = sql.replace(f"${name}", value)

    def macro(match: re.Match) -> str:
        name, args = match.group(1), [arg.strip() for arg in match.group(2).split(",")]
        if name == "__timeFilter":
            start, end = (moment.strftime("%Y-%m-%dT%H:%M:%SZ") for moment in RANGE)
            return f"{args[0]} BETWEEN '{start}' AND '{end}'"
        if name in ("__timeGroup", "__timeGroupAlias"):
            step = args[1].strip("'")
            seconds = int(step[:-1]) * _UNITS[step[-1]]
            group = (f"time_bucket('{seconds:.3f}s',{args[0]})" if timescaledb
                     else f"floor(extract(epoch from {args[0]})/{seconds})*{seconds}")
            return group + (' AS "time"' if name == "__timeGroupAlias" else "")
        raise AssertionError(f"macro ${name} is not expanded by this test")

    return _MACRO.sub(macro, sql)


def _targets() -> list[tuple[str, str]]:
    return [(panel["title"], target["rawSql"]) for panel in DASHBOARD["panels"] for target in panel["targets"]]


def test_it_provisions_one_postgresql_data_source_logging_in_as_an_analytics_role():
    (source,) = yaml.safe_load((GRAFANA / "provisioning" / "datasources" / "xat.yaml").read_text())["datasources"]
    assert source["type"] == "grafana-postgresql-datasource"
    assert source["url"] == "db:5432" and source["jsonData"]["database"] == "xat"
    assert source["user"] == "$XAT_GRAFANA_DB_USER"
    assert source["secureJsonData"]["password"] == "$XAT_GRAFANA_DB_PASSWORD"
    for panel in DASHBOARD["panels"]:
        assert panel["datasource"]["uid"] == source["uid"]
    (provider,) = yaml.safe_load((GRAFANA / "provisioning" / "dashboards" / "xat.yaml").read_text())["providers"]
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]["grafana"]
    assert f"./deploy/grafana/dashboards:{provider['options']['path']}:ro" in compose["volumes"]


def test_it_shows_cpu_memory_disk_and_network_of_the_host_chosen_in_a_variable():
    assert [panel["title"].split()[0] for panel in DASHBOARD["panels"]] == ["CPU", "Memory", "Disk", "Network"]
    (variable,) = DASHBOARD["templating"]["list"]
    assert variable["name"] == "host"
    for _, sql in _targets():
        assert "collector = '$host'" in sql and "$__timeFilter(time)" in sql


def test_it_lists_the_organizations_hosts_in_the_variable(analytics_data):
    (variable,) = DASHBOARD["templating"]["list"]
    with analytics_data.acme.connect() as conn, conn.cursor() as cursor:
        cursor.execute(variable["query"])
        assert cursor.fetchall() == [("db-1",), ("web-1",)]


@pytest.mark.parametrize("timescaledb", [True, False], ids=["time_bucket", "floor-epoch"])
@pytest.mark.parametrize("interval", ["1m", "5m"])
@pytest.mark.parametrize(("title", "sql"), _targets(), ids=[title.split()[0] for title, _ in _targets()])
def test_it_draws_every_panel_as_the_role(analytics_data, title, sql, timescaledb, interval):
    query = grafana_expand(sql, timescaledb=timescaledb, interval=interval, variables={"host": "web-1"})
    assert "$" not in query
    with analytics_data.acme.connect() as conn, conn.cursor() as cursor:
        cursor.execute(query)
        rows = cursor.fetchall()
        columns = [column.name for column in cursor.description]
    assert columns[0] == "time" and len(columns) >= 2, title
    assert len(rows) >= 2 and all(value is not None for row in rows for value in row), (title, rows[:3])
    times = [row[0] for row in rows]
    assert times == sorted(times)
