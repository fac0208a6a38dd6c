"""Ingest benchmark: simulated pcc agents against the real server, with the HTTP and
database floors measured in the same run.

    .venv/bin/python bench/ingest.py [--agents 32] [--seconds 20]

Needs the local cluster (`make db-start`; `make run` starts it too) and wrk (installed from
Debian when missing and running as root). It starts gunicorn twice with
xat/gunicorn_conf.py (access log off): once serving a view that only parses the body (the
HTTP floor), once serving the product. wrk (2 threads, one connection per agent) plays the
agents (bench/ingest_agents.lua): each has its own identifier and posts the 4-vCPU capture
(azure-loadtest-3) one tick per request, as pcc does (no Content-Type), with a new
timestamp every tick. The database floor is a COPY of the same rows into the same tables on
one connection. Everything the run writes belongs to a throwaway organization, deleted at
the end.
"""

import argparse
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
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
AGENTS_SCRIPT = ROOT / "bench" / "ingest_agents.lua"
PORT, FLOOR_PORT = 8791, 8792
WRK_THREADS = 2


def capture_ticks() -> list[list[dict]]:
    by_time = defaultdict(list)
    for line in CAPTURE.read_text().splitlines():
        item = json.loads(line)
        by_time[item["timestamp"]].append(item)
    return [by_time[t] for t in sorted(by_time)]


def templates_write(ticks: list[list[dict]], directory: Path) -> Path:
    """One request body per capture tick, one per line, with __AGENT__ and __TIME__ for
    the agent's identifier and the tick's timestamp (filled in by the wrk script)."""
    path = directory / "ticks.ndjson"
    with path.open("w") as out:
        for tick in ticks:
            measurements = [dict(item, timestamp="__TIME__") for item in tick]
            body = json.dumps({"identifier": "__AGENT__", "measurements": measurements})
            out.write(body.replace('"__TIME__"', "__TIME__") + "\n")
    return path


def wrk_binary() -> str:
    if shutil.which("wrk") is None and os.geteuid() == 0:
        print("installing wrk (Debian package)", file=sys.stderr)
        subprocess.run("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk",
                       shell=True, check=True, stdout=subprocess.DEVNULL)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed (apt-get install wrk)")
    return shutil.which("wrk")


def run_agents(port: int, templates: Path, key: str, agents: int, seconds: float, period: int) -> dict:
    """wrk's figures for `agents` agents posting for `seconds`: requests (answered), ok
    (answered 2xx/3xx: the product answers 200 or an error), seconds, p50_ms, p99_ms,
    errors (socket errors and timeouts)."""
    command = [wrk_binary(), f"-t{WRK_THREADS}", f"-c{agents}", f"-d{seconds:.0f}s", "--timeout", "10s",
               "-s", str(AGENTS_SCRIPT), f"http://127.0.0.1:{port}", "--",
               str(templates), key, str(agents // WRK_THREADS), str(period), str(int(time.time()) - 3600)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result = json.loads(next(line for line in output.splitlines() if line.startswith("RESULT "))[7:])
    result["ok"] = result["requests"] - result["not_ok"]
    return result


def served_run(port: int, settings_module: str, *agents_args) -> dict:
    """run_agents against a gunicorn started for the run with settings_module."""
    server = serve(port, settings_module)
    try:
        return run_agents(port, *agents_args)
    finally:
        server.terminate()
        server.wait()


def serve(port: int, settings_module: str) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings_module, "XAT_ACCESS_LOG": "0",
           "XAT_BIND": f"127.0.0.1:{port}"}
    process = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "-c", "xat/gunicorn_conf.py", "xat.wsgi:application"],
                               cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"gunicorn did not start on port {port}")


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
    if args.agents % WRK_THREADS:
        raise SystemExit(f"--agents must be a multiple of {WRK_THREADS} (wrk threads)")

    ticks = capture_ticks()
    period = ticks[1][0]["timestamp"] - ticks[0][0]["timestamp"]
    organization = Organization.objects.create(slug=f"bench-{secrets.token_hex(4)}", name="ingest benchmark")
    _, key = api_key_create(organization=organization, name="bench")
    workers = os.environ.get("WEB_CONCURRENCY", "(2 x cores + 1)")
    print(f"{args.agents} agents (wrk), {args.seconds:.0f} s per phase, gunicorn sync workers: {workers}")

    scratch = Path(tempfile.mkdtemp(prefix="xat-bench-ingest-"))
    try:
        templates = templates_write(ticks, scratch)
        floor = served_run(FLOOR_PORT, "bench.floor_settings", templates, key, args.agents, args.seconds, period)
        floor_rate = floor["ok"] / floor["seconds"]
        print(f"HTTP floor (parse-only view): {floor_rate:8.0f} requests/s  p50 {floor['p50_ms']:.1f} ms"
              f"  p99 {floor['p99_ms']:.1f} ms  not ok {floor['not_ok']}  socket errors {floor['errors']}")

        ingest = served_run(PORT, "xat.settings", templates, key, args.agents, args.seconds, period)
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
        ok = ingest["ok"]
        elapsed = ingest["seconds"]
        tick_rate = ok / elapsed
        print(f"Ingest: {tick_rate:8.0f} ticks/s  {rows / elapsed:9.0f} rows/s  p50 {ingest['p50_ms']:.1f} ms"
              f"  p99 {ingest['p99_ms']:.1f} ms  not ok {ingest['not_ok']}  socket errors {ingest['errors']}")
        # wrk may stop with requests in flight: those can be committed without their 200 read.
        in_flight = args.agents
        print(f"Durable: {durable} ticks committed for {ok} answers of 200"
              + ("" if ok <= durable <= ok + in_flight else "  <-- MISMATCH"))

        copied, copy_seconds = copy_floor(ticks, organization.pk, passes=20)
        print(f"Database floor (COPY of the same rows): {copied / copy_seconds:9.0f} rows/s")
        print(f"Ratios: ingest / HTTP floor = {tick_rate / floor_rate:.2f};  "
              f"ingest rows / COPY rows = {rows / elapsed / (copied / copy_seconds):.2f}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        with connection.cursor() as cursor:
            for table in ("sample_tick", "cpu_sample", "memory_sample", "disk_sample", "network_sample",
                          "filesystem_sample", "disk_total_sample", "network_total_sample"):
                cursor.execute(f"DELETE FROM {table} WHERE organization_id = %s", [organization.pk])
        organization.delete()


if __name__ == "__main__":
    main()
