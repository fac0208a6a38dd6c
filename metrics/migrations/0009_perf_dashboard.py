import uuid

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def _uuid_column(model_name: str, table: str) -> list:
    """A unique UUID column on a table that has rows: added empty, filled, then required."""
    return [
        migrations.AddField(model_name=model_name, name="uuid", field=models.UUIDField(null=True, editable=False)),
        migrations.RunSQL(f"UPDATE {table} SET uuid = gen_random_uuid() WHERE uuid IS NULL", migrations.RunSQL.noop),
        migrations.AlterField(
            model_name=model_name, name="uuid", field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
        ),
    ]


class Migration(migrations.Migration):
    """The perf-dashboard's API (issue 11): collectors and uploads named by UUID, the
    collector's contract fields, trickle sessions."""

    dependencies = [
        ("accounts", "0003_throttle_window"),
        ("metrics", "0008_aggregate_watermark_plpgsql"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        *_uuid_column("collector", "metrics_collector"),
        *_uuid_column("upload", "metrics_upload"),
        migrations.AddField(
            model_name="collector",
            name="vm_brand",
            field=models.CharField(
                choices=[("dell", "Dell"), ("hp", "Hp"), ("lenovo", "Lenovo"), ("oracle_cloud", "Oracle Cloud"),
                         ("azure", "Azure"), ("aws", "Aws"), ("gcp", "Gcp"), ("vmware", "Vmware"),
                         ("bare_metal", "Bare Metal"), ("other", "Other"), ("unknown", "Unknown")],
                default="unknown",
                max_length=32,
            ),
        ),
        migrations.AddField(
            model_name="collector", name="pcd_address", field=models.CharField(blank=True, default="", max_length=255)
        ),
        migrations.AddField(
            model_name="collector", name="pcd_apikey_encrypted", field=models.TextField(blank=True, default="")
        ),
        migrations.AddField(
            model_name="collector",
            name="created_by",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name="collector",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="collector", name="last_contact_at", field=models.DateTimeField(blank=True, null=True)
        ),
        migrations.AddField(
            model_name="upload", name="description", field=models.CharField(blank=True, default="", max_length=200)
        ),
        migrations.CreateModel(
            name="TrickleSession",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("status", models.CharField(choices=[("active", "Active"), ("completed", "Completed"),
                                                     ("saved", "Saved")], default="active", max_length=16)),
                ("name", models.CharField(max_length=200)),
                ("started_at", models.DateTimeField()),
                ("last_data_at", models.DateTimeField()),
                ("ended_at", models.DateTimeField(blank=True, null=True)),
                ("last_received_at", models.DateTimeField()),
                ("sample_count", models.PositiveIntegerField(default=0)),
                ("collector", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="sessions",
                                                to="metrics.collector")),
                ("organization", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                                   to="accounts.organization")),
            ],
            options={
                "indexes": [
                    models.Index(fields=["collector", "status", "-started_at"], name="trickle_session_history"),
                    models.Index(condition=models.Q(("status", "active")), fields=["last_received_at"],
                                 name="trickle_session_idle"),
                ],
                "constraints": [
                    models.UniqueConstraint(condition=models.Q(("status", "active")), fields=("collector",),
                                            name="trickle_session_one_active"),
                ],
            },
        ),
    ]
