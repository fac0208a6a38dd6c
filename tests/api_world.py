"""An organization with something behind every endpoint, for tests that walk the whole API
(tests/test_openapi.py: one real answer of every operation; tests/fuzz/: schemathesis over
the schema, with a second organization whose objects must stay out of reach).

Everything that carries text is named after the organization's slug (collectors, users,
addresses, file names), so that the slug alone finds a leak of them in another
organization's answer; `markers()` adds the ids that do not carry it.
"""

import hashlib
from datetime import UTC, datetime, timedelta

from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import ApiKey, Membership
from accounts.services import invitation_create
from metrics.cloud.models import CloudInstance
from metrics.loadtests.models import Benchmark, BenchmarkComparison, LoadTest
from metrics.models import TrickleSession
from metrics.uploads.models import Upload
from tests.ingest.agent import capture_ticks, envelope, post_like_pcc
from tests.oracle import CAPTURES
from tests.personas import PASSWORD, api_client, api_key_make, collector_make, member_make, team_make, user_make

TICKS = capture_ticks(CAPTURES[0])[:8]


class World:
    """One organization with a collector that received real ticks (all but the last of
    TICKS: the last is left for a request to send), its uploads, sessions, keys, members and
    invitations: enough for every endpoint to answer its success. The spare objects are
    there to be deleted or revoked, so the main ones stay for later requests."""

    def __init__(self, slug: str = "acme"):
        self.slug = slug
        # pcc's identifier: 32 hex digits, one per organization
        self.identifier = hashlib.md5(slug.encode()).hexdigest()
        self.team = team_make(slug)
        self.admin = api_client(self.team.admin)
        organization = self.team.organization
        self.collector = collector_make(organization, name=f"{slug}-web", identifier=self.identifier)
        self.spare_collector = collector_make(organization, name=f"{slug}-to-delete")
        self.spare_perfdash_collector = collector_make(organization, name=f"{slug}-to-delete-too")
        _, self.org_secret = api_key_make(organization, name=f"{slug} fleet key")
        self.key, _ = api_key_make(organization, collector=self.collector, name=f"{slug} web key")
        self.spare_key, _ = api_key_make(organization, name=f"{slug} key to revoke")
        for tick in TICKS[:-1]:
            assert post_like_pcc(api_client(), self.org_secret, envelope(self.identifier, tick)).status_code == 200
        self.collector.refresh_from_db()
        self.session = TrickleSession.objects.get(collector=self.collector)
        self.upload = Upload.objects.create(organization=organization, collector=self.collector,
                                            file_name=f"{slug}-a.ndjson", size_bytes=1, sha256="0" * 64, format="pcc")
        self.spare_upload = Upload.objects.create(organization=organization, collector=self.collector,
                                                  file_name=f"{slug}-b.ndjson", size_bytes=1, sha256="1" * 64,
                                                  format="pcc")
        self.spare_member = Membership.objects.get(user=member_make(organization, "viewer", username=f"{slug}-leaving"))
        self.viewer_member = Membership.objects.get(user=self.team.viewer)
        self.invitation, _ = invitation_create(organization=organization, email=f"revoked@{slug}.example",
                                               role="viewer", invited_by=self.team.admin)
        _, self.invitation_token = invitation_create(organization=organization, email=f"invitee@{slug}.example",
                                                     role="viewer", invited_by=self.team.admin)
        self.invitee = user_make(f"{slug}-invitee", email=f"invitee@{slug}.example")
        self.since = (self.collector.last_seen - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
        # Load tests, benchmarks, a comparison (issue 14): a main one and a spare of each.
        self.load_tests = [LoadTest.objects.create(organization=organization, collector=self.collector,
                                                   units_100pct=100 * n) for n in (1, 2)]
        self.benchmarks = [Benchmark.objects.create(organization=organization, collector=self.collector,
                                                    name=f"{slug} benchmark {n}") for n in (1, 2)]
        self.comparison = BenchmarkComparison.objects.create(organization=organization, created_by=self.team.admin,
                                                             benchmark_id=f"{slug}-bench", duration="300s")
        self.cloud_instance = cloud_instances_make(organization, slug)

    def login(self, path: str) -> dict:
        return self.admin.post(path, {"username": f"{self.slug}-admin", "password": PASSWORD}, format="json").json()

    def object_ids(self) -> dict[str, list]:
        """{URL parameter (or the `collector` query parameter): this organization's objects
        it takes}, the one meant to stay first; UUIDs as text."""
        return {
            "collector_id": [self.collector.pk, self.spare_collector.pk],
            "collector": [self.collector.pk],
            "collector_uuid": [str(self.collector.uuid), str(self.spare_perfdash_collector.uuid)],
            "upload_uuid": [str(self.upload.uuid), str(self.spare_upload.uuid)],
            "session_id": [str(self.session.pk)],
            "key_id": [self.key.pk, self.spare_key.pk],
            "member_id": [self.viewer_member.pk, self.spare_member.pk],
            "invitation_id": [self.invitation.pk],
            "loadtest_uuid": [str(test.pk) for test in self.load_tests],
            "benchmark_uuid": [str(benchmark.pk) for benchmark in self.benchmarks],
            "comparison_uuid": [str(self.comparison.pk)],
            "instance_id": [self.cloud_instance],
        }

    def credentials(self, operation: dict) -> dict:
        """The headers an operation of the OpenAPI schema takes, as this organization's admin
        (JWT), or for an agent path (ApiKeyAuth only) with its organization key."""
        requirements = operation.get("security") or [{}]
        if all(set(requirement) == {"ApiKeyAuth"} for requirement in requirements):
            return {"apikey": self.org_secret}
        return {"Authorization": f"Bearer {AccessToken.for_user(self.team.admin)}"}

    def markers(self) -> list[str]:
        """Text that only a leak of this organization's data puts into another's answer: the
        slug (in every name, username and address) and the ids that do not carry it."""
        organization = self.team.organization
        return [
            self.slug, self.identifier,
            *(str(uuid) for uuid in organization.collectors.values_list("uuid", flat=True)),
            *(str(pk) for pk in TrickleSession.objects.filter(organization=organization).values_list("pk", flat=True)),
            *(str(uuid) for uuid in organization.uploads.values_list("uuid", flat=True)),
            *(str(pk) for model in (LoadTest, Benchmark, BenchmarkComparison)
              for pk in model.objects.filter(organization=organization).values_list("pk", flat=True)),
            *ApiKey.objects.filter(organization=organization).values_list("prefix", flat=True),
        ]


def cloud_instances_make(organization, slug: str) -> str:
    """An instance id of each provider that this organization's listing returned (an
    instance endpoint acts only on those: metrics/cloud/inventory.py); the id, the same for
    the three providers, carries the slug."""
    instance_id = f"{slug}-vm"
    for provider in ("oci", "aws", "azure"):
        CloudInstance.objects.get_or_create(organization=organization, provider=provider, instance_id=instance_id,
                                            defaults={"listed_at": datetime(2026, 1, 1, tzinfo=UTC)})
    return instance_id
