"""MissingEpisode moved to the `missing` app (cairn/missing). State only: the table
`hub_missingepisode` and its rows stay where they are, and missing/0001_initial takes the
model over with `db_table` kept, so nothing is copied or rebuilt."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('hub', '0003_minutesdistribution_disclosure'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='MissingEpisode')],
            database_operations=[],
        ),
    ]
