"""Audit event names owned by the concerns app."""

from cairn.audit.registry import Action, register

register("concern.started", Action.COLLECTION, "A concern was started (draft)")
register("concern.draft_saved", Action.ALTERATION, "A concern draft was saved")
register("concern.submitted", Action.COLLECTION, "A concern was submitted")
register("concern.viewed", Action.CONSULTATION, "A concern was viewed")
register("concern.listed", Action.CONSULTATION, "Concerns were listed")
register("risk.decided", Action.ALTERATION, "A child's risk level was decided")
register("concern.pathways_recorded", Action.ALTERATION, "Next steps for a concern were recorded")
register("indicator.changed", Action.ALTERATION, "The indicator catalogue was changed")
register("concern.draft_discarded", Action.ERASURE, "A draft concern was deleted")
register(
    "concern.crime_recorded",
    Action.ALTERATION,
    "A concern was marked as a crime disclosed (judged by the FIB, or crime recorded)",
)
