"""The AWS cloud endpoints (contract Appendix A, §11.2 S2, S10) with moto driving the real
boto3: credentials per organization, never shown nor logged; roles; audit; tenancy;
instances linked to collectors by what their agents reported."""

import logging
from datetime import timedelta
from decimal import Decimal

import boto3
import pytest
from django.utils import timezone
from moto import mock_aws

from accounts.keys import api_key_authenticate
from metrics.cloud import aws
from metrics.cloud.models import CloudAction, CloudCredential, CloudInstance
from metrics.models import Collector
from tests.personas import api_client, collector_make, team_make

pytestmark = pytest.mark.django_db
REGION = "eu-west-1"
ROOT = "/api/v1/cloud/aws"
KEYS = {"access_key_id": "AKIAXATTESTKEY000001", "secret_access_key": "xat/secret+Access+Key+0123456789abcdefgh",
        "region": REGION}
INSTANCE_FIELDS = {"id", "name", "provider", "region", "location", "type", "instanceType", "status", "ipAddress",
                   "privateIp", "os", "cpuCores", "memoryGB", "pccInstalled", "pccVersion", "collectionStatus",
                   "collectorId", "lastContact", "tags", "vpcId", "subnetId", "dailyCostRunning", "dailyCostStopped",
                   "costCurrency", "costIsEstimate", "priceTable"}


@pytest.fixture(autouse=True)
def cloud():
    with mock_aws():
        yield


def ec2(region: str = REGION):
    """A client of the test's own, beside XAT's: what the 'AWS console' sees."""
    return boto3.client("ec2", region_name=region, aws_access_key_id="AKIAOTHER", aws_secret_access_key="other")


def launch(instance_type: str = "t3.micro", name: str = "web-1", region: str = REGION) -> dict:
    return ec2(region).run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1, InstanceType=instance_type,
                               TagSpecifications=[{"ResourceType": "instance",
                                                   "Tags": [{"Key": "Name", "Value": name}]}])["Instances"][0]


def connect(team, keys=KEYS):
    return api_client(team.admin).post(f"{ROOT}/connect", keys, format="json")


def test_it_says_not_connected_before_an_admin_connects(acme):
    client = api_client(acme.viewer)
    assert client.get(f"{ROOT}/status").json() == {"available": True, "connected": False}
    response = client.get(f"{ROOT}/instances")
    assert response.status_code == 409 and response.json()["success"] is False


def test_it_requires_a_token():
    for path in (f"{ROOT}/status", f"{ROOT}/instances", f"{ROOT}/regions"):
        assert api_client().get(path).status_code == 401
    assert api_client().post(f"{ROOT}/connect", KEYS, format="json").status_code == 401


def test_it_connects_with_keys_it_never_shows_nor_logs(acme, caplog):
    launch()
    caplog.set_level(logging.DEBUG)
    response = connect(acme)
    assert response.status_code == 200
    assert response.json() == {"success": True, "account_id": "123456789012", "region": REGION, "instance_count": 1}
    status = api_client(acme.viewer).get(f"{ROOT}/status")
    assert status.json() == {"available": True, "connected": True, "account_id": "123456789012", "region": REGION,
                             "instance_count": 1}
    stored = CloudCredential.objects.get(organization=acme.organization, provider="aws")
    assert stored.identifiers == {"region": REGION}
    secrets = (KEYS["access_key_id"], KEYS["secret_access_key"])
    for text in (response.content.decode(), status.content.decode(), stored.secret_encrypted, caplog.text):
        assert not any(secret in text for secret in secrets)
    action = CloudAction.objects.get(organization=acme.organization)
    assert (action.username, action.action, action.succeeded) == ("acme-admin", "connect", True)


@pytest.mark.parametrize("role", ["analyst", "viewer"])
def test_it_lets_only_admins_connect(acme, role):
    response = api_client(getattr(acme, role)).post(f"{ROOT}/connect", KEYS, format="json")
    assert response.status_code == 403
    assert not CloudCredential.objects.exists()


def test_it_refuses_a_profile_instead_of_keys(acme):
    response = api_client(acme.admin).post(f"{ROOT}/connect", {"profile": "DEFAULT"}, format="json")
    assert response.status_code == 400
    assert {"access_key_id", "secret_access_key"} <= set(response.json()["fields"])


def test_it_refuses_a_region_aws_does_not_have_and_keys_that_cannot_be_keys(acme):
    response = api_client(acme.admin).post(f"{ROOT}/connect", {"region": "aa-a-0", "access_key_id": "AKIA\nX",
                                                               "secret_access_key": "two words"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"region", "access_key_id", "secret_access_key"}
    assert not CloudCredential.objects.exists()


def test_it_never_uses_credentials_of_the_server(acme, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIASERVERWIDE000000")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "server-wide-secret")
    assert api_client(acme.admin).get(f"{ROOT}/status").json()["connected"] is False
    account = aws.Account(KEYS)
    assert account._session.get_credentials().access_key == KEYS["access_key_id"]


def test_it_lists_instances_in_the_contract_shape_linked_to_their_collectors(acme):
    web = launch("t3.micro", "web-1")
    db = launch("m5.large", "db-1")
    now = timezone.now()
    # The agent on web-1 registered with its private IP and sends samples.
    web_collector = collector_make(acme.organization, name="web", ip_address=web["PrivateIpAddress"],
                                   last_contact_at=now, last_seen=now)
    # db-1's agent reported its host name long ago and has a price entered by hand.
    db_host = db["PrivateDnsName"].split(".")[0]
    db_collector = collector_make(acme.organization, name="db", hostname=db_host, hourly_cost=Decimal("0.5"),
                                  last_contact_at=now - timedelta(days=2), last_seen=now - timedelta(days=2))
    connect(acme)

    response = api_client(acme.viewer).get(f"{ROOT}/instances")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    listed = {instance["id"]: instance for instance in body["instances"]}
    assert all(set(instance) == INSTANCE_FIELDS for instance in listed.values())
    first = listed[web["InstanceId"]]
    assert {k: first[k] for k in ("name", "provider", "region", "type", "instanceType", "status", "privateIp", "os",
                                  "cpuCores", "memoryGB", "pccInstalled", "pccVersion", "collectionStatus",
                                  "collectorId", "tags", "vpcId", "subnetId", "dailyCostStopped", "costCurrency",
                                  "costIsEstimate", "priceTable")} == {
        "name": "web-1", "provider": "aws", "region": REGION, "type": "vm", "instanceType": "t3.micro",
        "status": "running", "privateIp": web["PrivateIpAddress"], "os": "Linux", "cpuCores": 2, "memoryGB": 1,
        "pccInstalled": True, "pccVersion": None, "collectionStatus": "collecting",
        "collectorId": str(web_collector.uuid), "tags": {"Name": "web-1"}, "vpcId": web["VpcId"],
        "subnetId": web["SubnetId"], "dailyCostStopped": 0.0, "costCurrency": "USD", "costIsEstimate": True,
        "priceTable": "aws-2026-11"}
    assert first["location"] == f"AWS {web['Placement']['AvailabilityZone']}"
    assert first["dailyCostRunning"] == round(0.0104 * 24, 2) == 0.25
    second = listed[db["InstanceId"]]
    assert (second["collectorId"], second["pccInstalled"], second["collectionStatus"]) == (
        str(db_collector.uuid), True, "idle")
    assert second["dailyCostRunning"] == round(0.096 * 24, 2)
    # Linking filled the empty price from the table and left the hand-entered one alone.
    web_collector.refresh_from_db()
    db_collector.refresh_from_db()
    assert (web_collector.hourly_cost, web_collector.instance_type, web_collector.cloud_provider) == (
        Decimal("0.0104"), "t3.micro", "aws")
    assert db_collector.hourly_cost == Decimal("0.5")


def test_it_lists_regions(acme):
    connect(acme)
    regions = api_client(acme.viewer).get(f"{ROOT}/regions").json()["regions"]
    assert {"id": REGION, "name": REGION} in regions and len(regions) > 10


def listed_instance(team, region: str = REGION) -> str:
    instance = launch(region=region)
    connect(team, {**KEYS, "region": region})
    api_client(team.viewer).get(f"{ROOT}/instances")
    return instance["InstanceId"]


def ec2_state(instance_id: str, region: str = REGION) -> str:
    return ec2(region).describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]["State"]["Name"]


def test_it_stops_and_starts_for_admins_and_audits_both(acme):
    instance_id = listed_instance(acme)
    admin = api_client(acme.admin)
    stop = admin.post(f"{ROOT}/instances/{instance_id}/stop")
    assert stop.status_code == 200
    assert stop.json() == {"success": True, "message": f"Instance {instance_id}: stop requested", "state": "stopping"}
    assert admin.get(f"{ROOT}/instances/{instance_id}/status").json() == {"success": True, "state": "stopped",
                                                                          "name": "web-1"}
    assert admin.post(f"{ROOT}/instances/{instance_id}/start").json()["state"] == "pending"
    assert ec2_state(instance_id) == "running"
    audit = CloudAction.objects.filter(organization=acme.organization, instance_id=instance_id).order_by("pk")
    assert [(a.action, a.username, a.provider, a.succeeded) for a in audit] == [
        ("stop", "acme-admin", "aws", True), ("start", "acme-admin", "aws", True)]


@pytest.mark.parametrize("role", ["analyst", "viewer"])
def test_it_lets_only_admins_start_and_stop(acme, role):
    instance_id = listed_instance(acme)
    client = api_client(getattr(acme, role))
    for action in ("stop", "start"):
        assert client.post(f"{ROOT}/instances/{instance_id}/{action}").status_code == 403
    assert ec2_state(instance_id) == "running"
    assert not CloudAction.objects.exclude(action="connect").exists()


def test_it_acts_on_an_instance_in_the_region_it_was_listed_in(acme):
    elsewhere = launch(region="us-west-2")["InstanceId"]
    connect(acme)  # default region eu-west-1
    listed = api_client(acme.viewer).get(f"{ROOT}/instances", {"region": "us-west-2"}).json()["instances"]
    assert [(i["id"], i["region"]) for i in listed] == [(elsewhere, "us-west-2")]
    admin = api_client(acme.admin)
    assert admin.post(f"{ROOT}/instances/{elsewhere}/stop").json()["state"] == "stopping"
    assert admin.get(f"{ROOT}/instances/{elsewhere}/status").json()["state"] == "stopped"
    assert ec2_state(elsewhere, "us-west-2") == "stopped"


def test_it_answers_404_for_an_instance_of_another_organization(acme):
    globex = team_make("globex")
    # moto has one account: globex's instance in a region acme's listing does not cover.
    globex_instance = listed_instance(globex, region="us-east-1")
    connect(acme)
    admin = api_client(acme.admin)
    for method, action in (("post", "stop"), ("post", "start"), ("get", "status"), ("post", "deploy-pcc"),
                           ("get", "validate-pcc")):
        response = getattr(admin, method)(f"{ROOT}/instances/{globex_instance}/{action}")
        assert (response.status_code, response.json()) == (404, {"error": "Instance not found"}), action
    assert ec2_state(globex_instance, "us-east-1") == "running"
    assert not Collector.objects.filter(organization=acme.organization).exists()


def test_it_answers_404_when_aws_no_longer_knows_the_instance(acme):
    instance_id = listed_instance(acme)
    moto_forgets = "i-0000000000000dead"  # a listed id AWS does not know (any more)
    CloudInstance.objects.filter(instance_id=instance_id).update(instance_id=moto_forgets)
    response = api_client(acme.admin).post(f"{ROOT}/instances/{moto_forgets}/stop")
    assert (response.status_code, response.json()) == (404, {"success": False, "error": "Instance not found"})
    action = CloudAction.objects.get(action="stop")
    assert not action.succeeded and "InstanceUnknown" in action.outcome


def test_it_deploys_pcc_as_a_collector_and_key_and_claims_only_what_the_data_says(acme):
    instance_id = listed_instance(acme)
    admin = api_client(acme.admin)
    assert api_client(acme.analyst).post(f"{ROOT}/instances/{instance_id}/deploy-pcc").status_code == 403

    first = admin.post(f"{ROOT}/instances/{instance_id}/deploy-pcc").json()
    collector = Collector.objects.get(uuid=first["collector_id"])
    assert (collector.name, collector.hourly_cost) == ("web-1", Decimal("0.0104"))
    assert first["collector_created"] is True and first["pcc_installed"] is False and first["pcc_version"] is None
    assert first["install_command"] == f"curl -s http://testserver/install.sh | API_KEY={first['api_key']} bash"
    assert api_key_authenticate(first["api_key"]).collector_id == collector.pk

    again = admin.post(f"{ROOT}/instances/{instance_id}/deploy-pcc").json()
    assert again["collector_id"] == first["collector_id"] and again["collector_created"] is False
    assert again["api_key"] != first["api_key"] and api_key_authenticate(again["api_key"]).collector_id == collector.pk
    assert api_key_authenticate(first["api_key"]) is not None  # the agent already installed keeps working

    validate = f"{ROOT}/instances/{instance_id}/validate-pcc"
    assert admin.get(validate).json() == {"success": True, "pcc_installed": False, "pcc_running": False,
                                          "pcc_version": None, "collector_id": str(collector.uuid),
                                          "last_contact": None}
    Collector.objects.filter(pk=collector.pk).update(last_contact_at=timezone.now())
    assert api_client(acme.viewer).get(validate).json()["pcc_installed"] is True
    assert admin.get(validate).json()["pcc_running"] is False  # no sample yet
    Collector.objects.filter(pk=collector.pk).update(last_seen=timezone.now())
    assert admin.get(validate).json()["pcc_running"] is True
    listed = admin.get(f"{ROOT}/instances").json()["instances"][0]
    assert (listed["pccInstalled"], listed["collectionStatus"]) == (True, "collecting")
    assert [a.action for a in CloudAction.objects.order_by("pk")] == ["connect", "deploy-pcc", "deploy-pcc"]


def test_it_forgets_the_credentials_on_disconnect(acme):
    connect(acme)
    assert api_client(acme.viewer).post(f"{ROOT}/disconnect").status_code == 403
    response = api_client(acme.admin).post(f"{ROOT}/disconnect")
    assert response.json() == {"success": True, "message": "Credentials removed."}
    assert not CloudCredential.objects.exists()
    assert api_client(acme.admin).get(f"{ROOT}/status").json()["connected"] is False
    assert [a.action for a in CloudAction.objects.order_by("pk")] == ["connect", "disconnect"]

