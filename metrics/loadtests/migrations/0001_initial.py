"""The load tests' models, moved out of the metrics app (metrics 0012_load_tests made them)
into this one: in Django's state only. Their tables keep their names and rows (db_table);
metrics 0015_loadtests_cloud_move_out takes them out of the metrics app's state and moves
their content types."""

import django.db.models.deletion
import uuid

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0005_refresh_token_record'),
        ('metrics', '0012_load_tests'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name='Benchmark',
                fields=[
                    ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                    ('name', models.CharField(max_length=200)),
                    ('benchmark_type', models.CharField(default='standard', max_length=50)),
                    ('status', models.CharField(choices=[('pending', 'Pending'), ('collecting', 'Collecting'), ('running', 'Running'), ('completed', 'Completed'), ('failed', 'Failed'), ('cancelled', 'Cancelled')], default='pending', max_length=16)),
                    ('start_time', models.DateTimeField(blank=True, null=True)),
                    ('end_time', models.DateTimeField(blank=True, null=True)),
                    ('duration_seconds', models.PositiveIntegerField(blank=True, null=True)),
                    ('cpu_score', models.PositiveSmallIntegerField(blank=True, null=True)),
                    ('memory_score', models.PositiveSmallIntegerField(blank=True, null=True)),
                    ('disk_score', models.PositiveSmallIntegerField(blank=True, null=True)),
                    ('network_score', models.PositiveSmallIntegerField(blank=True, null=True)),
                    ('overall_score', models.PositiveSmallIntegerField(blank=True, null=True)),
                    ('error_message', models.TextField(blank=True, default='')),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('updated_at', models.DateTimeField(auto_now=True)),
                    ('collector', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='benchmarks', to='metrics.collector')),
                    ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.organization')),
                ],
                options={
                    'db_table': 'metrics_benchmark',
                },
            ),
            migrations.CreateModel(
                name='BenchmarkComparison',
                fields=[
                    ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                    ('benchmark_id', models.CharField(max_length=200)),
                    ('duration', models.CharField(max_length=50)),
                    ('status', models.CharField(choices=[('running', 'Running'), ('completed', 'Completed')], default='running', max_length=16)),
                    ('phase', models.CharField(default='initializing', max_length=300)),
                    ('started_at', models.DateTimeField(auto_now_add=True)),
                    ('completed_at', models.DateTimeField(blank=True, null=True)),
                    ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.organization')),
                ],
                options={
                    'db_table': 'metrics_benchmarkcomparison',
                },
            ),
            migrations.CreateModel(
                name='LoadTest',
                fields=[
                    ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                    ('notes', models.TextField(blank=True, default='')),
                    ('units_10pct', models.PositiveIntegerField(default=0)),
                    ('units_20pct', models.PositiveIntegerField(default=0)),
                    ('units_30pct', models.PositiveIntegerField(default=0)),
                    ('units_40pct', models.PositiveIntegerField(default=0)),
                    ('units_50pct', models.PositiveIntegerField(default=0)),
                    ('units_60pct', models.PositiveIntegerField(default=0)),
                    ('units_70pct', models.PositiveIntegerField(default=0)),
                    ('units_80pct', models.PositiveIntegerField(default=0)),
                    ('units_90pct', models.PositiveIntegerField(default=0)),
                    ('units_100pct', models.PositiveIntegerField(default=0)),
                    ('status', models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('completed', 'Completed'), ('failed', 'Failed')], default='completed', max_length=16)),
                    ('error', models.CharField(blank=True, default='', max_length=300)),
                    ('started_at', models.DateTimeField(blank=True, null=True)),
                    ('finished_at', models.DateTimeField(blank=True, null=True)),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('benchmark', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='load_tests', to='loadtests.benchmark')),
                    ('collector', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='load_tests', to='metrics.collector')),
                    ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.organization')),
                ],
                options={
                    'db_table': 'metrics_loadtest',
                },
            ),
            migrations.CreateModel(
                name='BenchmarkComparisonServer',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('position', models.PositiveSmallIntegerField()),
                    ('server_id', models.CharField(max_length=100)),
                    ('name', models.CharField(blank=True, default='', max_length=200)),
                    ('status', models.CharField(choices=[('pending', 'Pending'), ('running', 'Running'), ('completed', 'Completed'), ('failed', 'Failed')], default='pending', max_length=16)),
                    ('result', models.JSONField(blank=True, null=True)),
                    ('comparison', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='servers', to='loadtests.benchmarkcomparison')),
                    ('load_test', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='loadtests.loadtest')),
                ],
                options={
                    'db_table': 'metrics_benchmarkcomparisonserver',
                },
            ),
            migrations.AddIndex(
                model_name='benchmark',
                index=models.Index(fields=['organization', '-created_at'], name='benchmark_org_created'),
            ),
            migrations.AddConstraint(
                model_name='benchmark',
                constraint=models.CheckConstraint(condition=models.Q(('cpu_score__isnull', True), ('cpu_score__lte', 100), _connector='OR'), name='benchmark_cpu_score_range'),
            ),
            migrations.AddConstraint(
                model_name='benchmark',
                constraint=models.CheckConstraint(condition=models.Q(('memory_score__isnull', True), ('memory_score__lte', 100), _connector='OR'), name='benchmark_memory_score_range'),
            ),
            migrations.AddConstraint(
                model_name='benchmark',
                constraint=models.CheckConstraint(condition=models.Q(('disk_score__isnull', True), ('disk_score__lte', 100), _connector='OR'), name='benchmark_disk_score_range'),
            ),
            migrations.AddConstraint(
                model_name='benchmark',
                constraint=models.CheckConstraint(condition=models.Q(('network_score__isnull', True), ('network_score__lte', 100), _connector='OR'), name='benchmark_network_score_range'),
            ),
            migrations.AddConstraint(
                model_name='benchmark',
                constraint=models.CheckConstraint(condition=models.Q(('overall_score__isnull', True), ('overall_score__lte', 100), _connector='OR'), name='benchmark_overall_score_range'),
            ),
            migrations.AddIndex(
                model_name='loadtest',
                index=models.Index(fields=['organization', '-created_at'], name='loadtest_org_created'),
            ),
            migrations.AddIndex(
                model_name='loadtest',
                index=models.Index(fields=['collector', 'status', '-created_at'], name='loadtest_collector_newest'),
            ),
            migrations.AddConstraint(
                model_name='benchmarkcomparisonserver',
                constraint=models.UniqueConstraint(fields=('comparison', 'position'), name='comparison_server_position'),
            ),
        ]),
    ]
