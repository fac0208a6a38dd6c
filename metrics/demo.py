"""The demo organization's collector (accounts/demo.py makes the login, organization and
ingest key; `manage.py xat_demo` both), and the key `xat_agent --demo` posts with."""

from django.db import transaction

from accounts.demo import DEMO_ORGANIZATION
from accounts.keys import api_key_create
from accounts.models import ApiKey, Organization
from metrics.models import Collector

DEMO_COLLECTOR = "demo-host"
# The key `xat_agent --demo` posts with: scoped to the demo collector, made anew by each
# start (its secret lives only in that process), replacing the previous one.
DEMO_AGENT_KEY_NAME = "bundled agent (xat_agent --demo)"


class DemoMissing(LookupError):
    pass


def demo_collector_ensure(*, organization: Organization) -> Collector:
    collector, _ = Collector.objects.get_or_create(
        organization=organization, name=DEMO_COLLECTOR, defaults={"description": "Point an agent here."}
    )
    return collector


@transaction.atomic
def demo_agent_key_issue() -> tuple[Collector, str]:
    """A new key for the demo collector (and its secret), the previous agent key deleted.

    DemoMissing until `manage.py xat_demo` has made the demo collector."""
    collector = Collector.objects.filter(organization__slug=DEMO_ORGANIZATION, name=DEMO_COLLECTOR).first()
    if collector is None:
        raise DemoMissing(
            f"no collector {DEMO_COLLECTOR!r} in organization {DEMO_ORGANIZATION!r}: run manage.py xat_demo")
    ApiKey.objects.filter(organization=collector.organization, collector=collector, name=DEMO_AGENT_KEY_NAME).delete()
    _, raw_key = api_key_create(organization=collector.organization, name=DEMO_AGENT_KEY_NAME, collector=collector)
    return collector, raw_key
