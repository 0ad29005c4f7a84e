"""Audit event names owned by the accounts app (sign-in events live in cairn/audit)."""

from cairn.audit.registry import Action, register

register("accounts.password_changed", Action.SECURITY, "A user's password was set or removed")
register(
    "accounts.change_requested",
    Action.SECURITY,
    "A change granting police or intelligence access was put to a second admin",
)
register("accounts.change_approved", Action.ALTERATION, "A second admin approved an account change")
register("accounts.change_rejected", Action.SECURITY, "A second admin rejected an account change")
register(
    "accounts.change_superseded",
    Action.SECURITY,
    "A waiting account change was replaced by a later one",
)
register("auth.sso_signed_in", Action.SECURITY, "A user signed in through their agency's provider")
register(
    "auth.sso_refused",
    Action.SECURITY,
    "A single sign-on was refused (bad token, replay, provider error, account not approved)",
)
register(
    "accounts.sso_account_requested",
    Action.SECURITY,
    "A first single sign-on made an inactive account that waits for a system admin",
)
