"""OCI through the `oci` SDK (contract Appendix D.7, OCI column), from stored values only.

The SDK's config dict is built from the organization's credentials (the private key as
`key_content`), never read from ~/.oci/config; no instance or resource principals.
"""

import logging

import oci
from django.conf import settings
from oci.exceptions import ClientError as OciClientError
from oci.exceptions import RequestException, ServiceError
from oci.pagination import list_call_get_all_results

from metrics.cloud.providers import (
    CloudError,
    CredentialsRejected,
    InstanceUnknown,
    ProviderFailed,
    ProviderInstance,
    ProviderUnreachable,
)

logger = logging.getLogger(__name__)
PROVIDER = "oci"
SECRET_FIELDS = ("user_id", "fingerprint", "private_key", "passphrase")
IDENTIFIER_FIELDS = ("tenancy_id", "region")
# OCI lifecycle state -> the Instance object's status (D.8).
STATUSES = {"RUNNING": "running", "STOPPED": "stopped", "STARTING": "starting", "STOPPING": "stopping",
            "TERMINATED": "stopped", "TERMINATING": "stopping"}
# Graceful: OCI's STOP is an immediate power-off (the reference's choice, D.7).
STOP_ACTION = "SOFTSTOP"


def _translated(error: Exception) -> CloudError:
    if isinstance(error, ServiceError):
        if error.status in (401, 403):
            return CredentialsRejected(f"oci {error.status} {error.code}")
        if error.status == 404:
            return InstanceUnknown(f"oci 404 {error.code}")
        return ProviderFailed(f"oci {error.status} {error.code}")
    if isinstance(error, RequestException):
        return ProviderUnreachable(f"oci {type(error).__name__}")
    return CredentialsRejected(f"oci {type(error).__name__}")


class Account:
    def __init__(self, credentials: dict):
        self.tenancy_id = credentials["tenancy_id"]
        self.region = credentials["region"]
        self._config = {"user": credentials["user_id"], "fingerprint": credentials["fingerprint"],
                        "tenancy": self.tenancy_id, "region": self.region, "key_content": credentials["private_key"],
                        "pass_phrase": credentials.get("passphrase") or None}

    def _client(self, client_class):
        timeout = settings.XAT_CLOUD_TIMEOUT_SECONDS
        options = {"timeout": (timeout, timeout), "retry_strategy": oci.retry.NoneRetryStrategy()}
        if settings.XAT_CLOUD_OCI_ENDPOINT:
            options["service_endpoint"] = settings.XAT_CLOUD_OCI_ENDPOINT
        try:
            return client_class(self._config, **options)
        except (OciClientError, ValueError, TypeError) as error:  # a malformed OCID, fingerprint or key
            raise CredentialsRejected(f"oci {type(error).__name__}") from None

    def _call(self, client_class, operation: str, *args, every_page: bool = False, **params):
        method = getattr(self._client(client_class), operation)
        try:
            return (list_call_get_all_results(method, *args, **params) if every_page else method(*args, **params)).data
        except (ServiceError, RequestException, OciClientError) as error:
            raise _translated(error) from None

    def identity(self) -> dict:
        tenancy = self._call(oci.identity.IdentityClient, "get_tenancy", self.tenancy_id)
        return {"tenancy_name": tenancy.name, "tenancy_id": self.tenancy_id, "region": self.region}

    def locations(self) -> list[dict]:
        root = {"id": self.tenancy_id, "name": "root", "description": "Root compartment"}
        children = self._call(oci.identity.IdentityClient, "list_compartments", self.tenancy_id, every_page=True,
                              compartment_id_in_subtree=True, lifecycle_state="ACTIVE")
        return [root, *({"id": c.id, "name": c.name, "description": c.description} for c in children)]

    def instances(self, location: str | None = None) -> list[ProviderInstance]:
        if location:
            return self._compartment_instances(location)
        found = []
        for compartment in self.locations():
            try:
                found += self._compartment_instances(compartment["id"])
            except InstanceUnknown:
                # OCI answers 404 for a compartment the user may not read: list the others.
                logger.info("oci compartment %s not readable: skipped", compartment["id"])
        return found

    def _compartment_instances(self, compartment_id: str) -> list[ProviderInstance]:
        listed = self._call(oci.core.ComputeClient, "list_instances", compartment_id, every_page=True)
        return [self._instance(raw, *self._addresses(raw)) for raw in listed]

    def _addresses(self, raw) -> tuple[str | None, str | None]:
        """(public IP, private IP) of the instance's primary VNIC."""
        attachments = self._call(oci.core.ComputeClient, "list_vnic_attachments", raw.compartment_id, every_page=True,
                                 instance_id=raw.id)
        for attachment in attachments:
            if attachment.lifecycle_state != "ATTACHED":
                continue
            vnic = self._call(oci.core.VirtualNetworkClient, "get_vnic", attachment.vnic_id)
            if vnic.is_primary:
                return vnic.public_ip, vnic.private_ip
        return None, None

    def _instance(self, raw, public_ip: str | None, private_ip: str | None) -> ProviderInstance:
        shape = raw.shape_config
        return ProviderInstance(
            id=raw.id, name=raw.display_name, region=self.region, location=f"OCI {raw.availability_domain}",
            instance_type=raw.shape, status=STATUSES.get(raw.lifecycle_state, "unknown"), public_ip=public_ip,
            private_ip=private_ip, os="Linux",
            # OCPUs, not vCPUs (an x86 OCPU is two vCPUs), as the reference reports them.
            cpu_cores=int(shape.ocpus) if shape and shape.ocpus else None,
            memory_gb=int(shape.memory_in_gbs) if shape and shape.memory_in_gbs else None,
            tags=dict(raw.freeform_tags or {}), placement={"compartmentId": raw.compartment_id},
            hostnames=(raw.display_name,),
        )

    def start(self, instance_id: str, region: str) -> str:
        self._call(oci.core.ComputeClient, "instance_action", instance_id, "START")
        return "STARTING"

    def stop(self, instance_id: str, region: str) -> str:
        self._call(oci.core.ComputeClient, "instance_action", instance_id, STOP_ACTION)
        return "STOPPING"

    def state(self, instance_id: str, region: str) -> tuple[str, str]:
        raw = self._call(oci.core.ComputeClient, "get_instance", instance_id)
        return raw.lifecycle_state, raw.display_name
