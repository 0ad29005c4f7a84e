"""Audit event names owned by the governance app (the IG dashboard)."""

from cairn.audit.registry import Action, register

register(
    "governance.dashboard_viewed",
    Action.CONSULTATION,
    "The information governance dashboard was viewed (counts only, no person named)",
)
register(
    "governance.dashboard_exported",
    Action.CONSULTATION,
    "The information governance dashboard's figures were exported as CSV",
)
