"""Two listings of the same organization at once (two browser tabs, status and instances)
record each instance once, and the second does not fail on the first's insert."""

import threading
import time

import boto3
import pytest
from django.db import connection, connections
from django.utils import timezone
from moto import mock_aws

from metrics.cloud.credentials import cloud_credential_save
from metrics.cloud.inventory import cloud_instances_list
from metrics.cloud.models import CloudInstance
from tests.cloud.openapi_cases import AWS_KEYS, AWS_REGION
from tests.conftest import another_session
from tests.personas import team_make


def _waiting_for_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'transactionid' AND NOT granted")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_it_takes_the_instance_another_listing_is_recording():
    """Another session plays the first listing: it has inserted the instance's row and not
    committed yet when this listing records the same instance."""
    acme = team_make("acme")
    with mock_aws():
        instance_id = boto3.client("ec2", region_name=AWS_REGION, aws_access_key_id="AKIAOTHER",
                                   aws_secret_access_key="other").run_instances(
            ImageId="ami-12345678", MinCount=1, MaxCount=1, InstanceType="t3.micro")["Instances"][0]["InstanceId"]
        cloud_credential_save(organization=acme.organization, provider="aws", values=AWS_KEYS, user=acme.admin)
        first = another_session()
        outcome = []

        def second_listing():
            try:
                outcome.append(cloud_instances_list(organization=acme.organization, provider="aws"))
            except Exception as error:  # noqa: BLE001 (the test reports what it was)
                outcome.append(error)
            finally:
                connections.close_all()

        second = threading.Thread(target=second_listing)
        try:
            first.execute("INSERT INTO metrics_cloudinstance (organization_id, provider, instance_id, name, region,"
                          " instance_type, listed_at) VALUES (%s, 'aws', %s, '', '', '', %s)",
                          [acme.organization.pk, instance_id, timezone.now()])
            second.start()
            deadline = time.monotonic() + 10
            while not outcome and _waiting_for_a_lock() < 1 and time.monotonic() < deadline:
                time.sleep(0.01)
            first.commit()
        finally:
            first.close()
        second.join(20)
    assert not isinstance(outcome[0], Exception), repr(outcome[0])
    assert [instance["id"] for instance in outcome[0]] == [instance_id]
    assert CloudInstance.objects.get().instance_type == "t3.micro"
