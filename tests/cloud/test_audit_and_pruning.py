"""The cloud audit's read endpoint (GET /api/v1/cloud/audit, admins) and the pruning of the
instances a listing recorded (CloudInstance): issue 23, §7."""

from datetime import timedelta

import pytest
from django.utils import timezone

from metrics.cloud.models import CloudAction, CloudInstance
from tests.cloud.test_aws import KEYS, ROOT, cloud, connect, launch  # noqa: F401 (cloud: moto, autouse)
from tests.personas import api_client, team_make

pytestmark = pytest.mark.django_db
AUDIT = "/api/v1/cloud/audit"


def test_admins_read_their_organizations_cloud_audit_newest_first(acme):
    globex = team_make("globex")
    connect(acme)
    connect(globex)
    api_client(acme.admin).post(f"{ROOT}/disconnect")

    response = api_client(acme.admin).get(AUDIT)

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["count"], body["next"], body["previous"]) == (2, None, None)
    assert [(a["action"], a["provider"], a["username"], a["succeeded"]) for a in body["results"]] == [
        ("disconnect", "aws", "acme-admin", True), ("connect", "aws", "acme-admin", True)]
    assert set(body["results"][0]) == {"id", "created_at", "username", "provider", "action", "instance_id",
                                       "succeeded", "outcome"}
    assert api_client(acme.admin).get(AUDIT, {"provider": "oci"}).json()["count"] == 0
    assert api_client(acme.admin).get(AUDIT, {"provider": "nope"}).status_code == 400


@pytest.mark.parametrize("role", ["analyst", "viewer"])
def test_only_admins_read_the_audit(acme, role):
    assert api_client(getattr(acme, role)).get(AUDIT).status_code == 403
    assert api_client().get(AUDIT).status_code == 401


def test_a_listing_prunes_the_instances_not_listed_for_the_kept_days(acme, settings):
    settings.XAT_CLOUD_INSTANCE_KEEP_DAYS = 30
    web = launch(name="web-1")
    connect(acme)
    assert api_client(acme.viewer).get(f"{ROOT}/instances").json()["count"] == 1
    old = CloudInstance.objects.create(organization=acme.organization, provider="aws", instance_id="i-gone",
                                       listed_at=timezone.now() - timedelta(days=31))
    recent = CloudInstance.objects.create(organization=acme.organization, provider="aws", instance_id="i-elsewhere",
                                          listed_at=timezone.now() - timedelta(days=29))
    other = CloudInstance.objects.create(organization=team_make("globex").organization, provider="aws",
                                         instance_id="i-theirs", listed_at=timezone.now() - timedelta(days=31))

    api_client(acme.viewer).get(f"{ROOT}/instances")

    kept = set(CloudInstance.objects.values_list("instance_id", flat=True))
    assert kept == {web["InstanceId"], recent.instance_id, other.instance_id}, kept
    assert old.instance_id not in kept


def test_a_disconnect_forgets_the_providers_instances(acme):
    launch(name="web-1")
    connect(acme)
    api_client(acme.viewer).get(f"{ROOT}/instances")
    oci = CloudInstance.objects.create(organization=acme.organization, provider="oci", instance_id="ocid1.x",
                                       listed_at=timezone.now())
    assert api_client(acme.admin).post(f"{ROOT}/disconnect").status_code == 200
    assert list(CloudInstance.objects.all()) == [oci]
    assert CloudAction.objects.filter(action="disconnect").exists()
