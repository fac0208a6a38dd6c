"""Ingest benchmark: simulated pcc agents against the agent service, with the HTTP and
database floors measured in the same run.

    .venv/bin/python bench/ingest.py [--agents 32] [--many 256] [--seconds 20] [--fleet 2000]
        [--big-fleet 5000] [--fleet-seconds 30] [--lone 100] [--phases floor,loop-floor,...]

Needs the local cluster (`make db-start`; `make run` starts it too) and wrk (installed from
Debian when missing and running as root). Every phase starts its own server on --port: the
agent service as `make run` starts it (python -m metrics.agent_service: XAT_AGENT_WORKERS,
XAT_INGEST_WRITERS as in the environment, access log off), or a floor. The agents post the
4-vCPU capture (azure-loadtest-3) one tick per request as pcc does (no Content-Type, no
keep-alive), each agent with its own identifier and a new timestamp every tick. Phases
(PHASES, --phases to pick):

1. floor: the HTTP floor, gunicorn (xat/gunicorn_conf.py) serving a Django view that only
   parses the body (bench/floor_urls.py), --agents wrk connections (bench/ingest_agents.lua,
   2 threads); the ratios below are to it;
2. loop-floor: the event-loop floor, uvicorn serving a raw ASGI app that only parses the body
   (bench/floor_asgi.py), the same agents;
3. agents: the agent service, --agents agents (wrk): ticks/s, p50, p99, ratio to the floors;
   beside them one more agent measures visibility: from each 200 to the live view
   (metrics.dashboard.live) holding its tick;
4. many: --many agents (wrk): errors, p99;
5. fleet: open loops, as a fleet behaves: --fleet, then --big-fleet agents each sending one
   tick every 5 s (an asyncio client on uvloop, each request timed from when it was due, so
   a slow answer cannot hide the ones queued behind it). Round 0 registers the collectors
   and is reported apart; the timed rounds start once it is answered;
6. lone: one agent alone on an idle server, a tick every 0.1 s: latency;
7. copy: the database floor, the same rows written by the product's binary COPY
   (metrics.sample_copy) on one connection.
Every phase prints the CPU used per request by the server's processes and by PostgreSQL's,
and how busy the machine was. After each product phase: the ticks found committed against
the answers of 200 (wrk stops with requests in flight, which may commit unanswered: at
most one per agent more). Everything the run writes belongs to a throwaway organization,
deleted (and vacuumed) at the end.
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
import resource
import tempfile
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xat.settings")

import django  # noqa: E402
import uvloop  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from accounts.keys import api_key_create  # noqa: E402
from accounts.models import Organization  # noqa: E402
from metrics.dashboard import live  # noqa: E402
from metrics.ingest import Measurement, Skipped, rows_after, ticks_parse  # noqa: E402
from metrics.models import Collector  # noqa: E402
from metrics.sample_copy import SampleCopy  # noqa: E402

CAPTURE = ROOT / "tests" / "data" / "pcc" / "azure-loadtest-3" / "collection.ndjson"
AGENTS_SCRIPT = ROOT / "bench" / "ingest_agents.lua"
PORT = 8791
WRK_THREADS = 2
FLEET_PERIOD = 5
LONE_PAUSE = 0.1
WARM_AGENTS, WARM_SECONDS = 32, 5
# From this many fleet agents on, the client's ephemeral ports are widened (ports_widened).
FLEET_WIDE_PORTS = 1000
# wrk's agents post as fast as they are answered, so their clocks run ahead of the server's:
# one second between ticks, starting two hours back, keeps 7,500 ticks per agent (at 60 ticks
# a second each, two minutes) before XAT_TICK_MAX_FUTURE_SECONDS, past which a tick is
# refused as from a broken clock. But never before the 1-minute aggregates' watermark: a
# fleet's ticks arrive after it, while older ones also log an invalidation for the upkeep
# (a cost the product does not pay in steady state), so after an upkeep's round (make run)
# the agents start just after it, with less room (printed). The fleet's agents keep the
# capture's period and real time.
WRK_TICK_SECONDS, WRK_HISTORY_SECONDS = 1, 7200
PHASES = ("floor", "loop-floor", "agents", "many", "fleet", "lone", "copy")
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


def first_tick(history_seconds: int) -> int:
    """Agents' first tick: history_seconds back, or just after the 1-minute watermark."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT extract(epoch FROM pending_until)::bigint FROM aggregate_watermark WHERE level = '1m'")
        watermark = (cursor.fetchone() or [None])[0]
    return max(int(time.time()) - history_seconds, (watermark or 0) + 60)


def wrk_agents(templates_file: Path, key: str, agents: int, seconds: float, prefix: str, *,
               port: int | None = None) -> dict:
    """wrk's figures for `agents` agents posting for `seconds` to port (PORT by default):
    requests (answered), ok (answered 2xx/3xx: the product answers 200 or an error), seconds,
    p50_ms, p99_ms, errors (socket errors and timeouts)."""
    command = [wrk_binary(), f"-t{WRK_THREADS}", f"-c{agents}", f"-d{seconds:.0f}s", "--timeout", "10s",
               "-s", str(AGENTS_SCRIPT), f"http://127.0.0.1:{port or PORT}", "--",
               str(templates_file), key, str(agents // WRK_THREADS), str(WRK_TICK_SECONDS),
               str(first_tick(WRK_HISTORY_SECONDS)), prefix]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result = json.loads(next(line for line in output.splitlines() if line.startswith("RESULT "))[7:])
    result["ok"] = result["requests"] - result["not_ok"]
    return result


class Server:
    """A server on PORT (or port) for one phase: the agent service (python -m
    metrics.agent_service, make run's settings), gunicorn serving XAT (xat/gunicorn_conf.py,
    make run's settings: bench/web_nodes.py), or a floor: gunicorn serving the Django
    parse-only view, uvicorn serving the raw ASGI parse-only app."""

    def __init__(self, command: list[str], *, port: int | None = None, **environment: str):
        self.port = port or PORT
        env = {**os.environ, "XAT_ACCESS_LOG": "0", "XAT_BIND": f"127.0.0.1:{self.port}",
               "XAT_AGENTS_BIND": f"127.0.0.1:{self.port}", **environment}
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)

    @classmethod
    def agent_service(cls, **environment: str) -> "Server":
        return cls([str(ROOT / ".venv/bin/python"), "-m", "metrics.agent_service"], **environment)

    @classmethod
    def web(cls, port: int) -> "Server":
        return cls([str(ROOT / ".venv/bin/gunicorn"), "-c", "xat/gunicorn_conf.py", "xat.wsgi:application"],
                   port=port)

    @classmethod
    def django_floor(cls) -> "Server":
        return cls([str(ROOT / ".venv/bin/gunicorn"), "-c", "xat/gunicorn_conf.py", "xat.wsgi:application"],
                   DJANGO_SETTINGS_MODULE="bench.floor_settings")

    @classmethod
    def event_loop_floor(cls) -> "Server":
        return cls([str(ROOT / ".venv/bin/uvicorn"), "bench.floor_asgi:application", "--host", "127.0.0.1",
                    "--port", str(PORT), "--workers", os.environ.get("XAT_AGENT_WORKERS", str(os.cpu_count())),
                    "--loop", "uvloop", "--http", "httptools", "--no-access-log"])

    def __enter__(self):
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.1)
        raise SystemExit(f"the server did not start on port {self.port}")

    def warm(self, templates_file: Path, key: str) -> None:
        """Untimed requests first: each worker's first requests open its database
        connections and fill its cache."""
        if WARM_SECONDS:
            wrk_agents(templates_file, key, WARM_AGENTS, WARM_SECONDS, f"warm{next(_warm_runs)}", port=self.port)

    def processes(self) -> set[int]:
        """The server's processes: the one started and its descendants."""
        parents = {}
        for entry in Path("/proc").glob("[0-9]*"):
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rpartition(")")[2].split()[1])
            except (OSError, IndexError, ValueError):
                continue
        tree = {self.process.pid}
        while grown := {pid for pid, parent in parents.items() if parent in tree} - tree:
            tree |= grown
        return tree

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait()


def cpu_seconds(pids) -> dict[int, float]:
    """User and system CPU time of each of these processes so far."""
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return seconds


def postgres_pids() -> set[int]:
    pids = set()
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if (entry / "comm").read_text().strip() == "postgres":
                pids.add(int(entry.name))
        except OSError:
            continue
    return pids


def machine_busy() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine so far."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


class CpuMeter:
    """CPU used during a phase by the server's processes and by PostgreSQL's (a process's
    time counted from when it is first seen: the servers' connections are long-lived), and
    the machine's busy share."""

    def __init__(self, server: Server):
        self.server = server

    def __enter__(self):
        self._start = cpu_seconds(self.server.processes() | postgres_pids())
        self._machine = machine_busy()
        return self

    def __exit__(self, *exc):
        server, postgres = cpu_seconds(self.server.processes()), cpu_seconds(postgres_pids())
        self.server_seconds = sum(seconds - self._start.get(pid, 0) for pid, seconds in server.items())
        self.postgres_seconds = sum(seconds - self._start.get(pid, 0) for pid, seconds in postgres.items())
        busy, total = machine_busy()
        self.busy_share = (busy - self._machine[0]) / max(1, total - self._machine[1])

    def line(self, requests: int) -> str:
        return (f"  CPU per request: server {self.server_seconds / max(1, requests) * 1e3:.3f} ms,"
                f" PostgreSQL {self.postgres_seconds / max(1, requests) * 1e3:.3f} ms; machine busy"
                f" {self.busy_share:.0%}")


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


async def _fleet(key: str, templates: list[str], agents: int, seconds: float, period: int, prefix: str,
                 first_time: int) -> list[tuple]:
    """Each agent posts a tick every FLEET_PERIOD s, spread evenly; (round, status, seconds
    from when the request was due to its answer) per request. Round 0 registers the
    fleet's collectors (each agent's first tick): the timed rounds start once it is
    answered, so that they measure a fleet's steady state rather than its onboarding."""
    loop = asyncio.get_running_loop()
    rounds = max(2, int(seconds // FLEET_PERIOD))
    results = []

    async def agent_tick(agent: int, step: int, begin: float) -> None:
        due = begin + step * FLEET_PERIOD + agent * FLEET_PERIOD / agents
        await asyncio.sleep(max(0.0, due - loop.time()))
        payload = body(templates, f"{prefix}-{agent:04d}", step, first_time, period)
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

    begin = loop.time() + 1
    await asyncio.gather(*(agent_tick(agent, 0, begin) for agent in range(agents)))
    begin = loop.time() + 1 - FLEET_PERIOD  # round 1 starts a second from now
    await asyncio.gather(*(agent_tick(agent, step, begin) for step in range(1, rounds) for agent in range(agents)))
    return results


def fleet_run(key: str, templates: list[str], agents: int, seconds: float, period: int, prefix: str) -> list[tuple]:
    # uvloop: the client shares the machine with the server; asyncio's own loop took about
    # twice its CPU a request.
    return uvloop.run(_fleet(key, templates, agents, seconds, period, prefix, first_tick(3600)))


def lone_agent(key: str, templates: list[str], identifier: str, requests: int, period: int,
               first_time: int, pause: float = LONE_PAUSE) -> list[float]:
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
        time.sleep(pause)
    return latencies


def copy_floor(ticks: list[list[dict]], organization_id: int, passes: int) -> tuple[int, float]:
    """Rows/s of the product's binary COPY (metrics.sample_copy) of the same rows, one
    transaction per pass."""
    parsed = ticks_parse([Measurement(i["timestamp"], i["subsystem"], i["measurement"]) for t in ticks for i in t],
                         Skipped())
    rows = rows_after(parsed, previous=None)
    times = [tick.timestamp for tick in parsed]
    per_pass = len(times) + sum(len(family_rows) for family_rows in rows.rows.values())
    began = time.perf_counter()
    for copy_pass in range(passes):
        with transaction.atomic():
            copy = SampleCopy()
            copy.add(organization_id=organization_id, collector_id=10_000_000 + copy_pass, times=times, rows=rows)
            copy.flush()
    return per_pass * passes, time.perf_counter() - began


def visibility_probe(key: str, templates: list[str], period: int, stop: threading.Event) -> list[float]:
    """While `stop` is not set: one more agent posts a tick, and from its 200 the live view
    (metrics.dashboard.live, what /api/dashboard/collectors/{id}/live/ answers) is read until
    it holds the tick; the delays in ms."""
    identifier, first_time, delays = "probe-0", int(time.time()) - 1800, []
    lone_agent(key, templates, identifier, 1, period, first_time)  # registers its collector
    collector = Collector.objects.get(identifier=identifier, organization__api_keys__prefix=key.split("_")[1])
    step = 1
    while not stop.is_set():
        lone_agent(key, templates, identifier, 1, period, first_time + step * period, pause=0)
        answered, tick = time.perf_counter(), first_time + step * period
        since = datetime.fromtimestamp(tick - 1, UTC)
        while True:
            collector.refresh_from_db(fields=["last_seen"])
            if tick in live(collector=collector, since=since)["timestamps"]:
                break
        delays.append((time.perf_counter() - answered) * 1e3)
        step += 1
        time.sleep(0.2)
    return delays


def ports_widened() -> str:
    """The client's ephemeral ports and open files, widened for thousands of agents that
    each open a new connection (pcc keeps none alive): ports stay in TIME_WAIT for 60 s."""
    resource.setrlimit(resource.RLIMIT_NOFILE, (resource.getrlimit(resource.RLIMIT_NOFILE)[1],) * 2)
    ports = Path("/proc/sys/net/ipv4/ip_local_port_range")
    if os.geteuid() == 0:
        ports.write_text("1024 65535\n")
        Path("/proc/sys/net/ipv4/tcp_tw_reuse").write_text("1\n")
    return " ".join(ports.read_text().split())


def fleet_line(agents: int, fleet: list[tuple], organization_id: int, prefix: str) -> str:
    later = [seconds * 1e3 for step, status, seconds in fleet if step > 0 and status == 200]
    first = [seconds * 1e3 for step, status, seconds in fleet if step == 0 and status == 200]
    failed = sum(status != 200 for _, status, _ in fleet)
    rounds = sorted({step for step, _, _ in fleet})
    by_round = "  ".join(f"{percentile([seconds * 1e3 for step, status, seconds in fleet if step == r], 0.99):.0f}"
                         for r in rounds)
    return (f"Open loop, {agents} agents x 1 tick / {FLEET_PERIOD} s ({agents / FLEET_PERIOD:.0f} ticks/s offered),"
            f" {len(fleet)} requests: p50 {percentile(later, 0.5):.1f} ms  p99 {percentile(later, 0.99):.1f} ms"
            f" (round 0, before them, registering the collectors: p50 {percentile(first, 0.5):.1f} ms"
            f"  p99 {percentile(first, 0.99):.1f} ms)  not 200 {failed}\n  p99 of each round, ms: {by_round}\n"
            + durable_line(organization_id, prefix, len(fleet) - failed, 0))


def main():
    global PORT, WARM_SECONDS
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--agents", type=int, default=32)
    parser.add_argument("--many", type=int, default=256)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--fleet", type=int, default=2000)
    parser.add_argument("--big-fleet", type=int, default=5000)
    parser.add_argument("--fleet-seconds", type=float, default=30)
    parser.add_argument("--lone", type=int, default=100, help="requests of the lone agent")
    parser.add_argument("--copy-passes", type=int, default=20)
    parser.add_argument("--phases", default=",".join(PHASES), help=f"comma-separated, of {', '.join(PHASES)}")
    parser.add_argument("--port", type=int, default=PORT, help="the servers' port on 127.0.0.1")
    parser.add_argument("--warm-seconds", type=float, default=WARM_SECONDS, help="untimed agents before a phase")
    args = parser.parse_args()
    PORT, WARM_SECONDS = args.port, args.warm_seconds
    if args.agents % WRK_THREADS or args.many % WRK_THREADS:
        raise SystemExit(f"--agents and --many must be multiples of {WRK_THREADS} (wrk threads)")

    ticks = capture_ticks()
    organization = Organization.objects.create(slug=f"bench-{secrets.token_hex(4)}", name="ingest benchmark")
    _, key = api_key_create(organization=organization, name="bench")
    settings_line = ", ".join(f"{name}={os.environ.get(name, '(default)')}"
                              for name in ("XAT_AGENT_WORKERS", "XAT_INGEST_WRITERS", "WEB_CONCURRENCY",
                                           "XAT_WEB_THREADS"))
    room = (int(time.time()) + settings.XAT_TICK_MAX_FUTURE_SECONDS - first_tick(WRK_HISTORY_SECONDS)) // WRK_TICK_SECONDS
    ports = ports_widened() if max(args.fleet, args.big_fleet) >= FLEET_WIDE_PORTS else "as they are"
    print(f"{settings_line}; {args.seconds:.0f} s per wrk phase; client ports {ports};"
          f" wrk agents' room: {room} ticks each; load average before: {os.getloadavg()[0]:.2f}", flush=True)
    scratch = Path(tempfile.mkdtemp(prefix="xat-bench-ingest-"))
    run = Run(args, organization.pk, key, ticks, scratch)
    try:
        for phase in args.phases.split(","):
            getattr(run, phase.replace("-", "_"))()
        run.ratios()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        with connection.cursor() as cursor:
            for table in SAMPLE_TABLES:
                cursor.execute(f"DELETE FROM {table} WHERE organization_id = %s", [organization.pk])
        organization.delete()
        # The run's dead rows vacuumed now, not by autovacuum during the next run's phases
        # (a run after a run measured PostgreSQL at 2 ms a tick instead of 0.4).
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM {', '.join(SAMPLE_TABLES)}, metrics_collector, metrics_tricklesession,"
                           " collector_tick_state")


class Run:
    """The phases of one run (PHASES), each printing its figures; the rates kept for the ratios."""

    def __init__(self, args, organization_id: int, key: str, ticks: list[list[dict]], scratch: Path):
        self.args, self.organization_id, self.key, self.ticks = args, organization_id, key, ticks
        self.period = ticks[1][0]["timestamp"] - ticks[0][0]["timestamp"]
        self.templates = templates_make(ticks)
        self.templates_file = scratch / "ticks.ndjson"
        self.templates_file.write_text("\n".join(self.templates) + "\n")
        self.rates: dict[str, float] = {}

    def _wrk(self, server: Server, agents: int, prefix: str) -> tuple[dict, CpuMeter]:
        server.warm(self.templates_file, self.key)
        with CpuMeter(server) as cpu:
            result = wrk_agents(self.templates_file, self.key, agents, self.args.seconds, prefix)
        return result, cpu

    def floor(self) -> None:
        self._floor("floor", Server.django_floor, "HTTP floor (Django parse-only view, gunicorn)")

    def loop_floor(self) -> None:
        self._floor("loop_floor", Server.event_loop_floor, "Event-loop floor (raw ASGI parse-only app, uvicorn)")

    def _floor(self, name: str, server_make, title: str) -> None:
        with server_make() as server:
            floor, cpu = self._wrk(server, self.args.agents, name.replace("_", ""))
        self.rates[name] = floor["ok"] / floor["seconds"]
        print(f"{title}, {self.args.agents} agents: {self.rates[name]:.0f} requests/s  p50 {floor['p50_ms']:.1f} ms"
              f"  p99 {floor['p99_ms']:.1f} ms  socket errors {floor['errors']}\n" + cpu.line(floor["ok"]), flush=True)

    def agents(self) -> None:
        with Server.agent_service() as server:
            stop = threading.Event()
            with ThreadPoolExecutor(1) as probe_thread:
                probe = probe_thread.submit(visibility_probe, self.key, self.templates, self.period, stop)
                try:
                    ingest, cpu = self._wrk(server, self.args.agents, "agents")
                finally:
                    stop.set()
                delays = probe.result()
        self.rates["agents"] = ingest["ok"] / ingest["seconds"]
        print(f"Ingest (agent service), {self.args.agents} agents: {self.rates['agents']:.0f} ticks/s"
              f"  p50 {ingest['p50_ms']:.1f} ms  p99 {ingest['p99_ms']:.1f} ms  not 200 {ingest['not_ok']}"
              f"  socket errors {ingest['errors']}  {self._ratio_to_floor()}\n" + cpu.line(ingest["ok"]))
        print(f"  visibility (200 to the live view holding the tick), {len(delays)} ticks:"
              f" p50 {percentile(delays, 0.5):.1f} ms  p99 {percentile(delays, 0.99):.1f} ms")
        print(durable_line(self.organization_id, "agents", ingest["ok"], self.args.agents), flush=True)

    def many(self) -> None:
        with Server.agent_service() as server:
            many, cpu = self._wrk(server, self.args.many, "many")
        print(f"Ingest, {self.args.many} agents: {many['ok'] / many['seconds']:.0f} ticks/s"
              f"  p50 {many['p50_ms']:.1f} ms  p99 {many['p99_ms']:.1f} ms  not 200 {many['not_ok']}"
              f"  socket errors {many['errors']}\n" + cpu.line(many["ok"]))
        print(durable_line(self.organization_id, "many", many["ok"], self.args.many), flush=True)

    def fleet(self) -> None:
        for agents, prefix in ((self.args.fleet, "fleet"), (self.args.big_fleet, "bigfleet")):
            with Server.agent_service() as server:
                server.warm(self.templates_file, self.key)
                with CpuMeter(server) as cpu:
                    fleet = fleet_run(self.key, self.templates, agents, self.args.fleet_seconds, self.period, prefix)
            print(fleet_line(agents, fleet, self.organization_id, prefix) + "\n" + cpu.line(len(fleet)), flush=True)

    def lone(self) -> None:
        with Server.agent_service() as server:
            server.warm(self.templates_file, self.key)
            first_time = int(time.time()) - 3600
            lone_agent(self.key, self.templates, "lone-0", 1, self.period, first_time)  # registers its collector
            time.sleep(1)  # idle
            lone = lone_agent(self.key, self.templates, "lone-0", self.args.lone, self.period, first_time + self.period)
        print(f"Lone agent, idle server: p50 {statistics.median(lone):.1f} ms  p99 {percentile(lone, 0.99):.1f} ms"
              f"  ({len(lone)} requests)", flush=True)

    def copy(self) -> None:
        copied, copy_seconds = copy_floor(self.ticks, self.organization_id, passes=self.args.copy_passes)
        self.rates["copy"] = copied / copy_seconds
        self.rows_per_tick = copied / self.args.copy_passes / len(self.ticks)
        print(f"Database floor (binary COPY of the same rows, one connection): {self.rates['copy']:.0f} rows/s")

    def _ratio_to_floor(self) -> str:
        parts = [f"{name} = {self.rates['agents'] / self.rates[rate]:.2f}"
                 for name, rate in (("ingest / HTTP floor", "floor"), ("ingest / event-loop floor", "loop_floor"))
                 if rate in self.rates]
        return "  ".join(parts)

    def ratios(self) -> None:
        parts = [self._ratio_to_floor()] if "agents" in self.rates else []
        if "agents" in self.rates and "copy" in self.rates:
            parts.append(f"ingest rows / COPY rows = {self.rates['agents'] * self.rows_per_tick / self.rates['copy']:.2f}")
        print(f"Ratios: {';  '.join(parts) or '(none: phases left out)'}  (load average after: {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
