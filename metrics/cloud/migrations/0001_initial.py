"""The cloud inventories' models, moved out of the metrics app (metrics 0013_cloud_inventory
made them) into this one: in Django's state only. Their tables keep their names and rows
(db_table); metrics 0015_loadtests_cloud_move_out takes them out of the metrics app's
state and moves their content types."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0005_refresh_token_record'),
        ('metrics', '0013_cloud_inventory'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name='CloudAction',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('username', models.CharField(max_length=150)),
                    ('provider', models.CharField(choices=[('oci', 'Oci'), ('aws', 'Aws'), ('azure', 'Azure')], max_length=16)),
                    ('action', models.CharField(max_length=32)),
                    ('instance_id', models.CharField(blank=True, default='', max_length=255)),
                    ('succeeded', models.BooleanField()),
                    ('outcome', models.CharField(blank=True, default='', max_length=200)),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.organization')),
                    ('user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'db_table': 'metrics_cloudaction',
                    'indexes': [models.Index(fields=['organization', '-created_at'], name='cloud_action_org_created')],
                },
            ),
            migrations.CreateModel(
                name='CloudCredential',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('provider', models.CharField(choices=[('oci', 'Oci'), ('aws', 'Aws'), ('azure', 'Azure')], max_length=16)),
                    ('identifiers', models.JSONField(default=dict)),
                    ('secret_encrypted', models.TextField()),
                    ('updated_at', models.DateTimeField(auto_now=True)),
                    ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.organization')),
                    ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'db_table': 'metrics_cloudcredential',
                    'constraints': [models.UniqueConstraint(fields=('organization', 'provider'), name='cloud_credential_one_per_provider')],
                },
            ),
            migrations.CreateModel(
                name='CloudInstance',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('provider', models.CharField(choices=[('oci', 'Oci'), ('aws', 'Aws'), ('azure', 'Azure')], max_length=16)),
                    ('instance_id', models.CharField(max_length=255)),
                    ('name', models.CharField(blank=True, default='', max_length=255)),
                    ('region', models.CharField(blank=True, default='', max_length=64)),
                    ('instance_type', models.CharField(blank=True, default='', max_length=64)),
                    ('private_ip', models.GenericIPAddressField(blank=True, null=True)),
                    ('listed_at', models.DateTimeField()),
                    ('collector', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='metrics.collector')),
                    ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.organization')),
                ],
                options={
                    'db_table': 'metrics_cloudinstance',
                    'constraints': [models.UniqueConstraint(fields=('organization', 'provider', 'instance_id'), name='cloud_instance_unique')],
                },
            ),
        ]),
    ]
