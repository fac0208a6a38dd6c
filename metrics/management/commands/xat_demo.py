import os

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.demo import DEMO_USERNAME, demo_account_ensure
from metrics.demo import demo_collector_ensure


class Command(BaseCommand):
    help = "Make sure the demo user, organization, collector and ingest key exist."

    @transaction.atomic
    def handle(self, *args, **options):
        demo = demo_account_ensure(
            password=os.environ.get("XAT_DEMO_PASSWORD") or None,
            ingest_key=os.environ.get("XAT_DEMO_INGEST_KEY") or None,
        )
        collector = demo_collector_ensure(organization=demo.organization)
        out = self.stdout.write
        if demo.password:
            out(f"Demo login: {DEMO_USERNAME} / {demo.password}")
        else:
            out(f"Demo login: {DEMO_USERNAME} (password unchanged; set XAT_DEMO_PASSWORD to choose one)")
        if demo.ingest_key:
            out(f"Demo ingest key (shown once): {demo.ingest_key}")
        else:
            out("Demo ingest key: exists (its secret was shown when it was made; rotate it to see a new one)")
        out(f"Demo collector: {collector.name} (id {collector.pk})")
