"""MissingEpisode, moved here from the Hub app (hub/0004). State only: the model keeps the
existing table `hub_missingepisode` (its rows, indexes, constraints and foreign keys stay as
they are), so an existing database migrates without copying data. The model's content type
is relabelled from hub to missing, so its permission rows follow it rather than going
stale (on a new database there is none yet: post_migrate creates it)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def relabel_content_type(apps, schema_editor):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label='missing', model='missingepisode').exists():
        ContentType.objects.using(db).filter(app_label='hub', model='missingepisode').update(
            app_label='missing'
        )


def restore_content_type(apps, schema_editor):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label='hub', model='missingepisode').exists():
        ContentType.objects.using(db).filter(app_label='missing', model='missingepisode').update(
            app_label='hub'
        )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0001_initial'),
        ('concerns', '0002_indicator_catalogue_v1'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('hub', '0004_missingepisode_to_missing_app'),
        ('pole', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='MissingEpisode',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('reported_at', models.DateTimeField(verbose_name='Reported missing')),
                        ('reported_by', models.CharField(blank=True, max_length=200, verbose_name='Reported by (person or role)')),
                        ('police_reference', models.CharField(blank=True, max_length=60)),
                        ('police_risk_grading', models.CharField(choices=[('low', 'Low'), ('medium', 'Medium'), ('high', 'High'), ('not_graded', 'Not yet graded')], default='not_graded', max_length=12)),
                        ('circumstances', models.TextField(blank=True)),
                        ('found_at', models.DateTimeField(blank=True, null=True, verbose_name='Found or returned')),
                        ('where_found', models.CharField(blank=True, max_length=300)),
                        ('out_of_area', models.BooleanField(default=False)),
                        ('rhi_due_at', models.DateTimeField(blank=True, null=True)),
                        ('rhi_offered_on', models.DateField(blank=True, null=True)),
                        ('rhi_accepted', models.BooleanField(null=True)),
                        ('rhi_completed_at', models.DateTimeField(blank=True, null=True)),
                        ('rhi_notes', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('child', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='missing_episodes', to='pole.person')),
                        ('owning_agency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.agency')),
                        ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('rhi_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('concern', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='missing_episodes', to='concerns.concern')),
                        ('source_observation', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='missing_episode', to='concerns.indicatorobservation')),
                    ],
                    options={
                        'db_table': 'hub_missingepisode',
                        'ordering': ['-reported_at'],
                        'indexes': [
                            models.Index(fields=['child', '-reported_at'], name='missing_child_time'),
                            models.Index(fields=['rhi_due_at', 'rhi_completed_at'], name='missing_rhi_due'),
                        ],
                        'constraints': [
                            models.CheckConstraint(condition=models.Q(('found_at__isnull', True), ('found_at__gte', models.F('reported_at')), _connector='OR'), name='missing_found_after_reported'),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(relabel_content_type, restore_content_type),
    ]
