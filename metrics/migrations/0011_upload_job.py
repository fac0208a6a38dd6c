from django.db import migrations, models
from django.db.models import F


def uploads_before_jobs_done(apps, schema_editor):
    """Uploads made before the job queue were ingested in their request: done, read whole."""
    apps.get_model("metrics", "Upload").objects.using(schema_editor.connection.alias).update(bytes_read=F("size_bytes"))


class Migration(migrations.Migration):
    """Uploads become background jobs (metrics/upload_jobs.py; the queue's tables come from
    procrastinate's own migrations): the job's state and progress on the Upload row."""

    dependencies = [
        ("metrics", "0010_trickle_session_collector_index"),
    ]

    operations = [
        # Existing rows are done; new ones start queued.
        migrations.AddField(
            model_name="upload",
            name="state",
            field=models.CharField(default="done", max_length=16, choices=[
                ("queued", "Queued"), ("running", "Running"), ("done", "Done"), ("failed", "Failed")]),
        ),
        migrations.AlterField(
            model_name="upload",
            name="state",
            field=models.CharField(default="queued", max_length=16, choices=[
                ("queued", "Queued"), ("running", "Running"), ("done", "Done"), ("failed", "Failed")]),
        ),
        migrations.AddField(model_name="upload", name="bytes_read", field=models.BigIntegerField(default=0)),
        migrations.RunPython(uploads_before_jobs_done, migrations.RunPython.noop),
        migrations.AddField(model_name="upload", name="started_at",
                            field=models.DateTimeField(blank=True, null=True)),
        migrations.AddField(model_name="upload", name="finished_at",
                            field=models.DateTimeField(blank=True, null=True)),
        migrations.AddField(model_name="upload", name="failure",
                            field=models.CharField(blank=True, default="", max_length=500)),
    ]
