"""Disruption API: tactics (list, read, record), CAWN eligibility, issue, service and
breaches, markers, overdue reviews, disruption plans and Contextual Safeguarding location
assessments with their actions. Scoped by the access layer:
records you may not see and records that do not exist both give 404.

One module per family; each operation names its `operation_id` as it was when the API
was one module (cairn_disruption_api_<function>), as clients and tests know it."""

from __future__ import annotations

from ninja import Router

from . import cawns, locations, markers, plans, tactics

# One router, assembled from the families in the order the operations were first written.
router = Router(tags=["disruption"])
router.add_router("", tactics.router)
router.add_router("", cawns.router)
router.add_router("", markers.router)
router.add_router("", plans.router)
router.add_router("", locations.router)
