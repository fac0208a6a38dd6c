"""The contract's object shapes as the perf-dashboard tests check them (§1.5, §2.2, §9.6),
and the uploaded-file calls they share."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.personas import collector_rows

COLLECTOR_FIELDS = ["id", "name", "description", "status", "last_seen", "hostname", "ip_address", "os_name",
                    "os_version", "kernel_version", "vm_brand", "processor_brand", "processor_model", "vcpus",
                    "memory_gib", "storage_gib", "storage_type", "hourly_cost", "pcd_address", "has_pcd_config",
                    "created_at", "updated_at", "owner_username", "specs_summary"]
Z_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
UPLOAD_FIELDS = ["id", "collector", "collector_name", "description", "file", "file_size", "row_count",
                 "data_start", "data_end", "created_at"]


def url(collector) -> str:
    return f"/api/v1/collectors/{collector.uuid}/data/"


def upload(client, target, content: bytes, **fields):
    file = SimpleUploadedFile("collection.ndjson", content)
    return client.post(url(target), {"file": file, **fields}, format="multipart")


def sample_rows(collector) -> int:
    return sum(count for table, count in collector_rows(collector.pk).items() if table.endswith("_sample"))
