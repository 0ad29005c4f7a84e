"""Audit event names owned by the accounts app: signing in and out, two-step
verification, user accounts and the admin site."""

from cairn.audit.registry import Action, register

A = Action
for _name, _action, _description in [
    ("auth.signed_in", A.SECURITY, "A user signed in"),
    ("auth.signed_out", A.SECURITY, "A user signed out"),
    ("auth.sign_in_failed", A.SECURITY, "A sign-in attempt failed"),
    ("auth.locked_out", A.SECURITY, "An account was locked after repeated failures"),
    ("auth.two_step_enabled", A.SECURITY, "Two-step verification was set up"),
    ("auth.two_step_verified", A.SECURITY, "A sign-in code was accepted"),
    ("auth.two_step_failed", A.SECURITY, "A wrong sign-in code was entered"),
    ("auth.two_step_reset", A.SECURITY, "A user's two-step verification was reset"),
    ("accounts.user_created", A.COLLECTION, "A user account was created"),
    ("accounts.user_changed", A.ALTERATION, "A user account was changed"),
    ("admin.record_created", A.COLLECTION, "A reference record was created in the admin site"),
    ("admin.record_changed", A.ALTERATION, "A reference record was changed in the admin site"),
]:
    register(_name, _action, _description)

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
