"""Audit event names owned by the audit app: consulting, exporting and verifying the log,
and refused requests (recorded by its middleware)."""

from .registry import Action, register

A = Action
for _name, _action, _description in [
    ("audit.viewed", A.CONSULTATION, "The audit log was consulted"),
    ("access.refused", A.SECURITY, "A request for a record or page was refused (403 or 404)"),
    (
        "audit.subject_lookup",
        A.CONSULTATION,
        "People were looked up by name in the audit viewer (ids found, never the name typed)",
    ),
    ("audit.exported", A.DISCLOSURE, "The audit log was exported"),
    ("audit.verified", A.SECURITY, "The audit chain was verified"),
    ("audit.checkpointed", A.SECURITY, "The audit chain head was signed (checkpoint)"),
]:
    register(_name, _action, _description)
