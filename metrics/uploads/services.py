"""The uploads' services: the checks a request runs, the batches its job reads, the
collector an upload writes to, and forgetting an upload."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404

from accounts.models import ApiKey, Organization
from metrics.collectors import collector_create, collector_for_agent, collector_get_for_org
from metrics.models import Collector
from metrics.uploads.batch import UploadBatch
from metrics.uploads.detection import format_detect
from metrics.uploads.errors import UploadTooLarge
from metrics.uploads.models import Upload
from metrics.uploads.pcc_raw import pcc_measurement, perfcollector1_measurement, raw_batches
from metrics.uploads.pcprocess_zip import tree_batches, tree_inspect
from metrics.uploads.portal import portal_batches, portal_inspect


@dataclass(frozen=True)
class Inspection:
    format: str
    compressed: bool
    identifier: str | None  # the host a pcc capture names, if it does


def upload_inspect(*, file) -> Inspection:
    """The checks that need no full read of the file (metrics.uploads); UploadRejected
    (400, 413 or 415) for the first that fails."""
    limit = settings.XAT_UPLOAD_MAX_BYTES
    if file.size > limit:
        raise UploadTooLarge(f"the file is larger than {limit} bytes", limit=limit)
    detected, compressed, identifier, first = format_detect(file)
    if detected == "portal_csv":
        portal_inspect(first)
    elif detected == "pcprocess_zip":
        tree_inspect(file)
    file.seek(0)
    return Inspection(detected, compressed, identifier)


def upload_batches(*, file, format: str, compressed: bool) -> Iterator[UploadBatch]:
    """What a file upload_inspect accepted holds, batch by batch, for the upload job to
    store (metrics.uploads.batch)."""
    match format:
        case "pcc":
            return raw_batches(file, compressed, pcc_measurement)
        case "perfcollector1":
            return raw_batches(file, compressed, perfcollector1_measurement)
        case "portal_csv":
            return portal_batches(file, compressed)
        case "pcprocess_zip":
            return tree_batches(file)
    raise ValueError(f"no reader for the format {format!r}")


def upload_file_path(upload: Upload) -> Path:
    """Where the uploaded file waits for its job (XAT_UPLOAD_DIR, shared by web and worker)."""
    return Path(settings.XAT_UPLOAD_DIR) / f"{upload.uuid}.upload"


def upload_delete(*, upload: Upload) -> None:
    """Forgets the upload, and its file if it still waits: its job then finds nothing to do.
    What it stored are its collector's samples now, like any tick's: they stay (a sample
    does not know its upload)."""
    upload_file_path(upload).unlink(missing_ok=True)
    upload.delete()


def upload_collector(*, organization: Organization, collector: Collector | None = None, collector_id=None,
                     api_key: ApiKey | None, identifier: str | None) -> Collector:
    """The collector an upload writes to: the one named (as the object its URL resolved, or
    an id from the body: 404 if not the organization's, or not the collector key's own), else
    the key's, else the one the capture names (matched or registered by identifier, as an
    organization key's trickle would)."""
    if collector is None and collector_id not in (None, ""):
        collector = collector_get_for_org(organization=organization, collector_id=collector_id)
    if collector is not None:
        if api_key is not None and api_key.collector_id not in (None, collector.pk):
            raise Http404("This key writes another collector.")
        return collector
    if api_key is not None and (api_key.collector_id is not None or identifier):
        return collector_for_agent(key=api_key, identifier=identifier)
    if identifier:
        existing = Collector.objects.filter(organization=organization, identifier=identifier).first()
        return existing or collector_create(organization=organization, name=identifier[:200], identifier=identifier)
    raise ValidationError({"collector": "Required: this file does not name its host."})
