"""Web nodes benchmark: agents' ticks/s through one web process group, then through two, in
one run, and the ratio (docs/scaling.md, docs/performance.md).

    .venv/bin/python bench/web_nodes.py [--agents 32] [--seconds 20] [--port 8791]

A web process group is gunicorn as `make run` starts it (xat/gunicorn_conf.py:
WEB_CONCURRENCY workers, XAT_WEB_THREADS threads each, access log off), serving pcc's
/v1/trickle through Django, each request a transaction of its own: what a web node adds.
Two groups are two gunicorn masters on --port and --port + 1, the agents split between them
(half each, two wrk processes at once), as a load balancer in front of two nodes would.
Both groups run on this machine and share its cores and its one database: the ratio says
how far a second group raises the rate before the cores or PostgreSQL are the limit, not
what a second machine adds. Needs the local cluster and wrk, as bench/ingest.py, whose
agents (bench/ingest_agents.lua: the 4-vCPU capture, one tick per request, no keep-alive)
and meters this reuses. Everything written belongs to a throwaway organization, deleted at
the end.
"""

import argparse
import os
import secrets
import shutil
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import ingest  # noqa: E402  (sets Django up)
from bench.ingest import CpuMeter, Server, capture_ticks, durable_line, templates_make, wrk_agents  # noqa: E402

from django.db import connection  # noqa: E402

from accounts.keys import api_key_create  # noqa: E402
from accounts.models import Organization  # noqa: E402


class Groups:
    """Web process groups running at once, as CpuMeter meters one server."""

    def __init__(self, servers: list[Server]):
        self.servers = servers

    def processes(self) -> set[int]:
        return set().union(*(server.processes() for server in self.servers))


def groups_run(count: int, args, templates_file: Path, key: str, organization_id: int) -> float:
    """count groups, args.agents agents split between them for args.seconds: prints the
    figures, returns the ticks/s answered 200."""
    prefix = f"groups{count}"
    with ExitStack() as stack:
        servers = [stack.enter_context(Server.web(args.port + number)) for number in range(count)]
        for server in servers:
            server.warm(templates_file, key)
        share = args.agents // count
        with CpuMeter(Groups(servers)) as cpu, ThreadPoolExecutor(count) as clients:
            runs = [clients.submit(wrk_agents, templates_file, key, share, args.seconds, f"{prefix}-n{number}",
                                   port=server.port) for number, server in enumerate(servers)]
            results = [run.result() for run in runs]
    ok = sum(result["ok"] for result in results)
    rate = ok / max(result["seconds"] for result in results)
    latencies = "  ".join(f"group {number + 1}: p50 {result['p50_ms']:.1f} ms  p99 {result['p99_ms']:.1f} ms"
                          for number, result in enumerate(results))
    print(f"{count} web process group{'s' * (count > 1)}, {args.agents} agents: {rate:.0f} ticks/s"
          f"  not 200 {sum(result['not_ok'] for result in results)}"
          f"  socket errors {sum(result['errors'] for result in results)}\n  {latencies}\n" + cpu.line(ok))
    print(durable_line(organization_id, prefix, ok, args.agents), flush=True)
    return rate


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--agents", type=int, default=32, help="in all; half on each group when there are two")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--port", type=int, default=ingest.PORT, help="the first group's port (the second: +1)")
    parser.add_argument("--warm-seconds", type=float, default=ingest.WARM_SECONDS, help="untimed agents first")
    args = parser.parse_args()
    if args.agents % (2 * ingest.WRK_THREADS):
        raise SystemExit(f"--agents must be a multiple of {2 * ingest.WRK_THREADS} (two groups, wrk threads)")
    ingest.WARM_SECONDS = args.warm_seconds

    organization = Organization.objects.create(slug=f"bench-{secrets.token_hex(4)}", name="web nodes benchmark")
    _, key = api_key_create(organization=organization, name="bench")
    settings_line = ", ".join(f"{name}={os.environ.get(name, '(default)')}" for name in ("WEB_CONCURRENCY",
                                                                                          "XAT_WEB_THREADS"))
    print(f"{settings_line}; {os.cpu_count()} cores; {args.seconds:.0f} s per phase;"
          f" load average before: {os.getloadavg()[0]:.2f}", flush=True)
    scratch = Path(tempfile.mkdtemp(prefix="xat-bench-web-nodes-"))
    templates_file = scratch / "ticks.ndjson"
    templates_file.write_text("\n".join(templates_make(capture_ticks())) + "\n")
    try:
        one = groups_run(1, args, templates_file, key, organization.pk)
        two = groups_run(2, args, templates_file, key, organization.pk)
        print(f"Ratio: two groups / one = {two / one:.2f}  (load average after: {os.getloadavg()[0]:.2f})")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        with connection.cursor() as cursor:
            for table in ingest.SAMPLE_TABLES:
                cursor.execute(f"DELETE FROM {table} WHERE organization_id = %s", [organization.pk])
        organization.delete()


if __name__ == "__main__":
    main()
