"""Audit event names owned by the information rights app."""

from cairn.audit.registry import Action, register

A = Action
for _name, _action, _description in [
    ("rights.request_logged", A.COLLECTION, "A rectification or restriction request was logged"),
    ("rights.request_extended", A.ALTERATION, "A rights request's time limit was extended"),
    ("rights.request_closed", A.ALTERATION, "A rights request was answered (its outcome)"),
    ("rights.request_viewed", A.CONSULTATION, "A rights request was viewed"),
    ("rights.requests_listed", A.CONSULTATION, "The list of rights requests was viewed"),
    ("rights.restricted", A.ALTERATION, "Processing of a record was restricted"),
    ("rights.restriction_lifted", A.ALTERATION, "A restriction of processing was lifted"),
]:
    register(_name, _action, _description)
