"""The retention clocks (pure functions, tested with time-machine) and the default rules
each kind of agency starts with. Agencies change their rules as data; these are the
starting points an IG lead confirms.

Sources: College of Policing APP, Management of Police Information (MoPI) review and
retention groups; the IRMS toolkits for local authorities and schools; the NHS Records
Management Code of Practice. Periods in Cairn's defaults are the common reading of those,
not legal advice."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cairn.accounts.roles import AgencyKind

if TYPE_CHECKING:
    from .models import RetentionRule


def add_years(day: dt.date, years: int) -> dt.date:
    """The same date `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Due:
    on: dt.date | None
    why: str  # "end" (the retention period ends) or "review" (a periodic review)


def due_for(
    rule: RetentionRule,
    *,
    born: dt.date | None,
    created: dt.date,
    last_activity: dt.date,
    next_review: dt.date | None = None,
) -> Due:
    """When a record falls due under `rule`. A reviewer's "keep until" date
    (`next_review`) wins; otherwise the earlier of the end of the retention period and
    the next periodic review. A birthday clock without a date of birth runs from when
    the record was made: it then keeps the record longer, never shorter."""
    if next_review is not None:
        return Due(next_review, "review")
    candidates: list[Due] = []
    if rule.years is not None:
        if rule.clock == "birthday":
            base = born or created
        elif rule.clock == "created":
            base = created
        else:
            base = last_activity
        candidates.append(Due(add_years(base, rule.years), "end"))
    if rule.review_every_years:
        candidates.append(Due(add_years(last_activity, rule.review_every_years), "review"))
    if not candidates:
        return Due(None, "")
    return min(candidates, key=lambda d: d.on or dt.date.max)


@dataclass(frozen=True)
class RuleSpec:
    record_type: str
    code: str
    name: str
    authority: str
    clock: str
    years: int | None
    review_every_years: int | None = None
    condition: str = "all"
    priority: int = 100


MOPI = "College of Policing APP: Management of Police Information"
_POLICE = (
    [
        RuleSpec(
            rt,
            "mopi-1",
            "MoPI group 1: certain public protection matters",
            f"{MOPI}, group 1",
            "birthday",
            100,
            10,
            "assigned",
            10,
        )
        for rt in ("pole.person", "concerns.concern", "intelligence.submission")
    ]
    + [
        RuleSpec(
            rt,
            "mopi-2",
            "MoPI group 2: other sexual, violent or serious matters",
            f"{MOPI}, group 2",
            "last_activity",
            None,
            10,
            "assigned",
            20,
        )
        for rt in ("pole.person", "concerns.concern", "intelligence.submission")
    ]
    + [
        RuleSpec(
            rt,
            "mopi-3",
            "MoPI group 3: all other police information",
            f"{MOPI}, group 3 (six years after the last action)",
            "last_activity",
            6,
        )
        for rt in ("pole.person", "concerns.concern", "intelligence.submission")
    ]
)

_SOCIAL_CARE = [
    RuleSpec(
        rt,
        "csc-looked-after",
        "Looked-after child: 75 years from birth",
        "IRMS local government toolkit: looked-after children's records",
        "birthday",
        75,
        condition="looked_after",
        priority=10,
    )
    for rt in ("pole.person", "concerns.concern")
] + [
    RuleSpec(
        rt,
        "csc-25",
        "Children's social care: to the 25th birthday",
        "IRMS local government toolkit: children's social care records",
        "birthday",
        25,
    )
    for rt in ("pole.person", "concerns.concern")
]

_TO_25: dict[str, str] = {
    AgencyKind.HEALTH: "NHS Records Management Code of Practice: children's records",
    AgencyKind.EDUCATION: "IRMS schools toolkit: child protection records",
}


def default_rules(kind: str) -> list[RuleSpec]:
    if kind == AgencyKind.POLICE:
        return list(_POLICE)
    if kind == AgencyKind.CHILDRENS_TRUST:
        return list(_SOCIAL_CARE)
    if kind in _TO_25:
        return [
            RuleSpec(
                rt, "to-25", "Child's record: to the 25th birthday", _TO_25[kind], "birthday", 25
            )
            for rt in ("pole.person", "concerns.concern")
        ]
    return [
        RuleSpec(
            rt,
            "six-years",
            "Six years after the last action",
            "The agency's own retention schedule",
            "last_activity",
            6,
        )
        for rt in ("pole.person", "concerns.concern")
    ]
