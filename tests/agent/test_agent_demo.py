"""`xat_agent --demo` against a live server: this machine's real /proc becomes a stored
tick of the demo collector, with a key made for the run; refused in production."""

import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.demo import demo_account_ensure
from accounts.models import ApiKey
from metrics.agent import machine_id
from metrics.demo import DEMO_AGENT_KEY_NAME, demo_collector_ensure


def _meminfo_kb(field: str) -> int:
    with open("/proc/meminfo") as lines:
        return next(int(line.split()[1]) for line in lines if line.startswith(f"{field}:"))


def _stored_ticks(collector_id: int) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT extract(epoch FROM t.time)::bigint, m.mem_total_kb, "
            "       (SELECT count(*) FROM filesystem_sample f"
            "         WHERE f.collector_id = t.collector_id AND f.time = t.time)"
            " FROM sample_tick t JOIN memory_sample m USING (collector_id, time)"
            " WHERE t.collector_id = %s ORDER BY t.time",
            [collector_id],
        )
        return cursor.fetchall()


@pytest.mark.django_db(transaction=True)
def test_it_posts_this_machine_as_the_demo_collector(live_server):
    collector = demo_collector_ensure(organization=demo_account_ensure(password=None, ingest_key=None).organization)

    before = time.time()
    call_command("xat_agent", "--demo", "--once", "--interval", "1", "--url", live_server.url)
    call_command("xat_agent", "--demo", "--once", "--interval", "1", "--url", live_server.url)

    ticks = _stored_ticks(collector.pk)
    assert len(ticks) == 2
    assert all(before - 1 <= second <= time.time() for second, _, _ in ticks)
    assert {mem_total for _, mem_total, _ in ticks} == {_meminfo_kb("MemTotal")}
    assert all(filesystems >= 1 for _, _, filesystems in ticks)  # at least the root file system
    collector.refresh_from_db()
    assert collector.identifier == machine_id()
    # The host described itself at /api/v1/register/: its specs show on the collector.
    assert collector.vcpus == Path("/proc/cpuinfo").read_text().count("processor\t:")
    assert abs(collector.memory_bytes - _meminfo_kb("MemTotal") * 1024) <= 0.005 * 2**30
    assert collector.hostname and collector.kernel_version
    # Each start made its own key and deleted the one before: one is left, and only it works.
    keys = list(ApiKey.objects.filter(name=DEMO_AGENT_KEY_NAME))
    assert [(key.collector_id, key.organization_id) for key in keys] == [(collector.pk, collector.organization_id)]


@pytest.mark.django_db(transaction=True)
def test_it_exits_with_an_error_when_its_one_tick_is_refused(live_server, caplog):
    unknown_key = "xat_abcdefghij_" + "x" * 43
    with pytest.raises(CommandError, match="not stored"):
        call_command("xat_agent", "--key", unknown_key, "--once", "--interval", "1", "--url", live_server.url)
    assert "401 Invalid API key" in caplog.text and unknown_key not in caplog.text


@pytest.mark.django_db
def test_it_refuses_demo_mode_in_production(settings):
    demo_account_ensure(password=None, ingest_key=None)
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="--demo is for development"):
        call_command("xat_agent", "--demo", "--once", "--interval", "1", "--url", "http://127.0.0.1:9")
    assert not ApiKey.objects.filter(name=DEMO_AGENT_KEY_NAME).exists()


@pytest.mark.django_db
def test_it_needs_the_demo_collector():
    with pytest.raises(CommandError, match="run manage.py xat_demo"):
        call_command("xat_agent", "--demo", "--once", "--url", "http://127.0.0.1:9")
