"""The reference an entry had in the previous intelligence system (legacy import), unique
when given so a re-run import skips what it already brought in."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("intelligence", "0003_stored_search_vector"),
    ]

    operations = [
        migrations.AddField(
            model_name="submission",
            name="external_reference",
            field=models.CharField(
                blank=True, max_length=60, verbose_name="Reference in the previous system"
            ),
        ),
        migrations.AddConstraint(
            model_name="submission",
            constraint=models.UniqueConstraint(
                condition=models.Q(("external_reference", ""), _negated=True),
                fields=("external_reference",),
                name="intel_external_ref_once",
            ),
        ),
    ]
