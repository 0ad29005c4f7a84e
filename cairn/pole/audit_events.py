"""Audit event names owned by the POLE app (people, objects, locations and links)."""

from cairn.audit.registry import Action, register

A = Action
for _name, _action, _description in [
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
]:
    register(_name, _action, _description)
