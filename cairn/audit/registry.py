"""The stable names of audit events. Each name maps to a DPA 2018 s.62 processing
operation; services may only record names registered here, so the log stays queryable
and its meaning never drifts. Later apps register their own events with `register`."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class Action(models.TextChoices):
    COLLECTION = "collection", "Collection"
    ALTERATION = "alteration", "Alteration"
    CONSULTATION = "consultation", "Consultation"
    DISCLOSURE = "disclosure", "Disclosure"
    COMBINATION = "combination", "Combination"
    ERASURE = "erasure", "Erasure"
    SECURITY = "security", "Security"


@dataclass(frozen=True)
class EventType:
    name: str
    action: Action
    description: str


EVENTS: dict[str, EventType] = {}


def register(name: str, action: Action, description: str) -> EventType:
    existing = EVENTS.get(name)
    if existing is not None and existing.action != action:
        raise ValueError(f"Audit event {name!r} is already registered as {existing.action}.")
    event = EventType(name=name, action=action, description=description)
    EVENTS[name] = event
    return event


def get(name: str) -> EventType:
    try:
        return EVENTS[name]
    except KeyError:
        raise ValueError(f"Unregistered audit event {name!r}; add it to a registry.") from None


A = Action
for _name, _action, _description in [
    ("auth.signed_in", A.SECURITY, "A user signed in"),
    ("auth.signed_out", A.SECURITY, "A user signed out"),
    ("auth.sign_in_failed", A.SECURITY, "A sign-in attempt failed"),
    ("auth.locked_out", A.SECURITY, "An account was locked after repeated failures"),
    ("auth.api_token_created", A.SECURITY, "An API token was issued"),
    ("auth.two_step_enabled", A.SECURITY, "Two-step verification was set up"),
    ("auth.two_step_verified", A.SECURITY, "A sign-in code was accepted"),
    ("auth.two_step_failed", A.SECURITY, "A wrong sign-in code was entered"),
    ("auth.two_step_reset", A.SECURITY, "A user's two-step verification was reset"),
    ("auth.api_token_revoked", A.SECURITY, "An API token was revoked"),
    ("accounts.user_created", A.COLLECTION, "A user account was created"),
    ("accounts.user_changed", A.ALTERATION, "A user account was changed"),
    ("admin.record_created", A.COLLECTION, "A reference record was created in the admin site"),
    ("admin.record_changed", A.ALTERATION, "A reference record was changed in the admin site"),
    ("person.created", A.COLLECTION, "A person record was created"),
    ("person.changed", A.ALTERATION, "A person record was changed"),
    ("person.viewed", A.CONSULTATION, "A person record was viewed"),
    ("person.searched", A.CONSULTATION, "People were searched"),
    ("person.name_added", A.ALTERATION, "A name or alias was added to a person"),
    ("entity.created", A.COLLECTION, "An object or location was recorded"),
    ("entity.viewed", A.CONSULTATION, "An object or location was viewed"),
    ("entity.searched", A.CONSULTATION, "Objects and locations were searched"),
    ("entity.shared", A.DISCLOSURE, "A record was shared with another agency"),
    ("entity.share_revoked", A.ALTERATION, "A record's share with another agency was revoked"),
    ("entity.shares_viewed", A.CONSULTATION, "Who a record is shared with was viewed"),
    ("link.created", A.COLLECTION, "A link between records was recorded"),
    ("link.source_added", A.COLLECTION, "A further source was recorded for a known link"),
    ("link.ended", A.ALTERATION, "A link between records was ended"),
    ("links.viewed", A.CONSULTATION, "A record's links were viewed"),
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
    ("demo.loaded", A.COLLECTION, "Synthetic demo data was loaded"),
]:
    register(_name, _action, _description)
