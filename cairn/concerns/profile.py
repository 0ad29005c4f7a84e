"""The child's risk picture on the profile page: confirmed level and trajectory (a small
server-rendered SVG chart with a table alternative), active signs, boyfriend-model stage
changes, exploitation types and who is involved from each agency."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from cairn.core.types import Actor
from cairn.pole import profile_sections
from cairn.pole.models import Person

from .models import RISK_ORDER, ExploitationType, IndicatorObservation, RiskLevel
from .selectors import child_concerns_for_profile, trajectory

CHART_W, CHART_H, PAD = 320, 120, 28
LEVEL_Y = {
    level: CHART_H - PAD - RISK_ORDER[level] * (CHART_H - 2 * PAD) / 3 for level in RiskLevel
}


@dataclass
class ActiveSign:
    label: str
    category: str
    count: int
    last_seen: dt.date


def chart_points(decisions: list[Any]) -> list[dict[str, Any]]:
    """x/y positions for each decision, spread evenly in time order."""
    if not decisions:
        return []
    n = len(decisions)
    step = (CHART_W - 2 * PAD) / max(n - 1, 1)
    return [
        {
            "x": round(PAD + i * step if n > 1 else CHART_W / 2, 1),
            "y": round(LEVEL_Y[RiskLevel(d.level)], 1),
            "decision": d,
        }
        for i, d in enumerate(decisions)
    ]


def _active_signs(child: Person, today: dt.date) -> list[ActiveSign]:
    since = today - dt.timedelta(days=365)
    signs: OrderedDict[str, ActiveSign] = OrderedDict()
    rows = (
        IndicatorObservation.objects.filter(child=child, observed_on__gte=since)
        .select_related("indicator")
        .order_by("-observed_on")
    )
    for obs in rows:
        sign = signs.get(obs.indicator.code)
        if sign is None:
            signs[obs.indicator.code] = ActiveSign(
                obs.indicator.label, obs.indicator.get_category_display(), 1, obs.observed_on
            )
        else:
            sign.count += 1
    return list(signs.values())


@profile_sections.register
def risk_section(user: Actor, person: Person) -> profile_sections.Section | None:
    if person.category != "child" or not user.has_perm("concerns.view_concern"):
        return None
    today = timezone.localdate()
    decisions = trajectory(person)
    concerns = child_concerns_for_profile(user, person)
    types_seen = {t for c in concerns for t in c.exploitation_types}
    stages = [
        (c.observed_on, c.get_boyfriend_stage_display())
        for c in reversed(concerns)
        if c.boyfriend_stage
    ]
    involved: OrderedDict[str, set[str]] = OrderedDict()
    involved.setdefault(person.entity.owning_agency.name, set())
    for c in concerns:
        involved.setdefault(c.reporter_agency.name, set()).add(str(c.reporter))
    points = chart_points(decisions)
    return "concerns/_child_risk.html", {
        "current": decisions[-1] if decisions else None,
        "decisions": decisions,
        "points": points,
        "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
        "levels": [(level.label, round(LEVEL_Y[level], 1)) for level in RiskLevel],
        "chart": {"w": CHART_W, "h": CHART_H, "pad": PAD},
        "signs": _active_signs(person, today),
        "types": [label for code, label in ExploitationType.choices if code in types_seen],
        "stages": stages,
        "involved": [(agency, sorted(names)) for agency, names in involved.items()],
        "concern_count": len(concerns),
    }
