"""Screening: a *suggested* risk level from a child's indicator observations, with the
reasons a person can check. Pure functions over plain data, so the rules are easy to test
and to explain. The practitioner always confirms or chooses the level (DOMAIN.md s.3).

Rules (configurable through settings.CAIRN_SCREENING):
- recency: an observation within 6 months counts fully, 6-12 months half, older a tenth;
- repeats of one indicator add half their weight each, up to three times;
- significant: two or more different significant (or county-lines) indicators within
  6 months, or a weighted score of 12 or more;
- moderate: one significant indicator within 6 months, or a score of 5 or more;
- emerging: any sign of exploitation (not only background vulnerabilities);
- none: nothing, or background vulnerabilities only;
- local rules: no 'none' for a child under 13 or with a learning disability when any
  indicator is present (then 'emerging');
- danger now: when the concern's text reads as someone in danger now, or the practitioner
  answered yes to "Is anyone in immediate danger?", the suggestion is 'significant' whatever
  the indicators say, with that reason first (`with_danger_now`; issue 12).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    "recent_days": 183,
    "older_days": 365,
    "recent_factor": 1.0,
    "older_factor": 0.5,
    "old_factor": 0.1,
    "repeat_factor": 0.5,
    "max_repeats_counted": 3,
    "significant_score": 12.0,
    "moderate_score": 5.0,
    "significant_distinct": 2,
    "no_none_under_age": 13,
    "no_none_learning_disability": True,
}

STRONG_CATEGORIES = {"significant", "county_lines_cce"}
CATEGORY_WORDS = {
    "vulnerability": "vulnerability",
    "moderate": "moderate indicator",
    "significant": "significant indicator",
    "county_lines_cce": "county lines / criminal exploitation indicator",
    "online": "online indicator",
}
NUMBER_WORDS = {1: "once", 2: "twice"}


@dataclass(frozen=True)
class Observation:
    code: str
    label: str
    category: str
    weight: int
    observed_on: dt.date


@dataclass
class Screening:
    suggested_level: str
    reasons: list[str] = field(default_factory=list)
    score: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "suggested_level": self.suggested_level,
            "reasons": self.reasons,
            "score": round(self.score, 2),
        }


def config() -> dict[str, Any]:
    return {**DEFAULTS, **getattr(settings, "CAIRN_SCREENING", {})}


def _times(n: int) -> str:
    return NUMBER_WORDS.get(n, f"{n} times")


def _period(age_days: int, cfg: dict[str, Any]) -> tuple[str, float]:
    if age_days <= cfg["recent_days"]:
        return "in the last 6 months", cfg["recent_factor"]
    if age_days <= cfg["older_days"]:
        return "6 to 12 months ago", cfg["older_factor"]
    return "more than 12 months ago", cfg["old_factor"]


def screen(
    observations: Iterable[Observation],
    *,
    today: dt.date,
    age: int | None = None,
    has_learning_disability: bool = False,
    cfg: dict[str, Any] | None = None,
) -> Screening:
    cfg = cfg or config()
    groups: dict[tuple[str, str], list[Observation]] = defaultdict(list)
    for obs in observations:
        if obs.observed_on > today:
            continue  # validation refuses future dates; never let one inflate a score
        period, _ = _period((today - obs.observed_on).days, cfg)
        groups[(obs.code, period)].append(obs)

    score = 0.0
    reasons: list[str] = []
    strong_recent: set[str] = set()
    any_sign = False
    for (_code, period), group in sorted(
        groups.items(), key=lambda kv: (-kv[1][0].weight, kv[1][0].label, kv[0][1])
    ):
        first = group[0]
        _, factor = _period((today - max(o.observed_on for o in group)).days, cfg)
        counted = min(len(group), cfg["max_repeats_counted"])
        contribution = first.weight * factor * (1 + cfg["repeat_factor"] * (counted - 1))
        score += contribution
        if first.category != "vulnerability":
            any_sign = True
        if first.category in STRONG_CATEGORIES and factor == cfg["recent_factor"]:
            strong_recent.add(first.code)
        reasons.append(
            f"{first.label} {_times(len(group))} {period}: {CATEGORY_WORDS[first.category]}"
        )

    if len(strong_recent) >= cfg["significant_distinct"]:
        level = "significant"
        reasons.insert(
            0, f"{len(strong_recent)} different significant indicators in the last 6 months"
        )
    elif score >= cfg["significant_score"]:
        level = "significant"
        reasons.insert(
            0, f"Weighted indicator score {score:.1f} is {cfg['significant_score']:g} or more"
        )
    elif strong_recent:
        level = "moderate"
        reasons.insert(0, "A significant indicator in the last 6 months")
    elif score >= cfg["moderate_score"]:
        level = "moderate"
        reasons.insert(
            0, f"Weighted indicator score {score:.1f} is {cfg['moderate_score']:g} or more"
        )
    elif any_sign:
        level = "emerging"
        reasons.insert(0, "Signs of possible exploitation, none yet significant")
    else:
        level = "none"
        if groups:
            reasons.insert(0, "Background vulnerabilities only, no signs of exploitation")
        else:
            reasons.insert(0, "No indicators recorded")

    if level == "none" and groups:
        if age is not None and age < cfg["no_none_under_age"]:
            level = "emerging"
            reasons.insert(
                0,
                f"Local rule: a child under {cfg['no_none_under_age']} with any "
                "indicator is at least 'emerging'",
            )
        elif has_learning_disability and cfg["no_none_learning_disability"]:
            level = "emerging"
            reasons.insert(
                0,
                "Local rule: a child with a learning disability and any indicator "
                "is at least 'emerging'",
            )
    return Screening(suggested_level=level, reasons=reasons, score=score)


def forbidden_levels(
    *,
    has_indicators: bool,
    age: int | None,
    has_learning_disability: bool,
    cfg: dict[str, Any] | None = None,
) -> dict[str, str]:
    """Levels a practitioner may not choose under local rules, with the reason."""
    cfg = cfg or config()
    if not has_indicators:
        return {}
    if age is not None and age < cfg["no_none_under_age"]:
        return {
            "none": f"Local rule: 'none' cannot be chosen for a child under "
            f"{cfg['no_none_under_age']} with indicators present"
        }
    if has_learning_disability and cfg["no_none_learning_disability"]:
        return {
            "none": "Local rule: 'none' cannot be chosen for a child with a learning "
            "disability and indicators present"
        }
    return {}


TOP_LEVEL = "significant"


def with_danger_now(result: Screening, *, said: bool, quote: str = "") -> Screening:
    """`result` raised to the top level when someone may be in danger now: the practitioner
    said so (`said`) or the concern's text reads so (`quote`, the sentence). An emergency is
    never suggested as 'none' or low because few indicators are recorded yet."""
    if not (said or quote):
        return result
    reasons: list[str] = []
    if said:
        reasons.append("You said someone is in immediate danger now: the top level is suggested")
    if quote:
        reasons.append(
            f"What was written reads as someone in danger now: \u201c{quote}\u201d; "
            "the top level is suggested"
        )
    if result.suggested_level != TOP_LEVEL:
        reasons.append(
            f"The indicators alone would suggest {result.suggested_level}: {result.reasons[0]}"
            if result.reasons
            else f"The indicators alone would suggest {result.suggested_level}"
        )
        reasons.extend(result.reasons[1:])
    else:
        reasons.extend(result.reasons)
    return Screening(suggested_level=TOP_LEVEL, reasons=reasons, score=result.score)
