"""Audit event names owned by the notifications app."""

from cairn.audit.registry import Action, register

register("notification.read", Action.CONSULTATION, "A notification was opened")
register("notification.listed", Action.CONSULTATION, "The notifications inbox was viewed")
register(
    "notification.delivery_failed",
    Action.ALTERATION,
    "An email or text message about a notification could not be delivered",
)
register(
    "notification.delivery_dismissed",
    Action.ALTERATION,
    "A message that could not be delivered was marked as dealt with",
)
register(
    "notification.resolved",
    Action.ALTERATION,
    "Notifications were marked read because what they asked for was done",
)
