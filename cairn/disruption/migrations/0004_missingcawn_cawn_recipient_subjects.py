"""CAWNs whose recipient is not among the tactic's subjects (rows recorded before the
recipient was always kept as one) are missing from the recipient's tactic list: add the
recipient as the person targeted, so the notice shows on their profile and is checked
against them both ways (ADR 0009)."""

from typing import Any

from django.db import migrations


def forwards(apps: Any, schema_editor: Any) -> None:
    Cawn = apps.get_model("disruption", "Cawn")
    TacticSubject = apps.get_model("disruption", "TacticSubject")
    for cawn in Cawn.objects.all().iterator():
        TacticSubject.objects.get_or_create(
            tactic_id=cawn.tactic_id, entity_id=cawn.person_of_concern_id, role="target"
        )
        TacticSubject.objects.get_or_create(
            tactic_id=cawn.tactic_id, entity_id=cawn.child_id, role="protected_child"
        )


class Migration(migrations.Migration):
    dependencies = [("disruption", "0003_missingcawn_cawn_recipient_marker_request")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
