"""Every write for disruption, one module per tactic family; callers import the family
module (`from cairn.disruption.services import cawns`, then `cawns.cawn_issue(...)`):

- `tactics`: any tactic: record, change status and outcome, share;
- `details`: the type-specific details of a tactic, typed and validated;
- `cawns`: CAWN issue, service and breaches;
- `markers`: markers (add, review, remove) and marker requests;
- `vehicles`: vehicle sightings;
- `plans`: disruption plans;
- `assessments`: location assessments and their actions;
- `reminders`: review reminders.

Keyword-only, actor first, atomic, validated, audited."""
