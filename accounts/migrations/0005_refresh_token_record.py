from pathlib import Path

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Read here, not through application code (xat.sqlfiles), which can change after this merged.
REFRESH_TOKEN_RECORDS_SQL = Path(__file__).resolve().parents[2] / "sql" / "schema" / "0009_refresh_token_records.sql"


def forget_blacklist_content_types(apps, schema_editor):
    """The uninstalled app's content types, and with them its permissions (what Django's
    remove_stale_contenttypes would do), so the admin offers none for tables that are gone."""
    content_types = apps.get_model("contenttypes", "ContentType").objects.using(schema_editor.connection.alias)
    content_types.filter(app_label="token_blacklist").delete()


class Migration(migrations.Migration):
    """Refresh tokens recorded without their text; simplejwt's blacklist app, which kept the
    text, uninstalled: its live tokens carried over, its tables dropped
    (sql/schema/0009_refresh_token_records.sql). Not reversible beyond dropping the new
    table: the old one held the token text, which is not to be restored."""

    dependencies = [
        ("accounts", "0004_invitation"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="RefreshTokenRecord",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("jti", models.CharField(max_length=255, unique=True)),
                ("family", models.UUIDField()),
                ("expires_at", models.DateTimeField()),
                ("rotated_at", models.DateTimeField(blank=True, null=True)),
                ("revoked_at", models.DateTimeField(blank=True, null=True)),
                ("user", models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                           related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "indexes": [
                    models.Index(fields=["user", "expires_at"], name="refresh_token_user_expiry"),
                    models.Index(fields=["family"], name="refresh_token_family"),
                ],
            },
        ),
        migrations.RunSQL(REFRESH_TOKEN_RECORDS_SQL.read_text(), migrations.RunSQL.noop),
        migrations.RunPython(forget_blacklist_content_types, migrations.RunPython.noop),
    ]
