"""Ingest benchmark: simulated pcc agents against the real server, with the HTTP and
database floors measured in the same run.

    .venv/bin/python bench/ingest.py [--agents 32] [--seconds 20]

Needs the local cluster (`make db-start`; `make run` starts it too). It starts gunicorn
twice with xat/gunicorn_conf.py (access log off): once serving the product, once serving
a view that only parses the body (the HTTP floor). Each agent has its own identifier and
replays the 4-vCPU capture (azure-loadtest-3) one tick per request, as pcc does (no
Content-Type, no keep-alive), shifting timestamps on each pass so every tick is new.
The database floor is a COPY of the same rows into the same tables on one connection.
Everything the run writes belongs to a throwaway organization, deleted at the end.
"""

import argparse
import asyncio
import json
import os
import secrets
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xat.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from accounts.keys import api_key_create  # noqa: E402
from accounts.models import Organization  # noqa: E402
from metrics.ingest import Measurement, Skipped, SampleRows, ticks_parse  # noqa: E402

CAPTURE = ROOT.parent / "shared" / "data" / "pcc" / "azure-loadtest-3" / "collection.ndjson"
PORT, FLOOR_PORT = 8791, 8792


def capture_ticks() -> list[list[dict]]:
    by_time = defaultdict(list)
    for line in CAPTURE.read_text().splitlines():
        item = json.loads(line)
        by_time[item["timestamp"]].append(item)
    return [by_time[t] for t in sorted(by_time)]


def agent_requests(agent: int, count: int, key: str, ticks: list[list[dict]]) -> list[bytes]:
    span = ticks[-1][0]["timestamp"] - ticks[0][0]["timestamp"] + 5
    requests = []
    for index in range(count):
        shift = (index // len(ticks)) * span
        tick = [dict(item, timestamp=item["timestamp"] + shift) for item in ticks[index % len(ticks)]]
        body = json.dumps({"identifier": f"bench-{agent:04d}", "measurements": tick}).encode()
        head = (f"POST /v1/trickle HTTP/1.1\r\nHost: 127.0.0.1\r\napikey: {key}\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
        requests.append(head + body)
    return requests


async def run_agents(port: int, per_agent: list[list[bytes]], seconds: float):
    latencies, statuses = [], defaultdict(int)
    deadline = time.perf_counter() + seconds

    async def agent(requests):
        for request in requests:
            if time.perf_counter() > deadline:
                return
            start = time.perf_counter()
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(request)
            answer = await reader.read()
            writer.close()
            latencies.append(time.perf_counter() - start)
            statuses[answer[9:12].decode()] += 1

    began = time.perf_counter()
    await asyncio.gather(*(agent(requests) for requests in per_agent))
    return latencies, dict(statuses), time.perf_counter() - began


def serve(port: int, settings_module: str) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings_module, "XAT_ACCESS_LOG": "0",
           "XAT_BIND": f"127.0.0.1:{port}"}
    process = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "-c", "xat/gunicorn_conf.py", "xat.wsgi:application"],
                               cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            asyncio.run(asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 1))
            return process
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"gunicorn did not start on port {port}")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def copy_floor(ticks: list[list[dict]], organization_id: int, passes: int) -> tuple[int, float]:
    """Rows/s of a COPY of the same rows (as ingest computes them) into the same tables."""
    rows = SampleRows()
    parsed = ticks_parse([Measurement(i["timestamp"], i["subsystem"], i["measurement"]) for t in ticks for i in t],
                         Skipped())
    previous = None
    for tick in parsed:
        rows.add_counter_rows(tick.timestamp, tick.counters, previous and previous.timestamp,
                              previous and previous.counters)
        rows.add_gauge_rows(tick)
        previous = tick
    item_columns = {"cpu": "cpu", "disk": "device", "network": "interface", "filesystem": "mount"}
    total, began = 0, time.perf_counter()
    with connection.cursor() as cursor:
        for copy_pass in range(passes):
            collector_id = 10_000_000 + copy_pass
            for family, family_rows in rows.rows.items():
                names = [name for name in family_rows[0] if name not in ("t", "item")]
                item_column = item_columns.get(family)
                targets = ["organization_id", "collector_id", "time"] + ([item_column] if item_column else []) + names
                with cursor.copy(f"COPY {family}_sample ({', '.join(targets)}) FROM STDIN") as copy:
                    for row in family_rows:
                        item = [row["item"]] if item_column else []
                        copy.write_row([organization_id, collector_id, datetime.fromtimestamp(row["t"], UTC), *item,
                                        *(list(row[name]) if name == "counters" else row[name] for name in names)])
                        total += 1
    return total, time.perf_counter() - began


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--agents", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()

    ticks = capture_ticks()
    organization = Organization.objects.create(slug=f"bench-{secrets.token_hex(4)}", name="ingest benchmark")
    _, key = api_key_create(organization=organization, name="bench")
    per_agent_count = int(args.seconds * 2500 / args.agents) + len(ticks)
    per_agent = [agent_requests(agent, per_agent_count, key, ticks) for agent in range(args.agents)]
    workers = os.environ.get("WEB_CONCURRENCY", "(2 x cores + 1)")
    print(f"{args.agents} agents, {args.seconds:.0f} s per phase, gunicorn sync workers: {workers}")

    try:
        floor_server = serve(FLOOR_PORT, "bench.floor_settings")
        try:
            latencies, statuses, elapsed = asyncio.run(run_agents(FLOOR_PORT, per_agent, args.seconds))
        finally:
            floor_server.terminate()
            floor_server.wait()
        floor_rate = len(latencies) / elapsed
        print(f"HTTP floor (parse-only view): {floor_rate:8.0f} requests/s  p50 {percentile(latencies, .5)*1e3:.1f} ms"
              f"  p99 {percentile(latencies, .99)*1e3:.1f} ms  statuses {statuses}")

        server = serve(PORT, "xat.settings")
        try:
            latencies, statuses, elapsed = asyncio.run(run_agents(PORT, per_agent, args.seconds))
        finally:
            server.terminate()
            server.wait()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sample_tick WHERE organization_id = %s", [organization.pk])
            durable = cursor.fetchone()[0]
            cursor.execute("SELECT (SELECT count(*) FROM cpu_sample WHERE organization_id = %(o)s)"
                           " + (SELECT count(*) FROM memory_sample WHERE organization_id = %(o)s)"
                           " + (SELECT count(*) FROM disk_sample WHERE organization_id = %(o)s)"
                           " + (SELECT count(*) FROM network_sample WHERE organization_id = %(o)s)"
                           " + (SELECT count(*) FROM filesystem_sample WHERE organization_id = %(o)s)"
                           " + (SELECT count(*) FROM disk_total_sample WHERE organization_id = %(o)s)"
                           " + (SELECT count(*) FROM network_total_sample WHERE organization_id = %(o)s)",
                           {"o": organization.pk})
            rows = cursor.fetchone()[0]
        ok = statuses.get("200", 0)
        tick_rate = ok / elapsed
        print(f"Ingest: {tick_rate:8.0f} ticks/s  {rows / elapsed:9.0f} rows/s  p50 {percentile(latencies, .5)*1e3:.1f} ms"
              f"  p99 {percentile(latencies, .99)*1e3:.1f} ms  statuses {statuses}")
        print(f"Durable: {durable} ticks committed for {ok} answers of 200"
              + ("" if durable == ok else "  <-- MISMATCH"))

        copied, copy_seconds = copy_floor(ticks, organization.pk, passes=20)
        print(f"Database floor (COPY of the same rows): {copied / copy_seconds:9.0f} rows/s")
        print(f"Ratios: ingest / HTTP floor = {tick_rate / floor_rate:.2f};  "
              f"ingest rows / COPY rows = {rows / elapsed / (copied / copy_seconds):.2f}")
    finally:
        with connection.cursor() as cursor:
            for table in ("sample_tick", "cpu_sample", "memory_sample", "disk_sample", "network_sample",
                          "filesystem_sample", "disk_total_sample", "network_total_sample"):
                cursor.execute(f"DELETE FROM {table} WHERE organization_id = %s", [organization.pk])
        organization.delete()


if __name__ == "__main__":
    main()
