"""The three providers faked at once, for tests that walk the whole API (the OpenAPI answer
check, the fuzz suite), so that no request leaves the machine: AWS in moto, OCI and Azure
by the local fakes of tests/cloud/fakes.py.

    with faked_providers(directory=tmp_path):          # any request to /api/v1/cloud/...
        ...
    with cloud_cases(team=world.team, directory=tmp_path) as cases:
        for client, method, path, body in cases: ...   # send them inside the block

cloud_cases: every cloud operation once, answering 2xx, for an organization connected to
the three and its instances listed: reads first, then start/stop, deploy-pcc, connect
again, and disconnect; the audit of it all last.
"""

import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import boto3
from django.test import override_settings
from moto import mock_aws

from tests.cloud.fakes import AZURE_CREDENTIALS, AZURE_VM, OCI_CREDENTIALS, OCI_INSTANCE, azure_fake, oci_fake
from tests.personas import api_client

AWS_REGION = "eu-west-1"
AWS_KEYS = {"access_key_id": "AKIAXATSCHEMA0000001", "secret_access_key": "schema/secret", "region": AWS_REGION}
CREDENTIALS = {"aws": AWS_KEYS, "oci": OCI_CREDENTIALS, "azure": AZURE_CREDENTIALS}
LOCATIONS = {"aws": "regions", "oci": "compartments"}


@contextmanager
def _environment(**variables) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextmanager
def faked_providers(*, directory) -> Iterator[None]:
    with ExitStack() as stack:
        stack.enter_context(mock_aws())
        oci, azure = stack.enter_context(oci_fake()), stack.enter_context(azure_fake(directory))
        stack.enter_context(override_settings(XAT_CLOUD_OCI_ENDPOINT=oci.url, XAT_CLOUD_AZURE_ENDPOINT=azure.url))
        stack.enter_context(_environment(REQUESTS_CA_BUNDLE=azure.certificate))
        yield


@contextmanager
def cloud_cases(*, team, directory) -> Iterator[list[tuple]]:
    with faked_providers(directory=directory):
        aws_instance = boto3.client("ec2", region_name=AWS_REGION, aws_access_key_id="AKIAOTHER",
                                    aws_secret_access_key="other").run_instances(
            ImageId="ami-12345678", MinCount=1, MaxCount=1, InstanceType="t3.micro")["Instances"][0]["InstanceId"]
        admin, viewer = api_client(team.admin), api_client(team.viewer)
        instances = {"aws": aws_instance, "oci": OCI_INSTANCE, "azure": AZURE_VM}
        for provider, credentials in CREDENTIALS.items():
            assert admin.post(f"/api/v1/cloud/{provider}/connect", credentials, format="json").status_code == 200
        cases = []
        for provider, instance in instances.items():
            root = f"/api/v1/cloud/{provider}"
            cases += [(viewer, "GET", f"{root}/status", None), (viewer, "GET", f"{root}/instances", None),
                      *([(viewer, "GET", f"{root}/{LOCATIONS[provider]}", None)] if provider in LOCATIONS else []),
                      (viewer, "GET", f"{root}/instances/{instance}/status", None),
                      (viewer, "GET", f"{root}/instances/{instance}/validate-pcc", None),
                      (admin, "POST", f"{root}/instances/{instance}/stop", None),
                      (admin, "POST", f"{root}/instances/{instance}/start", None),
                      (admin, "POST", f"{root}/instances/{instance}/deploy-pcc", None),
                      (admin, "POST", f"{root}/connect", CREDENTIALS[provider]),
                      (admin, "POST", f"{root}/disconnect", None)]
        cases.append((admin, "GET", "/api/v1/cloud/audit", None))
        yield cases
