"""The one small interface every cloud module (aws.py, oci.py, azure.py) implements, and
the errors they raise instead of their SDK's.

    account = provider.Account(credentials)      built from stored values only
    account.identity() -> dict                   who the credentials are (account id, tenancy name)
    account.locations() -> list[dict]            regions (AWS) or compartments (OCI)
    account.instances(location=None) -> list[ProviderInstance]
    account.start(instance_id, region) -> str    the provider's state word after the call
    account.stop(instance_id, region) -> str
    account.state(instance_id, region) -> (state, name)  the provider's own word, the name

`region` is the one the instance was listed in (AWS asks that region; OCI's region is the
credentials' and Azure's calls name no region, so they ignore it).

Every SDK client is made from the organization's stored credentials, never from profile
files, the environment or instance metadata, with bounded timeouts and retries
(XAT_CLOUD_TIMEOUT_SECONDS).
"""

from dataclasses import dataclass, field


class CloudError(Exception):
    """A provider call failed; `reason` is safe to log (no secret, no provider text)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class CredentialsRejected(CloudError):
    """The provider refused the credentials (or they cannot be used at all): 400."""


class InstanceUnknown(CloudError):
    """The provider knows no such instance in this account: 404."""


class ProviderUnreachable(CloudError):
    """No answer in time (connection refused, timeout): 503."""


class ProviderFailed(CloudError):
    """The provider answered with an error of its own: 502."""


@dataclass
class ProviderInstance:
    """An instance as listed, in provider-neutral terms (Appendix A's fields, D.8's sources)."""

    id: str
    name: str
    region: str
    location: str
    instance_type: str
    status: str  # running, stopped, starting, stopping, unknown
    public_ip: str | None
    private_ip: str | None
    os: str
    cpu_cores: int | None
    memory_gb: float | None
    tags: dict
    # Provider-specific placement fields (compartmentId; vpcId, subnetId; resourceGroup).
    placement: dict = field(default_factory=dict)
    # Names the agent could report as its hostname (computer name, private DNS name).
    hostnames: tuple[str, ...] = ()
