"""Dashboard benchmark: chart latency through HTTP over a synthetic fleet, against the
naive query (time_bucket ... GROUP BY over the raw hypertable) in the same run.

    make db-start
    .venv/bin/python bench/dashboard.py [--hosts 20] [--days 30] [--requests 50] [--port 8793] [--keep]

1. Creates a throwaway database `xat_bench_dashboard` in the local cluster (.xat/pg),
   migrates it, and bulk-loads `--hosts` hosts x `--days` days at 5 s: per tick one
   sample_tick row, CPU total + 4 cores, memory, 2 disks (sda, sdb) and their total,
   2 interfaces (eth0, eth1) and their total (13 rows per tick). Rows are made with numpy
   and sent with binary COPY (psycopg `cursor.copy`), one host-day per COPY, two streams.
2. Brings the aggregates up to date (`metrics.aggregates.aggregates_refresh`), ANALYZE.
3. Starts gunicorn (xat/gunicorn_conf.py) on that database and times, for 1 h, 24 h, 7 d
   and 30 d at points=1000, `--requests` chart requests per family and range (a random
   host each time; p50, p95), then the same CPU charts computed the naive way over the raw
   hypertable (`--naive` times each, over SQL directly: no HTTP cost counted for them).
4. Drops the database, unless `--keep` (then `--reuse` skips steps 1 and 2 next time).

Full size on the 2-vCPU development machine: 134.8 M rows, 31 GB; load 7.5 min (~300,000
rows/s), aggregates_refresh + ANALYZE 9 min, timing 40 s: ~17 minutes in all. Figures:
docs/performance.md, "Dashboard".
"""

import argparse
import http.client
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE = "xat_bench_dashboard"
os.environ["PGDATABASE"] = DATABASE  # before Django reads its settings: everything below uses it
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xat.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

PORT = 8793
STEP = 5  # seconds between ticks
TICKS_PER_DAY = 86400 // STEP
PG_EPOCH = int(datetime(2000, 1, 1, tzinfo=UTC).timestamp())
RANGES = {"1h": 1, "24h": 24, "7d": 7 * 24, "30d": 30 * 24}
FAMILIES = ("cpu", "memory", "disk", "network")


def _admin_connect(dbname: str = "postgres") -> psycopg.Connection:
    db = settings.DATABASES["default"]
    return psycopg.connect(dbname=dbname, user=db["USER"], host=db["HOST"], port=db["PORT"],
                           password=db.get("PASSWORD") or None, autocommit=True)


def database_create() -> None:
    with _admin_connect() as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        admin.execute(f"CREATE DATABASE {DATABASE}")
    call_command("migrate", verbosity=0)


def database_drop() -> None:
    connection.close()
    with _admin_connect() as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


# -- binary COPY made by numpy ---------------------------------------------------------------

_HEADER = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
_TRAILER = (-1).to_bytes(2, "big", signed=True)
_KINDS = {"int8": (">i8", 8), "int2": (">i2", 2), "float8": (">f8", 8), "bool": ("?", 1), "time": (">i8", 8)}


def copy_binary(cursor, table: str, columns: list[tuple[str, str, object]], n: int) -> None:
    """COPY n rows into table; columns: (name, kind, scalar or array of n values); kind is
    int8, int2, float8, bool, time (Unix seconds), text (one value for all rows) or
    empty_int8_array. No NULLs."""
    fields = [("count", ">i2")]
    values = {}
    for index, (name, kind, value) in enumerate(columns):
        if kind == "text":
            encoded = value.encode()
            fields += [(f"l{index}", ">i4"), (f"v{index}", f"S{len(encoded)}")]
            values[index] = (len(encoded), encoded)
        elif kind == "empty_int8_array":  # ndim 0, no nulls, element type int8 (oid 20)
            fields += [(f"l{index}", ">i4"), (f"v{index}", ">i4", (3,))]
            values[index] = (12, np.array([0, 0, 20]))
        else:
            dtype, size = _KINDS[kind]
            if kind == "time":
                value = (np.asarray(value, dtype=np.int64) - PG_EPOCH) * 1_000_000
            fields += [(f"l{index}", ">i4"), (f"v{index}", dtype)]
            values[index] = (size, value)
    rows = np.empty(n, dtype=fields)
    rows["count"] = len(columns)
    for index, (size, value) in values.items():
        rows[f"l{index}"] = size
        rows[f"v{index}"] = value
    names = ", ".join(name for name, _, _ in columns)
    with cursor.copy(f"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.write(_HEADER)
        copy.write(rows.tobytes())
        copy.write(_TRAILER)


def host_day_load(dsn: dict, organization_id: int, collector_id: int, day_start: int) -> int:
    """One host's day of ticks, every table; returns the rows written."""
    rng = np.random.default_rng(collector_id * 100_000 + day_start // 86400)
    t = day_start + STEP * np.arange(TICKS_PER_DAY, dtype=np.int64)
    n = len(t)
    keys = [("organization_id", "int8", organization_id), ("collector_id", "int8", collector_id), ("time", "time", t)]
    daily = 0.5 + 0.4 * np.sin(2 * np.pi * (t % 86400) / 86400 + collector_id)
    written = 0
    with psycopg.connect(**dsn, autocommit=True) as conn, conn.cursor() as cursor:
        copy_binary(cursor, "sample_tick", keys, n)
        written += n
        cores = []
        for cpu in range(4):
            user = np.clip(daily * 60 + rng.normal(0, 8, n), 0, 95)
            system = np.clip(rng.normal(5, 2, n), 0, 100 - user)
            iowait = np.clip(rng.normal(1, 1, n), 0, 100 - user - system)
            cores.append((user, system, iowait))
        for cpu in (-1, 0, 1, 2, 3):
            user, system, iowait = (np.mean([c[i] for c in cores], axis=0) for i in range(3)) if cpu == -1 \
                else cores[cpu]
            zero = np.zeros(n)
            idle = 100 - user - system - iowait
            copy_binary(cursor, "cpu_sample", keys + [
                ("cpu", "int2", cpu), ("counters", "empty_int8_array", None),
                ("user_pct", "float8", user), ("nice_pct", "float8", zero), ("system_pct", "float8", system),
                ("iowait_pct", "float8", iowait), ("irq_pct", "float8", zero), ("softirq_pct", "float8", zero),
                ("steal_pct", "float8", zero), ("idle_pct", "float8", idle)], n)
            written += n
        total_kb = 16_384_000
        used = (total_kb * (0.3 + 0.2 * daily + rng.normal(0, 0.01, n))).astype(np.int64)
        cached = np.full(n, 4_000_000, dtype=np.int64)
        copy_binary(cursor, "memory_sample", keys + [
            ("mem_total_kb", "int8", total_kb), ("mem_free_kb", "int8", total_kb - used - cached),
            ("mem_available_kb", "int8", total_kb - used), ("mem_used_kb", "int8", used),
            ("mem_used_pct", "float8", used * 100.0 / total_kb), ("buffers_kb", "int8", 200_000),
            ("cached_kb", "int8", cached), ("commit_kb", "int8", used * 2), ("commit_pct", "float8", used * 200.0 / total_kb),
            ("active_kb", "int8", used), ("inactive_kb", "int8", cached), ("dirty_kb", "int8", 1_000),
            ("swap_total_kb", "int8", 0), ("swap_free_kb", "int8", 0)], n)
        written += n
        disk_sum = {}
        for device in ("sda", "sdb"):
            rtps, wtps = rng.gamma(2, 20 * daily + 1), rng.gamma(2, 30 * daily + 1)
            columns = {"tps": rtps + wtps, "rtps": rtps, "wtps": wtps, "dtps": np.zeros(n),
                       "read_sectors_ps": rtps * 16, "written_sectors_ps": wtps * 24, "discarded_sectors_ps": np.zeros(n),
                       "util_pct": np.clip((rtps + wtps) / 5, 0, 100), "await_ms": rng.gamma(2, 1.0, n)}
            copy_binary(cursor, "disk_sample", keys + [("device", "text", device), ("in_total", "bool", True),
                                                       ("counters", "empty_int8_array", None)]
                        + [(name, "float8", value) for name, value in columns.items()], n)
            written += n
            for name, value in columns.items():
                disk_sum[name] = disk_sum.get(name, 0) + value
        disk_sum["util_pct"] = np.maximum(disk_sum["util_pct"] - disk_sum["util_pct"] / 2, 0)
        disk_sum["await_ms"] = disk_sum["await_ms"] / 2
        copy_binary(cursor, "disk_total_sample", keys + [("disks", "int2", 2)]
                    + [(name, "float8", value) for name, value in disk_sum.items()], n)
        written += n
        net_sum = {}
        for interface in ("eth0", "eth1"):
            rx, tx = rng.gamma(2, 500 * daily + 10), rng.gamma(2, 300 * daily + 10)
            zero = np.zeros(n)
            columns = {"rx_packets_ps": rx * 1.5, "tx_packets_ps": tx * 1.2, "rx_kb_ps": rx, "tx_kb_ps": tx,
                       "rx_compressed_ps": zero, "tx_compressed_ps": zero, "rx_multicast_ps": zero,
                       "rx_errors_ps": zero, "tx_errors_ps": zero, "rx_drops_ps": zero, "tx_drops_ps": zero}
            copy_binary(cursor, "network_sample", keys + [("interface", "text", interface), ("in_total", "bool", True),
                                                          ("counters", "empty_int8_array", None)]
                        + [(name, "float8", value) for name, value in columns.items()]
                        + [("if_util_pct", "float8", rx * 8 / 10_000)], n)
            written += n
            for name, value in columns.items():
                net_sum[name] = net_sum.get(name, 0) + value
        copy_binary(cursor, "network_total_sample", keys + [("interfaces", "int2", 2)]
                    + [(name, "float8", value) for name, value in net_sum.items()], n)
        written += n
    return written


def fleet_load(hosts: int, days: int, end: int) -> list[int]:
    from accounts.models import Organization
    from metrics.models import Collector

    organization = Organization.objects.create(slug="bench-dashboard", name="dashboard benchmark")
    collectors = [Collector.objects.create(organization=organization, name=f"host-{index:02d}",
                                           last_seen=datetime.fromtimestamp(end - STEP, UTC))
                  for index in range(hosts)]
    db = settings.DATABASES["default"]
    dsn = {"dbname": DATABASE, "user": db["USER"], "host": db["HOST"], "port": db["PORT"],
           "password": db.get("PASSWORD") or None}
    first_day = end - days * 86400
    jobs = [(collector.pk, first_day + day * 86400) for day in range(days) for collector in collectors]
    total_rows, done, began, lock = 0, 0, time.perf_counter(), threading.Lock()

    def one(job):
        nonlocal total_rows, done
        rows = host_day_load(dsn, organization.pk, *job)
        with lock:
            total_rows += rows
            done += 1
            if done % max(1, len(jobs) // 20) == 0 or done == len(jobs):
                elapsed = time.perf_counter() - began
                print(f"  loaded {done}/{len(jobs)} host-days, {total_rows:,} rows, {elapsed:.0f} s "
                      f"({total_rows / elapsed:,.0f} rows/s)", flush=True)

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(one, jobs))
    return [collector.pk for collector in collectors]


# -- timing -------------------------------------------------------------------------------------

def serve(port: int) -> subprocess.Popen:
    env = {**os.environ, "PGDATABASE": DATABASE, "XAT_ACCESS_LOG": "0", "XAT_BIND": f"127.0.0.1:{port}"}
    process = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "-c", "xat/gunicorn_conf.py", "xat.wsgi:application"],
                               cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).connect()
            return process
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"gunicorn did not start on port {port}")


def get(port: int, path: str, token: str) -> tuple[int, bytes, float]:
    began = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body, time.perf_counter() - began


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


NAIVE_CPU = """
SELECT time_bucket(%(width)s::interval, time) AS bucket,
       avg(user_pct), avg(nice_pct), avg(system_pct), avg(iowait_pct), avg(irq_pct), avg(softirq_pct),
       avg(steal_pct), avg(idle_pct), 100 - avg(idle_pct)
FROM cpu_sample
WHERE organization_id = %(organization_id)s AND collector_id = %(collector_id)s AND cpu = -1
  AND time >= %(start)s AND time <= %(end)s
GROUP BY 1 ORDER BY 1
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--requests", type=int, default=50, help="chart requests per family and range")
    parser.add_argument("--naive", type=int, default=20, help="naive queries per range")
    parser.add_argument("--warmup", type=int, default=30, help="untimed requests per family and range first")
    parser.add_argument("--port", type=int, default=PORT, help="the port of the server it starts")
    parser.add_argument("--keep", action="store_true", help="keep the database (and its data) at the end")
    parser.add_argument("--reuse", action="store_true", help="time the data a previous --keep run left")
    args = parser.parse_args()

    from accounts.models import Membership, Organization, Role
    from django.contrib.auth import get_user_model
    from metrics.aggregates import aggregates_refresh
    from metrics.models import Collector
    from rest_framework_simplejwt.tokens import AccessToken

    began = time.perf_counter()
    end = int(time.time()) // 60 * 60
    if not args.reuse:
        print(f"database {DATABASE}: {args.hosts} hosts x {args.days} days at {STEP} s "
              f"= {args.hosts * args.days * TICKS_PER_DAY:,} ticks, 13 rows each")
        database_create()
        fleet_load(args.hosts, args.days, end)
        load_seconds = time.perf_counter() - began
        step = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        refreshed = aggregates_refresh()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"load {load_seconds:.0f} s; aggregates_refresh + ANALYZE {time.perf_counter() - step:.0f} s {refreshed}")
    try:
        organization = Organization.objects.get(slug="bench-dashboard")
        collectors = list(Collector.objects.filter(organization=organization).order_by("pk"))
        user = get_user_model().objects.filter(username="bench-dashboard").first()
        if user is None:
            user = get_user_model().objects.create_user("bench-dashboard", password=None)
            Membership.objects.create(user=user, organization=organization, role=Role.VIEWER)
        token = str(AccessToken.for_user(user))
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            print(f"{len(collectors)} hosts, database size {cursor.fetchone()[0]}")

        server = serve(args.port)
        rng = random.Random(1)
        results = {}
        try:
            # Warm-up, not timed: every worker's database connection, catalog caches and
            # prepared statements with their generic plans, as in a server that has been up
            # for a while. Each level is a statement of its own, prepared at its first run on
            # each thread's connection (the 1-hour charts' raw one gets only this range's
            # warm-up): 30 requests. Connections last CONN_MAX_AGE (600 s), as in production.
            for hours in RANGES.values():
                for family in FAMILIES:
                    for _ in range(args.warmup):
                        get(args.port, f"/api/dashboard/collectors/{rng.choice(collectors).pk}/{family}/?hours={hours}",
                            token)
            for label, hours in RANGES.items():
                for family in FAMILIES:
                    latencies, resolution, points = [], None, None
                    for _ in range(args.requests):
                        collector = rng.choice(collectors)
                        status, body, seconds = get(
                            args.port, f"/api/dashboard/collectors/{collector.pk}/{family}/?hours={hours}&points=1000",
                            token)
                        if status != 200:
                            raise SystemExit(f"{family} {label}: HTTP {status} {body[:300]!r}")
                        latencies.append(seconds)
                        if resolution is None:
                            import json
                            answer = json.loads(body)
                            resolution, points = answer["resolution"], len(answer["timestamps"])
                    results[(label, family)] = (latencies, resolution, points)
                    print(f"  {label:>4} {family:8} resolution {resolution:>3} {points:5} points  "
                          f"p50 {percentile(latencies, .5) * 1e3:6.1f} ms  p95 {percentile(latencies, .95) * 1e3:6.1f} ms",
                          flush=True)
        finally:
            server.terminate()
            server.wait()

        print("naive (time_bucket ... GROUP BY over cpu_sample, SQL only, CPU chart):")
        widths = {"raw": None, "1m": "1 minute", "1h": "1 hour", "1d": "1 day"}
        for label, hours in RANGES.items():
            latencies = []
            resolution = results[(label, "cpu")][1]
            width = widths[resolution] or "5 seconds"
            for _ in range(args.naive):
                collector = rng.choice(collectors)
                last = collector.last_seen
                with connection.cursor() as cursor:
                    step = time.perf_counter()
                    cursor.execute(NAIVE_CPU, {"width": width, "organization_id": organization.pk,
                                               "collector_id": collector.pk, "start": last - timedelta(hours=hours),
                                               "end": last})
                    cursor.fetchall()
                    latencies.append(time.perf_counter() - step)
            ours = results[(label, "cpu")][0]
            print(f"  {label:>4} cpu naive ({width}) p50 {percentile(latencies, .5) * 1e3:7.1f} ms  "
                  f"p95 {percentile(latencies, .95) * 1e3:7.1f} ms;  endpoint p50 {percentile(ours, .5) * 1e3:.1f} ms:"
                  f" naive / endpoint = {statistics.median(latencies) / statistics.median(ours):.1f}", flush=True)
        print(f"total {time.perf_counter() - began:.0f} s")
    finally:
        if not args.keep:
            database_drop()
            print(f"dropped database {DATABASE}")


if __name__ == "__main__":
    main()
