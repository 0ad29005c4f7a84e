"""Audit event names owned by the API app."""

from cairn.audit.registry import Action, register

register("auth.api_token_created", Action.SECURITY, "An API token was issued")
register("auth.api_token_revoked", Action.SECURITY, "An API token was revoked")

register(
    "api.request_replayed",
    Action.CONSULTATION,
    "An API request was retried with the same Idempotency-Key and its first response sent",
)
