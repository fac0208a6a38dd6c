"""Cloud inventories: what the cloud endpoints (apis.py) call.

    cloud_status(*, organization, provider) -> dict
    cloud_connect(*, organization, provider, values, user) -> dict       (admin; audited)
    cloud_disconnect(*, organization, provider, user) -> bool            (admin; audited)
    cloud_locations(*, organization, provider) -> list[dict]             (regions, compartments)
    cloud_instances_list(*, organization, provider, location=None) -> list[dict]
    cloud_instance_power(*, instance, action, user) -> str               (start/stop; admin; audited)
    cloud_instance_state(*, instance) -> (state, name)
    cloud_pcc_deploy(*, instance, user) -> (collector, key, created, facts)  (admin; audited)
    cloud_pcc_validate(*, instance) -> PccFacts
    cloud_audit_list(*, organization, provider=None) -> QuerySet   (CloudAction, newest first)

Each listing records the instances it returned (CloudInstance): the instance endpoints
take only those ids, so another organization's instance answers 404 before any provider
call. A listing forgets the provider's instances that no listing returned for
XAT_CLOUD_INSTANCE_KEEP_DAYS (terminated, or in a location not listed since), and a
disconnect all of them: the table holds what the organization's listings still show. An instance's collector is the one deploy-pcc made for it, else the organization's
collector whose agent reported the instance's private IP or one of its host names at
registration. Whether pcc is installed and collecting is what that collector's data says
(its agent's last contact, its newest sample), never a flag.

When an instance gets its collector, the collector's empty `hourly_cost` (and its
provider, region and instance type) are filled from the price table (prices.py): a price
entered by hand is never replaced.
"""

from datetime import datetime, timedelta
from typing import NotRequired, TypedDict

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.keys import api_key_create_for_collector
from metrics.cloud.credentials import cloud_credential_delete, cloud_credential_save, cloud_credential_values
from metrics.cloud.models import CloudAction, CloudInstance
from metrics.cloud.prices import daily_cost, price_table
from metrics.cloud.providers import CloudError, ProviderInstance
from metrics.cloud.registry import provider_module
from metrics.collectors import collector_create_with_key, collector_last_contact, collector_status
from metrics.models import Collector

class NotConnected(CloudError):
    """The organization stored no credentials for this provider: 409."""


class Instance(TypedDict):
    """Appendix A's Instance object, plus where its pcc facts and price come from."""

    id: str
    name: str
    provider: str
    region: str
    location: str
    type: str
    instanceType: str
    status: str  # running, stopped, starting, stopping, unknown
    ipAddress: str | None
    privateIp: str | None
    os: str
    cpuCores: int | None
    memoryGB: float | None
    pccInstalled: bool  # its collector's agent has contacted XAT
    pccVersion: str | None  # always null: pcc does not report its version
    collectionStatus: str  # collecting (a sample within XAT_STALE_AFTER_SECONDS) or idle
    collectorId: str | None
    lastContact: datetime | None
    tags: dict[str, str]
    compartmentId: NotRequired[str]  # OCI
    vpcId: NotRequired[str | None]  # AWS
    subnetId: NotRequired[str | None]  # AWS
    resourceGroup: NotRequired[str]  # Azure
    dailyCostRunning: float
    dailyCostStopped: float
    costCurrency: str
    costIsEstimate: bool
    priceTable: str  # the price table's file, e.g. aws-2026-11


class PccFacts(TypedDict):
    pcc_installed: bool
    pcc_running: bool
    pcc_version: str | None
    collector_id: str | None
    last_contact: datetime | None


def _account(*, organization, provider: str):
    values = cloud_credential_values(organization=organization, provider=provider)
    if values is None:
        raise NotConnected(f"{provider} not connected")
    return provider_module(provider).Account(values)


def _audit(*, organization, user, provider: str, action: str, instance_id: str = "", error: CloudError | None = None):
    CloudAction.objects.create(organization=organization, user=user, username=user.get_username(), provider=provider,
                               action=action, instance_id=instance_id, succeeded=error is None,
                               outcome="" if error is None else f"{type(error).__name__}: {error.reason}"[:200])


def cloud_status(*, organization, provider: str) -> dict:
    account = _account(organization=organization, provider=provider)
    identity = account.identity()
    instances = cloud_instances_list(organization=organization, provider=provider, account=account)
    return {"available": True, "connected": True, **identity, "instance_count": len(instances)}


def cloud_connect(*, organization, provider: str, values: dict, user) -> dict:
    """Checks the credentials with the provider, then stores them (encrypted)."""
    try:
        account = provider_module(provider).Account(values)
        identity = account.identity()
    except CloudError as error:
        _audit(organization=organization, user=user, provider=provider, action="connect", error=error)
        raise
    cloud_credential_save(organization=organization, provider=provider, values=values, user=user)
    _audit(organization=organization, user=user, provider=provider, action="connect")
    instances = cloud_instances_list(organization=organization, provider=provider, account=account)
    return {"success": True, **identity, "instance_count": len(instances)}


def cloud_disconnect(*, organization, provider: str, user) -> bool:
    deleted = cloud_credential_delete(organization=organization, provider=provider)
    CloudInstance.objects.filter(organization=organization, provider=provider).delete()
    _audit(organization=organization, user=user, provider=provider, action="disconnect")
    return deleted


def cloud_locations(*, organization, provider: str) -> list[dict]:
    return _account(organization=organization, provider=provider).locations()


def cloud_instances_list(*, organization, provider: str, location: str | None = None, account=None) -> list[Instance]:
    """The instances as Appendix A's Instance objects, recorded with their collector links."""
    account = account or _account(organization=organization, provider=provider)
    listed = account.instances(location)
    rows = _instances_record(organization=organization, provider=provider, listed=listed)
    table = price_table(provider)
    return [_instance_dict(instance, rows[instance.id], provider=provider, table=table) for instance in listed]


@transaction.atomic
def _instances_record(*, organization, provider: str, listed: list[ProviderInstance]) -> dict[str, CloudInstance]:
    now = timezone.now()
    rows = {}
    for instance in listed:
        # Locked, so that a listing at the same time (or deploy-pcc) waits, and inserted
        # through get_or_create, which takes the row another listing inserted meanwhile.
        row, _ = CloudInstance.objects.select_for_update().get_or_create(
            organization=organization, provider=provider, instance_id=instance.id, defaults={"listed_at": now})
        row.name, row.region, row.instance_type = instance.name[:255], instance.region[:64], instance.instance_type[:64]
        row.private_ip, row.listed_at = instance.private_ip, now
        if row.collector_id is None:
            row.collector = _collector_matching(organization=organization, instance=instance)
            if row.collector is not None:
                _collector_price_fill(collector=row.collector, provider=provider, instance_type=instance.instance_type,
                                      region=instance.region)
        row.save()
        rows[instance.id] = row
    CloudInstance.objects.filter(organization=organization, provider=provider,
                                 listed_at__lt=now - timedelta(days=settings.XAT_CLOUD_INSTANCE_KEEP_DAYS)).delete()
    return rows


def _collector_matching(*, organization, instance: ProviderInstance) -> Collector | None:
    """The organization's collector, not yet linked to an instance, whose agent reported
    this instance's private IP or one of its host names."""
    match = Q(hostname__in=[name for name in instance.hostnames if name])
    if instance.private_ip:
        match |= Q(ip_address=instance.private_ip)
    linked = CloudInstance.objects.filter(organization=organization, collector__isnull=False).values("collector_id")
    return (Collector.objects.filter(match, organization=organization).exclude(pk__in=linked)
            .order_by("-last_contact_at", "pk").first())


def _collector_price_fill(*, collector: Collector, provider: str, instance_type: str, region: str) -> None:
    fields = {"cloud_provider": provider, "instance_type": instance_type, "region": region}
    changed = {name: value for name, value in fields.items() if not getattr(collector, name)}
    if collector.hourly_cost is None:
        changed["hourly_cost"] = price_table(provider).hourly(instance_type)
    if changed:
        Collector.objects.filter(pk=collector.pk).update(**changed)


def _pcc_facts(collector: Collector | None) -> dict:
    """What the linked collector's data says about pcc on the instance."""
    if collector is None:
        return {"pccInstalled": False, "pccVersion": None, "collectionStatus": "idle", "collectorId": None,
                "lastContact": None}
    last_contact = collector_last_contact(collector=collector)
    return {"pccInstalled": last_contact is not None, "pccVersion": None,
            "collectionStatus": "collecting" if collector_status(collector=collector) == "active" else "idle",
            "collectorId": str(collector.uuid), "lastContact": last_contact}


def _instance_dict(instance: ProviderInstance, row: CloudInstance, *, provider: str, table) -> Instance:
    return {
        "id": instance.id, "name": instance.name, "provider": provider, "region": instance.region,
        "location": instance.location, "type": "vm", "instanceType": instance.instance_type, "status": instance.status,
        "ipAddress": instance.public_ip, "privateIp": instance.private_ip, "os": instance.os,
        "cpuCores": instance.cpu_cores, "memoryGB": instance.memory_gb,
        **_pcc_facts(row.collector), "tags": instance.tags, **instance.placement,
        "dailyCostRunning": daily_cost(table.hourly(instance.instance_type)), "dailyCostStopped": 0.0,
        "costCurrency": table.currency, "costIsEstimate": True, "priceTable": table.name,
    }


def cloud_instance_power(*, instance: CloudInstance, action: str, user) -> str:
    """action "start" or "stop": the provider's state word after the call."""
    try:
        account = _account(organization=instance.organization, provider=instance.provider)
        state = getattr(account, action)(instance.instance_id, instance.region)
    except CloudError as error:
        _audit(organization=instance.organization, user=user, provider=instance.provider, action=action,
               instance_id=instance.instance_id, error=error)
        raise
    _audit(organization=instance.organization, user=user, provider=instance.provider, action=action,
           instance_id=instance.instance_id)
    return state


def cloud_instance_state(*, instance: CloudInstance) -> tuple[str, str]:
    account = _account(organization=instance.organization, provider=instance.provider)
    return account.state(instance.instance_id, instance.region)


@transaction.atomic
def cloud_pcc_deploy(*, instance: CloudInstance, user) -> tuple[Collector, str, bool, PccFacts]:
    """The instance's collector (made now, or the one linked) and a new agent key for it:
    (collector, the key's secret, whether the collector is new, what its data says).
    Installs nothing."""
    # Locked: a second deploy-pcc (or a listing linking a collector) waits for this one.
    instance = (CloudInstance.objects.select_for_update(of=("self",)).select_related("organization", "collector")
                .get(pk=instance.pk))
    created = instance.collector is None
    if created:
        collector, raw_key = collector_create_with_key(
            organization=instance.organization, created_by=user, name=_free_collector_name(instance),
            description=f"{instance.provider} instance {instance.instance_id}",
        )
        instance.collector = collector
        instance.save(update_fields=["collector"])
        _collector_price_fill(collector=collector, provider=instance.provider, instance_type=instance.instance_type,
                              region=instance.region)
    else:
        collector = instance.collector
        _, raw_key = api_key_create_for_collector(collector=collector)
    _audit(organization=instance.organization, user=user, provider=instance.provider, action="deploy-pcc",
           instance_id=instance.instance_id)
    return collector, raw_key, created, cloud_pcc_validate(instance=instance)


def _free_collector_name(instance: CloudInstance) -> str:
    base = (instance.name or instance.instance_id)[:150]
    taken = set(Collector.objects.filter(organization=instance.organization, name__startswith=base)
                .values_list("name", flat=True))
    return next(name for name in (base, *(f"{base} ({n})" for n in range(2, len(taken) + 3))) if name not in taken)


def cloud_pcc_validate(*, instance: CloudInstance) -> PccFacts:
    collector = instance.collector
    facts = _pcc_facts(collector)
    return {"pcc_installed": facts["pccInstalled"], "pcc_running": facts["collectionStatus"] == "collecting",
            "pcc_version": None, "collector_id": facts["collectorId"], "last_contact": facts["lastContact"]}


def cloud_audit_list(*, organization, provider: str | None = None) -> QuerySet:
    """The organization's cloud audit (connect, disconnect, start, stop, deploy-pcc), newest first."""
    actions = CloudAction.objects.filter(organization=organization)
    if provider is not None:
        actions = actions.filter(provider=provider)
    return actions.order_by("-created_at", "-id")
