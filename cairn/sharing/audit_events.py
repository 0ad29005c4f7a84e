"""Audit event names owned by the sharing app."""

from cairn.audit.registry import Action, register

A = Action
for _name, _action, _description in [
    ("sharing.agreement_created", A.COLLECTION, "An information-sharing agreement was added"),
    ("sharing.agreement_changed", A.ALTERATION, "An information-sharing agreement was changed"),
    (
        "sharing.agreement_withdrawn",
        A.ALTERATION,
        "An information-sharing agreement was withdrawn",
    ),
    ("sharing.agreements_listed", A.CONSULTATION, "The register of sharing agreements was viewed"),
    (
        "sharing.basis_recorded",
        A.COLLECTION,
        "The lawful basis of a disclosure to another agency was recorded",
    ),
    ("sharing.disclosures_listed", A.CONSULTATION, "Disclosures by lawful basis were viewed"),
    ("sharing.disclosures_exported", A.DISCLOSURE, "Disclosures by lawful basis were exported"),
    (
        "sharing.disclosure_reviewed",
        A.ALTERATION,
        "An exceptional disclosure was reviewed by its agency's information governance",
    ),
]:
    register(_name, _action, _description)
