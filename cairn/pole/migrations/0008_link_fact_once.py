"""One link per fact, enforced (ADR 0017): the sources now live in LinkSource (0007), so
the link's own source columns go, and a fact may be recorded once, either way round for a
symmetric type."""

import django.db.models.functions.comparison
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("pole", "0007_fold_links")]

    operations = [
        migrations.RemoveField(model_name="link", name="source_id"),
        migrations.RemoveField(model_name="link", name="source_note"),
        migrations.RemoveField(model_name="link", name="source_type"),
        migrations.AddConstraint(
            model_name="link",
            constraint=models.UniqueConstraint(
                fields=("from_entity", "to_entity", "link_type"), name="link_fact_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="link",
            constraint=models.UniqueConstraint(
                django.db.models.functions.comparison.Least("from_entity", "to_entity"),
                django.db.models.functions.comparison.Greatest("from_entity", "to_entity"),
                models.F("link_type"),
                condition=models.Q(
                    ("link_type__in", ["associate", "family", "other", "partner", "sibling"])
                ),
                name="link_fact_once_either_way",
            ),
        ),
        migrations.AddConstraint(
            model_name="linksource",
            constraint=models.UniqueConstraint(
                condition=models.Q(("source_id", ""), _negated=True),
                fields=("link", "source_type", "source_id"),
                name="link_source_once",
            ),
        ),
        migrations.AddConstraint(
            model_name="linksource",
            constraint=models.UniqueConstraint(
                condition=models.Q(("source_id", "")),
                fields=("link", "recorded_by", "note"),
                name="link_note_once",
            ),
        ),
        migrations.AddConstraint(
            model_name="linksource",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("ended_on__isnull", True),
                    ("started_on__isnull", True),
                    ("ended_on__gte", models.F("started_on")),
                    _connector="OR",
                ),
                name="link_source_dates_ordered",
            ),
        ),
    ]
