"""The Upload model, moved out of the metrics app (metrics 0004_upload made it,
0011_upload_job last changed it) into this one: in Django's state only. Its table keeps
its name and rows (db_table metrics_upload); metrics 0016_uploads_move_out takes it out of
the metrics app's state and moves its content type."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("accounts", "0003_throttle_window"),
        ("metrics", "0011_upload_job"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Upload",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("uuid", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("file_name", models.CharField(max_length=255)),
                        ("description", models.CharField(blank=True, default="", max_length=200)),
                        ("size_bytes", models.BigIntegerField()),
                        ("sha256", models.CharField(max_length=64)),
                        ("format", models.CharField(max_length=32)),
                        ("compressed", models.BooleanField(default=False)),
                        ("result", models.JSONField(default=dict)),
                        ("state", models.CharField(choices=[("queued", "Queued"), ("running", "Running"),
                                                            ("done", "Done"), ("failed", "Failed")],
                                                   default="queued", max_length=16)),
                        ("bytes_read", models.BigIntegerField(default=0)),
                        ("started_at", models.DateTimeField(blank=True, null=True)),
                        ("finished_at", models.DateTimeField(blank=True, null=True)),
                        ("failure", models.CharField(blank=True, default="", max_length=500)),
                        ("api_key", models.ForeignKey(blank=True, null=True,
                                                      on_delete=django.db.models.deletion.SET_NULL,
                                                      related_name="uploads", to="accounts.apikey")),
                        ("collector", models.ForeignKey(blank=True, null=True,
                                                        on_delete=django.db.models.deletion.SET_NULL,
                                                        related_name="uploads", to="metrics.collector")),
                        ("organization", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                                           related_name="uploads", to="accounts.organization")),
                        ("uploaded_by", models.ForeignKey(blank=True, null=True,
                                                          on_delete=django.db.models.deletion.SET_NULL,
                                                          related_name="uploads", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "db_table": "metrics_upload",
                        "indexes": [models.Index(fields=["organization", "-created_at"], name="upload_org_created")],
                    },
                ),
            ],
        ),
    ]
