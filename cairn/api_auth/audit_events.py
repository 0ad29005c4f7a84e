"""Audit event names owned by the API app."""

from cairn.audit.registry import Action, register

register(
    "api.request_replayed",
    Action.CONSULTATION,
    "An API request was retried with the same Idempotency-Key and its first response sent",
)
