"""The Upload model left the metrics app for its own app (metrics/uploads/; its
0001_initial took it over): out of the metrics app's state only, its table (metrics_upload),
indexes and rows as they are. Its content type moves with it, and with it the permissions
granted and the admin history."""

from django.db import migrations

from metrics.migrations._content_types import content_types_moved


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('metrics', '0015_loadtests_cloud_move_out'),
        ('uploads', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name='Upload')]),
        content_types_moved(("upload",), source="metrics", target="uploads"),
    ]
