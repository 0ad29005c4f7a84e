"""The information governance dashboard through the API: the same figures as the page and
its CSV, for IG admins only (anyone else 404), audited the same way."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from cairn.api_auth.schemas import error_responses
from cairn.core.http import actor_of

from . import access, selectors

router = Router(tags=["governance"])


class BarOut(Schema):
    label: str
    value: int


class FigureOut(Schema):
    label: str
    value: int | str


class PanelOut(Schema):
    key: str
    title: str
    rows: list[BarOut]
    figures: list[FigureOut]


class HeldOut(Schema):
    agency: str
    counts: dict[str, int]
    total: int


class DashboardOut(Schema):
    as_of: dt.date
    panels: list[PanelOut]
    held: list[HeldOut]


@router.get("/governance/dashboard", response={200: DashboardOut, **error_responses(404)})
def dashboard(request: HttpRequest) -> dict[str, Any]:
    """Information governance figures: retention reviews due and overdue (your agency),
    subject access requests by clock, restrictions in force, disclosures by lawful basis,
    and records held by category and agency. Counts only; no person is named."""
    actor = actor_of(request)
    access.require_viewer(actor)
    overview = selectors.consult_overview(actor)
    assert overview is not None  # require_viewer passed
    return {
        "as_of": overview.today,
        "panels": [
            {
                "key": p.key,
                "title": p.title,
                "rows": [{"label": b.label, "value": b.value} for b in p.rows],
                "figures": [{"label": label, "value": value} for label, value in p.figures],
            }
            for p in overview.panels
        ],
        "held": [
            {
                "agency": row.agency,
                "counts": dict(zip(overview.categories, row.counts, strict=True)),
                "total": row.total,
            }
            for row in overview.held
        ],
    }
