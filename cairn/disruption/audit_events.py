"""Audit event names owned by the disruption app."""

from cairn.audit.registry import Action, register

register("tactic.created", Action.COLLECTION, "A disruption tactic was recorded")
register("tactic.changed", Action.ALTERATION, "A disruption tactic was changed")
register("tactic.viewed", Action.CONSULTATION, "A disruption tactic was viewed")
register("tactic.listed", Action.CONSULTATION, "Disruption tactics were listed")
register("tactic.shared", Action.DISCLOSURE, "A disruption tactic was shared with an agency")
register("tactic.printed", Action.DISCLOSURE, "A notice was printed for service")
register("cawn.issued", Action.COLLECTION, "A child abduction warning notice was issued")
register("cawn.served", Action.ALTERATION, "Service of a CAWN was recorded")
register("cawn.breach_recorded", Action.ALTERATION, "A breach of a CAWN was logged")
register("marker.added", Action.COLLECTION, "A warning or information marker was added")
register("marker.reviewed", Action.ALTERATION, "A marker was reviewed")
register("marker.removed", Action.ALTERATION, "A marker was removed")
register("sighting.recorded", Action.COLLECTION, "A vehicle sighting was recorded")
register("plan.created", Action.COLLECTION, "A disruption plan was created")
register("plan.changed", Action.ALTERATION, "A disruption plan was changed")
register("plan.viewed", Action.CONSULTATION, "A disruption plan was viewed")
register("location.profile_viewed", Action.CONSULTATION, "A location profile was viewed")
register("vehicle.profile_viewed", Action.CONSULTATION, "A vehicle profile was viewed")
register("location_assessment.recorded", Action.COLLECTION, "A location assessment was recorded")
register("disruption.reminders_raised", Action.ALTERATION, "Review reminders were raised")
