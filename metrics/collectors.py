"""Collectors: selectors (reads) and services (writes).

    collector_get_for_org(*, organization, collector_id) -> Collector      (404 otherwise)
    collector_list(*, organization, status=None, tag=None, search=None, ordering=None) -> QuerySet
    collector_status(*, collector, now=None) -> "never" | "active" | "stale"
    collector_create(*, organization, **fields) -> Collector
    collector_create_with_key(*, organization, created_by, **fields) -> (Collector, key secret)
    collector_update(*, collector, **fields) -> Collector   (pcd_apikey= stored encrypted)
    collector_delete(*, collector) -> None     (its samples and aggregates too)
    collector_register(*, collector, **fields) -> Collector   (an agent describing its host)
    collector_for_agent(*, key, identifier, hostname=None) -> Collector
        raises IdentifierRefused (403) or IdentifierInvalid (400), AgentRefusals (accounts/agent_auth.py)
    collector_contact_record(*, collector_id) -> None   (an agent's request reached XAT)
    collector_last_contact(*, collector) -> datetime | None
    gib_from_bytes(size) -> Decimal | None, bytes_from_gib(gib) -> int | None

Write services raise django.core.exceptions.ValidationError({field: reason}) for a
duplicate name or identifier; the API bases answer it as 400.
"""

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from accounts.agent_auth import AgentRefusal
from accounts.keys import api_key_create_for_collector
from accounts.models import ApiKey, Organization
from metrics.ingest import CollectorGone
from metrics.models import Collector
from xat import sqlfiles
from metrics.samples import samples_delete
from xat.encryption import encrypt

STATUSES = ("never", "active", "stale")
ORDERINGS = ("id", "name", "hostname", "created_at", "last_seen", "status")
_UNIQUE_FIELDS = {"collector_name_unique": "name", "collector_identifier_unique": "identifier"}
# The name's message is the perf-dashboard contract's (§5.2); both APIs answer it.
_UNIQUE_MESSAGES = {"name": "A collector with this name already exists.",
                    "identifier": "Another collector of this organization has this identifier."}
GIB = 1 << 30
IDENTIFIER_MAX_LENGTH = Collector._meta.get_field("identifier").max_length


class IdentifierRefused(AgentRefusal):
    """A collector key arrived with another identifier than its collector's."""

    status_code, field = 403, "identifier"


class IdentifierInvalid(AgentRefusal):
    """No usable identifier where one is needed."""

    status_code, field = 400, "identifier"


def _stale_before(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(seconds=settings.XAT_STALE_AFTER_SECONDS)


def collector_status(*, collector: Collector, now: datetime | None = None) -> str:
    if collector.last_seen is None:
        return "never"
    return "stale" if collector.last_seen < _stale_before(now) else "active"


# Ids a collector can have (bigserial): no query for any other, which would fail as out of range.
_COLLECTOR_IDS = range(1, 2**63)


def collector_get_for_org(*, organization: Organization, collector_id) -> Collector:
    """The organization's collector `collector_id`; Http404 for any other (another
    organization's, or not an id), as accounts.tenancy.object_get_for_org answers."""
    try:
        collector_id = int(collector_id)
    except (TypeError, ValueError):
        collector_id = 0
    collector = _collector_raw("collector_of_organization", organization_id=organization.pk,
                               collector_id=collector_id) if collector_id in _COLLECTOR_IDS else None
    if collector is None:
        raise Http404("No such collector in this organization.")
    return collector


def collector_list(
    *,
    organization: Organization,
    status: str | None = None,
    tag: str | None = None,
    search: str | None = None,
    ordering: str | None = None,
) -> QuerySet:
    """The organization's collectors, filtered; unknown status/ordering -> ValidationError."""
    stale_before = _stale_before()
    collectors = Collector.objects.filter(organization=organization).annotate(
        status_rank=Case(
            When(last_seen__isnull=True, then=Value(0)),
            When(last_seen__lt=stale_before, then=Value(2)),
            default=Value(1),
        )
    )
    if status:
        if status not in STATUSES:
            raise ValidationError({"status": f"Expected one of {', '.join(STATUSES)}."})
        collectors = collectors.filter(
            {
                "never": Q(last_seen__isnull=True),
                "active": Q(last_seen__gte=stale_before),
                "stale": Q(last_seen__lt=stale_before),
            }[status]
        )
    if tag:
        collectors = collectors.filter(tags__contains=[tag])
    if search:
        collectors = collectors.filter(
            Q(name__icontains=search) | Q(hostname__icontains=search) | Q(identifier__icontains=search)
        )
    field = (ordering or "name").strip()
    if field.lstrip("-") not in ORDERINGS:
        raise ValidationError({"ordering": f"Expected one of {', '.join(ORDERINGS)}, optionally with a leading '-'."})
    field = field.replace("status", "status_rank")
    expression = F(field.lstrip("-"))
    expression = expression.desc(nulls_last=True) if field.startswith("-") else expression.asc(nulls_first=True)
    return collectors.order_by(expression, "id")


def _save(collector: Collector) -> Collector:
    """Saves, turning a unique-constraint violation into a 400 on the field concerned."""
    try:
        with transaction.atomic():
            collector.save()
    except IntegrityError as error:
        constraint = getattr(getattr(error.__cause__, "diag", None), "constraint_name", "")
        field = _UNIQUE_FIELDS.get(constraint)
        if field is None:
            raise
        raise ValidationError({field: _UNIQUE_MESSAGES[field]}) from None
    return collector


def collector_create(*, organization: Organization, **fields) -> Collector:
    return _save(Collector(organization=organization, **fields))


def collector_update(*, collector: Collector, **fields) -> Collector:
    """fields: the model's, plus `pcd_apikey` (the pcd daemon's key in clear; stored only
    encrypted, "" removes it)."""
    if "pcd_apikey" in fields:
        secret = fields.pop("pcd_apikey")
        fields["pcd_apikey_encrypted"] = encrypt(secret) if secret else ""
    for name, value in fields.items():
        setattr(collector, name, value)
    return _save(collector)


def collector_create_with_key(*, organization: Organization, created_by, **fields) -> tuple[Collector, str]:
    """A collector and a key of its own for its agent: (collector, the key's secret text,
    shown once). The perf-dashboard's create (§5.2)."""
    with transaction.atomic():
        collector = collector_create(organization=organization, created_by=created_by, **fields)
        _, raw_key = api_key_create_for_collector(collector=collector)
    return collector, raw_key


def collector_register(*, collector: Collector, **fields) -> Collector:
    """An agent's description of its host; fields it leaves out keep their values."""
    return collector_update(collector=collector, last_contact_at=timezone.now(), **fields)


@transaction.atomic
def collector_delete(*, collector: Collector) -> None:
    """Deletes the collector, its keys, and every sample and aggregate row of it."""
    # Samples live in hypertables without a foreign key, so they go first, explicitly,
    # in the same transaction as the row.
    samples_delete(collector_id=collector.pk)
    collector.delete()


def collector_for_agent(*, key: ApiKey, identifier: str | None, hostname: str | None = None) -> Collector:
    """The collector an agent request writes to (collector-protocol.md, "Keys and identifiers").

    - A collector key: its collector. The first identifier it arrives with becomes the
      collector's; another identifier later raises IdentifierRefused. No identifier: the
      collector as it is.
    - An organization key: the organization's collector with that identifier, registered
      now (named after hostname when known, else the identifier) if there is none yet.
      No identifier raises IdentifierInvalid.

    Cost on the hot path: one indexed lookup (primary key for a collector key,
    collector_identifier_unique for an organization key), in raw SQL (sql/queries/agents.sql).
    """
    identifier = (identifier or "").strip()
    if len(identifier) > IDENTIFIER_MAX_LENGTH:
        raise IdentifierInvalid(f"identifier: at most {IDENTIFIER_MAX_LENGTH} characters")
    if key.collector_id is not None:
        return _collector_key_bind(key=key, identifier=identifier)
    if not identifier:
        raise IdentifierInvalid("identifier: required with an organization key")
    collector = _collector_raw("collector_by_identifier", organization_id=key.organization_id, identifier=identifier)
    if collector is not None:
        return collector
    return _collector_auto_register(organization_id=key.organization_id, identifier=identifier, hostname=hostname)


def collectors_identifiers(collector_ids: list[int]) -> dict[int, str]:
    """Which of these collectors still exist, with their identifiers (the agent service's
    cache checks itself with this)."""
    return dict(sqlfiles.fetch_all("collectors_identifiers", collector_ids=collector_ids))


def _collector_raw(query_name: str, **params) -> Collector | None:
    return sqlfiles.fetch_model(Collector, query_name, **params)


def _collector_key_bind(*, key: ApiKey, identifier: str) -> Collector:
    collector = _collector_raw("collector_by_id", collector_id=key.collector_id)
    if collector is None:  # deleted with its keys, but a cache of keys may not know it yet
        raise CollectorGone(f"collector {key.collector_id} no longer exists")
    if not identifier or collector.identifier == identifier:
        return collector
    if not collector.identifier:
        try:
            with transaction.atomic():
                bound = Collector.objects.filter(pk=collector.pk, identifier="").update(identifier=identifier)
        except IntegrityError:
            raise IdentifierRefused("this identifier belongs to another collector of the organization") from None
        collector.refresh_from_db()
        if bound or collector.identifier == identifier:
            return collector
    raise IdentifierRefused("this key belongs to a collector with another identifier")


def _collector_auto_register(*, organization_id: int, identifier: str, hostname: str | None) -> Collector:
    hostname = (hostname or "").strip()[:200]
    names = [hostname, f"{hostname} ({identifier[:8]})"] if hostname else []
    names.append(identifier[:200])
    for name in names:
        try:
            with transaction.atomic():
                return Collector.objects.create(
                    organization_id=organization_id, identifier=identifier, hostname=hostname, name=name
                )
        except IntegrityError:
            # Another request registered this identifier meanwhile: use it.
            existing = Collector.objects.filter(organization_id=organization_id, identifier=identifier).first()
            if existing is not None:
                return existing
            # Otherwise the name was taken: try the next one.
    raise IdentifierInvalid("identifier: no free collector name for it")


def collector_contact_record(*, collector_id: int) -> None:
    """An agent's request (register, metrics upload) reached XAT: its last contact is now."""
    Collector.objects.filter(pk=collector_id).update(last_contact_at=timezone.now())


def collector_last_contact(*, collector: Collector) -> datetime | None:
    """The agent's last contact: its last request, or its newest sample when that is newer
    (ticks stored before last_contact_at was recorded)."""
    times = [t for t in (collector.last_contact_at, collector.last_seen) if t is not None]
    return max(times, default=None)


def gib_from_bytes(size: int | None) -> Decimal | None:
    """A size in bytes as GiB with two decimals (the perf-dashboard's unit; bytes stay the
    stored value, so a size given in GiB with two decimals renders back exactly)."""
    return None if size is None else (Decimal(size) / GIB).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def bytes_from_gib(gib) -> int | None:
    return None if gib is None else int((Decimal(str(gib)) * GIB).to_integral_value(rounding=ROUND_HALF_UP))
