"""AWS through boto3 (contract Appendix D.7, AWS column), from stored keys only.

The botocore session reads no shared config or credentials file, no profile and no
endpoint from the environment: the keys given are the only credentials it can use (so it
never falls back to boto3's default chain: environment, profiles, instance role).
"""

import os
from functools import cache

import boto3
import botocore.session
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from django.conf import settings

from metrics.cloud.prices import price_table
from metrics.cloud.providers import (
    CloudError,
    CredentialsRejected,
    InstanceUnknown,
    ProviderFailed,
    ProviderInstance,
    ProviderUnreachable,
)

PROVIDER = "aws"
SECRET_FIELDS = ("access_key_id", "secret_access_key")
IDENTIFIER_FIELDS = ("region",)
# EC2 state name -> the Instance object's status (D.8).
STATUSES = {"running": "running", "stopped": "stopped", "pending": "starting", "stopping": "stopping",
            "terminated": "stopped", "shutting-down": "stopping"}
_REJECTED_CODES = {"AuthFailure", "InvalidClientTokenId", "SignatureDoesNotMatch", "UnrecognizedClientException",
                   "UnauthorizedOperation", "AccessDenied", "OptInRequired"}
_UNKNOWN_INSTANCE_CODES = {"InvalidInstanceID.NotFound", "InvalidInstanceID.Malformed"}


# botocore's session variables (config name, environment variables, default, conversion)
# that would name a profile or a shared file: no environment variable, no file.
_NO_SHARED_CONFIG = {"profile": (None, None, None, None), "config_file": (None, None, os.devnull, None),
                     "credentials_file": (None, None, os.devnull, None)}


@cache
def regions() -> frozenset[str]:
    """The EC2 regions botocore knows, every partition (from its data files, no call)."""
    session = botocore.session.Session(session_vars=_NO_SHARED_CONFIG)
    return frozenset(region for partition in session.get_available_partitions()
                     for region in session.get_available_regions("ec2", partition))


def _isolated_session(credentials: dict) -> boto3.Session:
    core = botocore.session.Session(session_vars=_NO_SHARED_CONFIG)
    core.set_credentials(credentials["access_key_id"], credentials["secret_access_key"])
    return boto3.Session(botocore_session=core, region_name=credentials["region"])


def _translated(error: Exception) -> CloudError:
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        if code in _REJECTED_CODES:
            return CredentialsRejected(f"aws {code}")
        if code in _UNKNOWN_INSTANCE_CODES:
            return InstanceUnknown(f"aws {code}")
        return ProviderFailed(f"aws {code or 'error'}")
    if isinstance(error, (EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError)):
        return ProviderUnreachable(f"aws {type(error).__name__}")
    return ProviderFailed(f"aws {type(error).__name__}")


class Account:
    def __init__(self, credentials: dict):
        self.region = credentials["region"]
        self._session = _isolated_session(credentials)

    def _client(self, service: str, region: str | None = None):
        timeout = settings.XAT_CLOUD_TIMEOUT_SECONDS
        config = Config(connect_timeout=timeout, read_timeout=timeout, retries={"max_attempts": 2, "mode": "standard"},
                        ignore_configured_endpoint_urls=True)
        return self._session.client(service, region_name=region or self.region, config=config)

    def _call(self, service: str, operation: str, region: str | None = None, **params) -> dict:
        try:
            return getattr(self._client(service, region), operation)(**params)
        except (ClientError, BotoCoreError) as error:
            raise _translated(error) from None

    def identity(self) -> dict:
        return {"account_id": self._call("sts", "get_caller_identity")["Account"], "region": self.region}

    def locations(self) -> list[dict]:
        regions = self._call("ec2", "describe_regions")["Regions"]
        return [{"id": r["RegionName"], "name": r["RegionName"]} for r in sorted(regions, key=lambda r: r["RegionName"])]

    def instances(self, location: str | None = None) -> list[ProviderInstance]:
        region = location or self.region
        client = self._client("ec2", region)
        try:
            pages = list(client.get_paginator("describe_instances").paginate())
        except (ClientError, BotoCoreError) as error:
            raise _translated(error) from None
        return [_instance(raw, region) for page in pages for reservation in page["Reservations"]
                for raw in reservation["Instances"]]

    def start(self, instance_id: str, region: str) -> str:
        answer = self._call("ec2", "start_instances", region, InstanceIds=[instance_id])
        return answer["StartingInstances"][0]["CurrentState"]["Name"]

    def stop(self, instance_id: str, region: str) -> str:
        answer = self._call("ec2", "stop_instances", region, InstanceIds=[instance_id])
        return answer["StoppingInstances"][0]["CurrentState"]["Name"]

    def state(self, instance_id: str, region: str) -> tuple[str, str]:
        reservations = self._call("ec2", "describe_instances", region, InstanceIds=[instance_id])["Reservations"]
        if not reservations:
            raise InstanceUnknown("aws no reservation")
        raw = reservations[0]["Instances"][0]
        return raw["State"]["Name"], _tags(raw).get("Name", "Unnamed")


def _tags(raw: dict) -> dict:
    return {tag["Key"]: tag["Value"] for tag in raw.get("Tags", [])}


def _instance(raw: dict, region: str) -> ProviderInstance:
    tags = _tags(raw)
    vcpus, memory_gb = price_table(PROVIDER).size(raw["InstanceType"])
    cpu = raw.get("CpuOptions")
    if cpu:
        vcpus = cpu["CoreCount"] * cpu["ThreadsPerCore"]
    return ProviderInstance(
        id=raw["InstanceId"], name=tags.get("Name", "Unnamed"), region=region,
        location=f"AWS {raw.get('Placement', {}).get('AvailabilityZone', region)}", instance_type=raw["InstanceType"],
        status=STATUSES.get(raw["State"]["Name"], "unknown"), public_ip=raw.get("PublicIpAddress"),
        private_ip=raw.get("PrivateIpAddress"), os="Windows" if raw.get("Platform") == "windows" else "Linux",
        cpu_cores=vcpus, memory_gb=memory_gb, tags=tags,
        placement={"vpcId": raw.get("VpcId"), "subnetId": raw.get("SubnetId")},
        hostnames=tuple(name for name in (raw.get("PrivateDnsName", "").split(".")[0], tags.get("Name")) if name),
    )
