"""Audit event names owned by the retention app."""

from cairn.audit.registry import Action, register

A = Action
for _name, _action, _description in [
    ("retention.queue_viewed", A.CONSULTATION, "The retention review queue was viewed"),
    ("retention.review_viewed", A.CONSULTATION, "A record due for review was opened by IG"),
    ("retention.retained", A.ALTERATION, "A record was reviewed and kept (reason, next review)"),
    (
        "retention.disposed",
        A.ERASURE,
        "A record was disposed of under a retention rule (personal data erased, tombstone left)",
    ),
    ("retention.tombstone_viewed", A.CONSULTATION, "A disposal tombstone was viewed"),
    ("retention.rules_seeded", A.COLLECTION, "Default retention rules were set for an agency"),
]:
    register(_name, _action, _description)
