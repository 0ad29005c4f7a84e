"""Immigration checks recorded before the checked person was kept among the tactic's
subjects: add them, so the tactic is checked against that person both ways (ADR 0009)."""

from typing import Any

from django.db import migrations


def forwards(apps: Any, schema_editor: Any) -> None:
    ImmigrationCheck = apps.get_model("disruption", "ImmigrationCheck")
    TacticSubject = apps.get_model("disruption", "TacticSubject")
    Person = apps.get_model("pole", "Person")
    for check in ImmigrationCheck.objects.all().iterator():
        if TacticSubject.objects.filter(tactic_id=check.tactic_id, entity_id=check.person_id).exists():
            continue
        category = Person.objects.filter(pk=check.person_id).values_list("category", flat=True)
        role = "protected_child" if category.first() == "child" else "target"
        TacticSubject.objects.create(
            tactic_id=check.tactic_id, entity_id=check.person_id, role=role
        )


class Migration(migrations.Migration):
    dependencies = [("disruption", "0001_initial"), ("pole", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
