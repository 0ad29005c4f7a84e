"""Audit event names owned by the intelligence app."""

from cairn.audit.registry import Action, register

register("intel.started", Action.COLLECTION, "An intelligence submission was started (draft)")
register("intel.draft_saved", Action.ALTERATION, "An intelligence draft was saved")
register("intel.draft_discarded", Action.ERASURE, "An intelligence draft was deleted")
register("intel.checked", Action.CONSULTATION, "A crime-disclosure and quality check was run")
register("intel.submitted", Action.COLLECTION, "Intelligence was submitted to the FIB")
register("intel.viewed", Action.CONSULTATION, "An intelligence submission was viewed")
register("intel.listed", Action.CONSULTATION, "Intelligence submissions were listed")
register("intel.searched", Action.CONSULTATION, "Sanitised intelligence was searched")
register("intel.source_viewed", Action.CONSULTATION, "A protected source's identity was viewed")
register("intel.triaged", Action.ALTERATION, "An intelligence submission was triaged")
register("intel.evaluated", Action.ALTERATION, "Intelligence was graded (3x5x2)")
register("intel.sanitised", Action.ALTERATION, "A sanitised version of intelligence was saved")
register("intel.entity_linked", Action.COMBINATION, "A mention was linked to a POLE record")
register("intel.disseminated", Action.DISCLOSURE, "Sanitised intelligence was disseminated")
register("intel.imported", Action.COLLECTION, "Intelligence was imported from a previous system")
register("intel.import_run", Action.COLLECTION, "A file of legacy intelligence was imported")
register(
    "intel.crime_judged", Action.ALTERATION, "The FIB judged whether a flagged entry is a crime"
)
register(
    "intel.crime_referred",
    Action.DISCLOSURE,
    "An entry and its child were referred for crime recording",
)
register("intel.returned", Action.ALTERATION, "The FIB returned an entry to its submitter")
register("intel.reopened", Action.ALTERATION, "A returned entry was reopened for editing")
register("intel.withdrawn", Action.ALTERATION, "A returned entry was withdrawn by its submitter")
register("intel.crime_recorded", Action.ALTERATION, "A crime reference was recorded")
register(
    "intel.crime_referral_returned", Action.ALTERATION, "A crime referral was returned to the FIB"
)
register(
    "intel.crime_referrals_listed", Action.CONSULTATION, "The crime recording queue was listed"
)
register("intel.crime_referral_viewed", Action.CONSULTATION, "A crime referral was viewed")
register(
    "intel.danger_escalated",
    Action.ALTERATION,
    "An entry read as danger now was sent to every FIB officer as urgent",
)
register(
    "intel.danger_actioned",
    Action.ALTERATION,
    "The FIB recorded what it did about an entry escalated as danger now",
)
