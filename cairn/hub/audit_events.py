"""Audit event names owned by the Hub app (set-up, meetings, actions, profiles)."""

from cairn.audit.registry import Action, register

A = Action
for _name, _action, _description in [
    ("hub.setup_changed", A.ALTERATION, "The Hub's set-up was changed"),
    ("hub.meeting_scheduled", A.COLLECTION, "A Hub meeting was scheduled"),
    ("hub.meeting_viewed", A.CONSULTATION, "A Hub meeting was viewed"),
    ("hub.item_viewed", A.CONSULTATION, "A Hub agenda item was viewed"),
    ("hub.action_viewed", A.CONSULTATION, "A Hub action was viewed"),
    ("hub.attendance_recorded", A.ALTERATION, "Attendance at a Hub meeting was recorded"),
    ("hub.agenda_generated", A.COMBINATION, "A Hub agenda was built from case data"),
    ("hub.item_recorded", A.ALTERATION, "A Hub agenda item's discussion was recorded"),
    ("hub.risk_agreed", A.ALTERATION, "The Hub agreed a child's risk level"),
    ("hub.minutes_finalised", A.ALTERATION, "Hub meeting minutes were finalised"),
    ("hub.minutes_printed", A.CONSULTATION, "Hub meeting minutes were opened for print"),
    ("hub.minutes_distributed", A.DISCLOSURE, "Hub meeting minutes were sent to a recipient"),
    ("hub.action_created", A.COLLECTION, "A Hub action was recorded"),
    ("hub.action_completed", A.ALTERATION, "A Hub action was completed"),
    ("hub.actions_listed", A.CONSULTATION, "Hub actions were listed"),
    ("hub.reminders_sent", A.SECURITY, "Overdue Hub action reminders were sent"),
    ("hub.philomena_viewed", A.CONSULTATION, "A child's Philomena profile was viewed"),
    ("hub.dashboard_viewed", A.CONSULTATION, "The Hub dashboard was viewed"),
    ("hub.problem_profile_viewed", A.COMBINATION, "A problem profile was compiled"),
    ("hub.problem_profile_consulted", A.CONSULTATION, "A problem profile was viewed"),
]:
    register(_name, _action, _description)
