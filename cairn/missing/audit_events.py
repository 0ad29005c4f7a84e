"""Audit event names owned by the missing app (episodes, returns, return home interviews).
The names are those the Hub app registered when it held missing episodes: audit rows
already written carry them."""

from cairn.audit.registry import Action, register

A = Action
for _name, _action, _description in [
    ("missing.recorded", A.COLLECTION, "A missing episode was recorded"),
    ("missing.returned", A.ALTERATION, "A child's return from a missing episode was recorded"),
    ("missing.rhi_recorded", A.ALTERATION, "A return home interview was recorded"),
    ("missing.viewed", A.CONSULTATION, "A missing episode was viewed"),
    ("missing.listed", A.CONSULTATION, "Missing episodes were listed"),
    ("missing.indicator_added", A.COLLECTION, "A missing-related indicator was added to a child"),
]:
    register(_name, _action, _description)
