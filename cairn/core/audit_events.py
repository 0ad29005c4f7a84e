"""Audit event names owned by the core app."""

from cairn.audit.registry import Action, register

register(
    "web.submit_replayed",
    Action.CONSULTATION,
    "A web form was sent again with the same submit key and sent to the first result",
)
register(
    "jobs.run_requested",
    Action.SECURITY,
    "A system admin asked for a background job to run now",
)
