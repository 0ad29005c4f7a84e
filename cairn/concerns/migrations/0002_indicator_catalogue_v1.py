"""Load version 1 of the indicator catalogue (cairn/concerns/catalogue.py), by code, so
later versions can add, re-weight or retire entries in their own migrations."""

from django.db import migrations

from cairn.concerns.catalogue import install


def load(apps, schema_editor):
    install(apps.get_model("concerns", "Indicator"), version=1)


def unload(apps, schema_editor):
    apps.get_model("concerns", "Indicator").objects.filter(catalogue_version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("concerns", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
