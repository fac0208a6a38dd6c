"""Ingest benchmark: simulated pcc agents against the real server, with the HTTP and
database floors measured in the same run.

    .venv/bin/python bench/ingest.py [--agents 32] [--many 256] [--seconds 20]
                                     [--fleet 2000] [--fleet-seconds 30] [--lone 100]

Needs the local cluster (`make db-start`; `make run` starts it too) and wrk (installed from
Debian when missing and running as root). Every phase starts its own gunicorn with
xat/gunicorn_conf.py (make run's server settings; access log off; WEB_CONCURRENCY,
XAT_WEB_THREADS and XAT_INGEST_WRITERS as in the environment), the agents posting the
4-vCPU capture (azure-loadtest-3) one tick per request as pcc does (no Content-Type, no
keep-alive), each agent with its own identifier and a new timestamp every tick:

1. the HTTP floor: the same server serving a view that only parses the body
   (bench/floor_urls.py), --agents wrk connections (bench/ingest_agents.lua, 2 threads);
2. the product, --agents agents (wrk): ticks/s, p50, p99, ratio to the floor;
3. the product, --many agents (wrk): errors, p99;
4. open loop, as a fleet behaves: --fleet agents each sending one tick every 5 s (an
   asyncio client here, each request timed from when it was due, so a slow answer cannot
   hide the ones queued behind it): p50, p99 of the ticks after each agent's first (its
   first registers its collector), and of those first ones;
5. one agent alone on an idle server, a tick every 0.1 s: latency with each request
   stored in its own transaction (XAT_INGEST_WRITERS=0, the path before group commit)
   and with the group writers, alternating;
6. the database floor: the same rows written by the product's binary COPY
   (metrics.sample_copy) on one connection.
After each product phase: the ticks found committed against the answers of 200 (wrk stops
with requests in flight, which may commit unanswered: at most one per agent more). Everything
the run writes belongs to a throwaway organization, deleted at the end.
"""

import argparse
import asyncio
import http.client
import itertools
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xat.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from accounts.keys import api_key_create  # noqa: E402
from accounts.models import Organization  # noqa: E402
from metrics.ingest import Measurement, Skipped, rows_after, ticks_parse  # noqa: E402
from metrics.sample_copy import SampleCopy  # noqa: E402

CAPTURE = ROOT.parent / "shared" / "data" / "pcc" / "azure-loadtest-3" / "collection.ndjson"
AGENTS_SCRIPT = ROOT / "bench" / "ingest_agents.lua"
PORT = 8791
WRK_THREADS = 2
FLEET_PERIOD = 5
LONE_PAUSE = 0.1
WARM_AGENTS, WARM_SECONDS = 32, 5
_warm_runs = itertools.count()
SAMPLE_TABLES = ("sample_tick", "cpu_sample", "memory_sample", "disk_sample", "network_sample", "filesystem_sample",
                 "disk_total_sample", "network_total_sample")


def capture_ticks() -> list[list[dict]]:
    by_time = defaultdict(list)
    for line in CAPTURE.read_text().splitlines():
        item = json.loads(line)
        by_time[item["timestamp"]].append(item)
    return [by_time[t] for t in sorted(by_time)]


def templates_make(ticks: list[list[dict]]) -> list[str]:
    """One request body per capture tick, with __AGENT__ and __TIME__ for the agent's
    identifier and the tick's timestamp."""
    templates = []
    for tick in ticks:
        measurements = [dict(item, timestamp="__TIME__") for item in tick]
        templates.append(json.dumps({"identifier": "__AGENT__", "measurements": measurements})
                         .replace('"__TIME__"', "__TIME__"))
    return templates


def body(templates: list[str], identifier: str, step: int, first_time: int, period: int) -> bytes:
    return (templates[step % len(templates)].replace("__AGENT__", identifier)
            .replace("__TIME__", str(first_time + step * period)).encode())


def wrk_binary() -> str:
    if shutil.which("wrk") is None and os.geteuid() == 0:
        print("installing wrk (Debian package)", file=sys.stderr)
        subprocess.run("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk",
                       shell=True, check=True, stdout=subprocess.DEVNULL)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed (apt-get install wrk)")
    return shutil.which("wrk")


def wrk_agents(templates_file: Path, key: str, agents: int, seconds: float, period: int, prefix: str) -> dict:
    """wrk's figures for `agents` agents posting for `seconds`: requests (answered), ok
    (answered 2xx/3xx: the product answers 200 or an error), seconds, p50_ms, p99_ms,
    errors (socket errors and timeouts)."""
    command = [wrk_binary(), f"-t{WRK_THREADS}", f"-c{agents}", f"-d{seconds:.0f}s", "--timeout", "10s",
               "-s", str(AGENTS_SCRIPT), f"http://127.0.0.1:{PORT}", "--",
               str(templates_file), key, str(agents // WRK_THREADS), str(period), str(int(time.time()) - 3600), prefix]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result = json.loads(next(line for line in output.splitlines() if line.startswith("RESULT "))[7:])
    result["ok"] = result["requests"] - result["not_ok"]
    return result


class Server:
    """gunicorn with xat/gunicorn_conf.py on PORT for one phase."""

    def __init__(self, settings_module: str = "xat.settings", **environment: str):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings_module, "XAT_ACCESS_LOG": "0",
               "XAT_BIND": f"127.0.0.1:{PORT}", **environment}
        self.process = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "-c", "xat/gunicorn_conf.py",
                                         "xat.wsgi:application"], cwd=ROOT, env=env, stderr=subprocess.DEVNULL)

    def __enter__(self):
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", PORT), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.1)
        raise SystemExit(f"gunicorn did not start on port {PORT}")

    def warm(self, templates_file: Path, key: str, period: int) -> None:
        """Untimed requests first: each worker's first requests import the views and each
        thread's and writer's open their database connections (on a loaded machine the
        first round took 4 to 11 s)."""
        wrk_agents(templates_file, key, WARM_AGENTS, WARM_SECONDS, period, f"warm{next(_warm_runs)}")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait()


def committed(organization_id: int, prefix: str) -> int:
    """The ticks stored for the agents whose identifiers start with prefix."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sample_tick t JOIN metrics_collector c ON c.id = t.collector_id"
                       " WHERE c.organization_id = %s AND c.identifier LIKE %s", [organization_id, f"{prefix}-%"])
        return cursor.fetchone()[0]


def durable_line(organization_id: int, prefix: str, ok: int, in_flight: int) -> str:
    stored = committed(organization_id, prefix)
    verdict = "" if ok <= stored <= ok + in_flight else "  <-- MISMATCH"
    return f"  committed: {stored} ticks for {ok} answers of 200{verdict}"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


async def _fleet(key: str, templates: list[str], agents: int, seconds: float, period: int) -> list[tuple]:
    """Each agent posts a tick every FLEET_PERIOD s, spread evenly; (round, status, seconds
    from when the request was due to its answer) per request."""
    loop = asyncio.get_running_loop()
    rounds = max(2, int(seconds // FLEET_PERIOD))
    begin, first_time = loop.time() + 1, int(time.time()) - 3600
    results = []

    async def agent_tick(agent: int, step: int) -> None:
        due = begin + step * FLEET_PERIOD + agent * FLEET_PERIOD / agents
        await asyncio.sleep(max(0.0, due - loop.time()))
        payload = body(templates, f"fleet-{agent:04d}", step, first_time, period)
        head = (f"POST /v1/trickle HTTP/1.1\r\nHost: 127.0.0.1\r\napikey: {key}\r\nContent-Length: {len(payload)}"
                "\r\nConnection: close\r\n\r\n").encode()
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
            writer.write(head + payload)
            status = int((await reader.readline()).split()[1])
            await reader.read()
            writer.close()
        except (OSError, IndexError, ValueError):
            status = None
        results.append((step, status, loop.time() - due))

    await asyncio.gather(*(agent_tick(agent, step) for step in range(rounds) for agent in range(agents)))
    return results


def fleet_run(key: str, templates: list[str], agents: int, seconds: float, period: int) -> list[tuple]:
    return asyncio.run(_fleet(key, templates, agents, seconds, period))


def lone_agent(key: str, templates: list[str], identifier: str, requests: int, period: int,
               first_time: int) -> list[float]:
    """One agent's requests, LONE_PAUSE s apart (an idle server between them): latencies in ms."""
    latencies = []
    for step in range(requests):
        server = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        began = time.perf_counter()
        server.request("POST", "/v1/trickle", body=body(templates, identifier, step, first_time, period),
                       headers={"apikey": key})
        answer = server.getresponse()
        answer.read()
        latencies.append((time.perf_counter() - began) * 1e3)
        server.close()
        if answer.status != 200:
            raise SystemExit(f"lone agent: answer {answer.status}")
        time.sleep(LONE_PAUSE)
    return latencies


def copy_floor(ticks: list[list[dict]], organization_id: int, passes: int) -> tuple[int, float]:
    """Rows/s of the product's binary COPY (metrics.sample_copy) of the same rows, one
    transaction per pass."""
    parsed = ticks_parse([Measurement(i["timestamp"], i["subsystem"], i["measurement"]) for t in ticks for i in t],
                         Skipped())
    rows = rows_after(parsed, previous_time=None, previous=None)
    times = [tick.timestamp for tick in parsed]
    per_pass = len(times) + sum(len(family_rows) for family_rows in rows.rows.values())
    began = time.perf_counter()
    for copy_pass in range(passes):
        with transaction.atomic():
            copy = SampleCopy()
            copy.add(organization_id=organization_id, collector_id=10_000_000 + copy_pass, times=times, rows=rows)
            copy.flush()
    return per_pass * passes, time.perf_counter() - began


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--agents", type=int, default=32)
    parser.add_argument("--many", type=int, default=256)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--fleet", type=int, default=2000)
    parser.add_argument("--fleet-seconds", type=float, default=30)
    parser.add_argument("--lone", type=int, default=100, help="requests of the lone agent, per path")
    args = parser.parse_args()
    if args.agents % WRK_THREADS or args.many % WRK_THREADS:
        raise SystemExit(f"--agents and --many must be multiples of {WRK_THREADS} (wrk threads)")

    ticks = capture_ticks()
    period = ticks[1][0]["timestamp"] - ticks[0][0]["timestamp"]
    organization = Organization.objects.create(slug=f"bench-{secrets.token_hex(4)}", name="ingest benchmark")
    _, key = api_key_create(organization=organization, name="bench")
    settings_line = ", ".join(f"{name}={os.environ.get(name, '(default)')}"
                              for name in ("WEB_CONCURRENCY", "XAT_WEB_THREADS", "XAT_INGEST_WRITERS"))
    print(f"gunicorn (xat/gunicorn_conf.py): {settings_line}; {args.seconds:.0f} s per wrk phase;"
          f" load average before: {os.getloadavg()[0]:.1f}")

    scratch = Path(tempfile.mkdtemp(prefix="xat-bench-ingest-"))
    templates = templates_make(ticks)
    templates_file = scratch / "ticks.ndjson"
    templates_file.write_text("\n".join(templates) + "\n")
    try:
        with Server("bench.floor_settings") as server:
            server.warm(templates_file, key, period)
            floor = wrk_agents(templates_file, key, args.agents, args.seconds, period, "floor")
        floor_rate = floor["ok"] / floor["seconds"]
        print(f"HTTP floor (parse-only view), {args.agents} agents: {floor_rate:.0f} requests/s"
              f"  p50 {floor['p50_ms']:.1f} ms  p99 {floor['p99_ms']:.1f} ms  socket errors {floor['errors']}")

        with Server() as server:
            server.warm(templates_file, key, period)
            ingest = wrk_agents(templates_file, key, args.agents, args.seconds, period, "agents")
        tick_rate = ingest["ok"] / ingest["seconds"]
        print(f"Ingest, {args.agents} agents: {tick_rate:.0f} ticks/s  p50 {ingest['p50_ms']:.1f} ms"
              f"  p99 {ingest['p99_ms']:.1f} ms  not 200 {ingest['not_ok']}  socket errors {ingest['errors']}"
              f"  ingest / HTTP floor = {tick_rate / floor_rate:.2f}")
        print(durable_line(organization.pk, "agents", ingest["ok"], args.agents))

        with Server() as server:
            server.warm(templates_file, key, period)
            many = wrk_agents(templates_file, key, args.many, args.seconds, period, "many")
        print(f"Ingest, {args.many} agents: {many['ok'] / many['seconds']:.0f} ticks/s  p50 {many['p50_ms']:.1f} ms"
              f"  p99 {many['p99_ms']:.1f} ms  not 200 {many['not_ok']}  socket errors {many['errors']}")
        print(durable_line(organization.pk, "many", many["ok"], args.many))

        with Server() as server:
            server.warm(templates_file, key, period)
            fleet = fleet_run(key, templates, args.fleet, args.fleet_seconds, period)
        later = [seconds * 1e3 for step, status, seconds in fleet if step > 0 and status == 200]
        first = [seconds * 1e3 for step, status, seconds in fleet if step == 0 and status == 200]
        failed = sum(status != 200 for _, status, _ in fleet)
        print(f"Open loop, {args.fleet} agents x 1 tick / {FLEET_PERIOD} s ({args.fleet / FLEET_PERIOD:.0f} ticks/s"
              f" offered), {len(fleet)} requests: p50 {percentile(later, 0.5):.1f} ms"
              f"  p99 {percentile(later, 0.99):.1f} ms (first ticks, collectors registered: p50 {percentile(first, 0.5):.1f} ms"
              f"  p99 {percentile(first, 0.99):.1f} ms)  not 200 {failed}")
        print(durable_line(organization.pk, "fleet", len(fleet) - failed, 0))

        paths = {"own transaction (XAT_INGEST_WRITERS=0)": {"XAT_INGEST_WRITERS": "0"}, "group writers": {}}
        lone = {path: [] for path in paths}
        first_time = int(time.time()) - 3600
        for turn in range(4):
            for number, (path, environment) in enumerate(paths.items()):
                identifier = f"lone-{number}{turn}"
                with Server(**environment) as server:
                    server.warm(templates_file, key, period)
                    lone_agent(key, templates, identifier, 1, period, first_time)  # registers its collector
                    time.sleep(1)  # idle
                    lone[path] += lone_agent(key, templates, identifier, args.lone // 4, period, first_time + period)
        for path, latencies in lone.items():
            print(f"Lone agent, idle server, {path}: p50 {statistics.median(latencies):.1f} ms"
                  f"  p99 {percentile(latencies, 0.99):.1f} ms  ({len(latencies)} requests)")

        copied, copy_seconds = copy_floor(ticks, organization.pk, passes=20)
        copy_rate = copied / copy_seconds
        print(f"Database floor (binary COPY of the same rows, one connection): {copy_rate:.0f} rows/s")
        rows_per_tick = copied / 20 / len(ticks)
        print(f"Ratios: ingest / HTTP floor = {tick_rate / floor_rate:.2f};"
              f"  ingest rows / COPY rows = {tick_rate * rows_per_tick / copy_rate:.2f}"
              f"  (load average after: {os.getloadavg()[0]:.1f})")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        with connection.cursor() as cursor:
            for table in SAMPLE_TABLES:
                cursor.execute(f"DELETE FROM {table} WHERE organization_id = %s", [organization.pk])
        organization.delete()


if __name__ == "__main__":
    main()
