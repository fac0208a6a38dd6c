"""Azure through azure-mgmt-compute with azure-identity (the contract names Azure but the
reference never served it), from stored values only.

The credential is a service principal's client secret (ClientSecretCredential): never
DefaultAzureCredential, which would try the environment, managed identity and the CLI.
An instance id is "<resource group>:<vm name>", the two names every VM call needs (neither
may hold a colon), in one path segment.
"""

from azure.core.exceptions import (
    AzureError,
    ClientAuthenticationError,
    HttpResponseError,
    ResourceNotFoundError,
    ServiceRequestError,
    ServiceResponseError,
)
from azure.identity import ClientSecretCredential
from azure.mgmt.compute import ComputeManagementClient
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

PROVIDER = "azure"
SECRET_FIELDS = ("client_id", "client_secret")
IDENTIFIER_FIELDS = ("tenant_id", "subscription_id")
# The power state's code after "PowerState/" -> the Instance object's status. Deallocated
# is what "stop" makes (billing of the VM stops); "stopped" alone is still billed.
STATUSES = {"running": "running", "stopped": "stopped", "deallocated": "stopped", "starting": "starting",
            "stopping": "stopping", "deallocating": "stopping"}


def _translated(error: Exception) -> CloudError:
    if isinstance(error, ClientAuthenticationError):
        return CredentialsRejected("azure authentication")
    if isinstance(error, ResourceNotFoundError):
        return InstanceUnknown("azure not found")
    if isinstance(error, (ServiceRequestError, ServiceResponseError)):
        return ProviderUnreachable(f"azure {type(error).__name__}")
    if isinstance(error, HttpResponseError):
        if error.status_code in (401, 403):
            return CredentialsRejected(f"azure {error.status_code}")
        return ProviderFailed(f"azure {error.status_code}")
    return ProviderFailed(f"azure {type(error).__name__}")


def _split(instance_id: str) -> tuple[str, str]:
    resource_group, _, name = instance_id.partition(":")
    if not resource_group or not name:
        raise InstanceUnknown("azure instance id is not <resource group>:<vm name>")
    return resource_group, name


def _power_state(instance_view) -> str:
    codes = [status.code for status in (instance_view.statuses if instance_view else None) or []]
    return next((code.split("/", 1)[1] for code in codes if code and code.startswith("PowerState/")), "unknown")


class Account:
    def __init__(self, credentials: dict):
        self.subscription_id = credentials["subscription_id"]
        self.tenant_id = credentials["tenant_id"]
        timeout = settings.XAT_CLOUD_TIMEOUT_SECONDS
        transport = {"connection_timeout": timeout, "read_timeout": timeout, "retry_total": 1}
        override = settings.XAT_CLOUD_AZURE_ENDPOINT
        identity_options = {"authority": override, "disable_instance_discovery": True} if override else {}
        try:
            credential = ClientSecretCredential(self.tenant_id, credentials["client_id"], credentials["client_secret"],
                                                **identity_options, **transport)
        except ValueError:  # a malformed tenant id
            raise CredentialsRejected("azure tenant id") from None
        self._compute = ComputeManagementClient(credential, self.subscription_id, **transport,
                                                **({"base_url": override} if override else {}))

    def _call(self, operation):
        try:
            return operation()
        except AzureError as error:
            raise _translated(error) from None

    def identity(self) -> dict:
        # No subscription API in azure-mgmt-compute: listing the VMs proves the credentials.
        self._call(lambda: next(iter(self._compute.virtual_machines.list_all()), None))
        return {"tenant_id": self.tenant_id, "subscription_id": self.subscription_id}

    def instances(self, location: str | None = None) -> list[ProviderInstance]:
        machines = self._compute.virtual_machines
        listing = (lambda: list(machines.list(location, expand="instanceView"))) if location else (
            lambda: list(machines.list_all(expand="instanceView")))
        return [_instance(raw) for raw in self._call(listing)]

    def start(self, instance_id: str, region: str) -> str:
        self._call(lambda: self._compute.virtual_machines.begin_start(*_split(instance_id), polling=False))
        return "starting"

    def stop(self, instance_id: str, region: str) -> str:
        self._call(lambda: self._compute.virtual_machines.begin_deallocate(*_split(instance_id), polling=False))
        return "deallocating"

    def state(self, instance_id: str, region: str) -> tuple[str, str]:
        resource_group, name = _split(instance_id)
        view = self._call(lambda: self._compute.virtual_machines.instance_view(resource_group, name))
        return _power_state(view), name


def _instance(raw) -> ProviderInstance:
    resource_group = raw.id.split("/resourceGroups/", 1)[1].split("/", 1)[0]
    size = raw.hardware_profile.vm_size if raw.hardware_profile else ""
    size = getattr(size, "value", size)  # the SDK makes a known size an enum member
    vcpus, memory_gb = price_table(PROVIDER).size(size)
    os_disk = raw.storage_profile.os_disk if raw.storage_profile else None
    computer_name = raw.os_profile.computer_name if raw.os_profile else None
    return ProviderInstance(
        id=f"{resource_group}:{raw.name}", name=raw.name, region=raw.location,
        location=f"Azure {raw.location}" + (f" zone {raw.zones[0]}" if raw.zones else ""), instance_type=size,
        status=STATUSES.get(_power_state(raw.instance_view), "unknown"),
        # The addresses belong to the VM's network interfaces (another API, azure-mgmt-network).
        public_ip=None, private_ip=None,
        os="Windows" if os_disk is not None and str(os_disk.os_type).lower().endswith("windows") else "Linux",
        cpu_cores=vcpus, memory_gb=memory_gb, tags=dict(raw.tags or {}),
        placement={"resourceGroup": resource_group}, hostnames=tuple(n for n in (computer_name, raw.name) if n),
    )
