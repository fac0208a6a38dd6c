"""`manage.py xat_demo` (metrics/management/commands/xat_demo.py): the demo login of
accounts/demo.py and the demo collector of metrics/demo.py, made once."""

import io

import pytest
from django.core.management import call_command

from accounts.models import ApiKey
from metrics.demo import DEMO_COLLECTOR
from metrics.models import Collector

pytestmark = pytest.mark.django_db


def _run() -> str:
    out = io.StringIO()
    call_command("xat_demo", stdout=out)
    return out.getvalue()


def test_it_makes_the_demo_collector_in_the_demo_organization_once(monkeypatch):
    monkeypatch.setenv("XAT_DEMO_PASSWORD", "demo-password-1")
    first = _run()
    collector = Collector.objects.get()
    assert (collector.name, collector.organization.slug) == (DEMO_COLLECTOR, "demo")
    assert f"Demo collector: {DEMO_COLLECTOR} (id {collector.pk})" in first
    assert "Demo login: demo / demo-password-1" in first and "Demo ingest key (shown once): xat_" in first

    again = _run()
    assert Collector.objects.get() == collector and ApiKey.objects.count() == 1
    assert f"Demo collector: {DEMO_COLLECTOR} (id {collector.pk})" in again and "password unchanged" in again
