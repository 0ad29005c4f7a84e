"""Reads for concerns: screening a child, recommending pathways, a child's risk picture
and lists, always scoped through the access layers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Case, Prefetch, QuerySet, Value, When
from django.utils import timezone

from cairn.audit import services as audit
from cairn.core.types import Actor
from cairn.intelligence import checks
from cairn.intelligence.checks import TextCheck
from cairn.intelligence.crime_model import family_label
from cairn.pole.access import visible_people
from cairn.pole.models import Person
from cairn.pole.search import PersonMatch, search_people
from cairn.pole.selectors import consult_people_found

from . import pathways, payload, screening
from .access import visible_concerns, visible_concerns_about
from .models import (
    Concern,
    ConcernStatus,
    Indicator,
    IndicatorObservation,
    PathwayDecision,
    RiskDecision,
)


def _observations(child: Person) -> list[screening.Observation]:
    rows = IndicatorObservation.objects.filter(child=child).select_related("indicator")
    return [
        screening.Observation(
            code=o.indicator.code,
            label=o.indicator.label,
            category=o.indicator.category,
            weight=o.indicator.weight,
            observed_on=o.observed_on,
        )
        for o in rows
    ]


def screening_for_child(
    child: Person | None,
    extra: list[screening.Observation] | None = None,
    today: dt.date | None = None,
) -> tuple[screening.Screening, dict[str, Any]]:
    today = today or timezone.localdate()
    observations = (_observations(child) if child is not None else []) + (extra or [])
    age = child.age_on(today) if child is not None else None
    result = screening.screen(
        observations,
        today=today,
        age=age,
        has_learning_disability=bool(child and child.has_learning_disability),
    )
    return result, {"age": age, "has_indicators": bool(observations)}


def concern_screening(
    concern: Concern, child: Person | None, text: TextCheck | None = None
) -> tuple[screening.Screening, dict[str, Any]]:
    """The child's screening for this concern: the indicators' suggestion, raised to the
    top level when the practitioner said someone is in danger now or the concern's text
    reads so (issue 12)."""
    result, facts = screening_for_child(child)
    found = text if text is not None else concern_text_check(concern)
    return (
        screening.with_danger_now(
            result,
            said=bool(concern.immediate_danger),
            quote=found.sentence if found.danger_now else "",
        ),
        facts,
    )


def latest_decision(child: Person) -> RiskDecision | None:
    return RiskDecision.objects.filter(child=child).order_by("-decided_at", "-pk").first()


def text_check(narrative: str, evidence: list[str]) -> TextCheck:
    """The crime and danger-now check (intelligence.checks, ADR 0019) of what the
    practitioner wrote: the narrative and each sign's evidence, read as the FIB form's
    fields are (`checks.form_text`: evidence that says nothing, "see above", left out)."""
    return checks.text_check(checks.form_text(*(t.strip() for t in [narrative, *evidence])))


def draft_text_check(concern: Concern) -> TextCheck:
    draft = concern.draft or {}
    evidence = [str(i.get("evidence") or "") for i in draft.get("indicators") or []]
    return text_check(str(draft.get("narrative") or ""), evidence)


def concern_text_check(concern: Concern) -> TextCheck:
    """The text check of a submitted concern (its narrative and its observations' evidence)."""
    evidence = list(concern.observations.values_list("evidence", flat=True))
    return text_check(concern.narrative, evidence)


def _facts(
    *,
    concern_types: list[str],
    codes: set[str],
    mentions: int,
    immediate_danger: bool | None,
    crime_disclosed: bool | None,
    level: str,
    actor: Actor,
    text: TextCheck | None = None,
) -> pathways.PathwayFacts:
    found = text or TextCheck()
    return pathways.PathwayFacts(
        text_crime=found.sentence if found.crime else "",
        text_danger=found.sentence if found.danger_now else "",
        text_families=tuple(family_label(f) for f in found.families),
        immediate_danger=bool(immediate_danger),
        crime_disclosed=bool(crime_disclosed),
        level=level,
        exploitation_types=frozenset(concern_types),
        indicator_codes=frozenset(codes),
        mentions=mentions,
        first_responder=bool(actor.agency and actor.agency.is_first_responder),
    )


def pathways_for(
    concern: Concern, actor: Actor, text: TextCheck | None = None
) -> list[pathways.Recommendation]:
    decision = concern.risk_decisions.order_by("-decided_at", "-pk").first()
    level = decision.level if decision else "none"
    codes = set(concern.observations.values_list("indicator__code", flat=True))
    mentions = len(concern.draft.get("mentions") or [])
    return pathways.recommend(
        _facts(
            concern_types=concern.exploitation_types,
            codes=codes,
            mentions=mentions,
            immediate_danger=concern.immediate_danger,
            crime_disclosed=concern.crime_disclosed,
            level=level,
            actor=actor,
            text=text if text is not None else concern_text_check(concern),
        )
    )


@dataclass
class Preview:
    screening: screening.Screening
    pathways: list[pathways.Recommendation]
    errors: payload.Errors


def preview(actor: Actor, data: dict[str, Any]) -> Preview:
    """Screening and pathways for a concern that is not stored (live guidance)."""

    today = timezone.localdate()
    clean, errors = payload.clean(data, today=today, require_complete=False)
    child = None
    if clean.child_id is not None:
        child = visible_people(actor).filter(pk=clean.child_id).first()
        if child is None:
            errors.setdefault("child_id", []).append(
                "Choose or add the child this concern is about"
            )
    extra = [
        screening.Observation(
            code=i.indicator.code,
            label=i.indicator.label,
            category=i.indicator.category,
            weight=i.indicator.weight,
            observed_on=i.observed_on,
        )
        for i in clean.indicators
    ]
    result, _ = screening_for_child(child, extra=extra, today=today)
    found = text_check(clean.narrative, [i.evidence for i in clean.indicators])
    result = screening.with_danger_now(
        result,
        said=bool(clean.immediate_danger),
        quote=found.sentence if found.danger_now else "",
    )
    recs = pathways.recommend(
        _facts(
            concern_types=clean.exploitation_types,
            codes={i.indicator.code for i in clean.indicators},
            mentions=len(clean.mentions),
            immediate_danger=clean.immediate_danger,
            crime_disclosed=clean.crime_disclosed,
            level=result.suggested_level,
            actor=actor,
            text=found,
        )
    )
    return Preview(screening=result, pathways=recs, errors=errors)


def concerns_for_child(user: Actor, child: Person) -> QuerySet[Concern]:
    return (
        visible_concerns_about(user, child)
        .exclude(status=ConcernStatus.DRAFT)
        .select_related("reporter", "reporter_agency")
        .order_by("-observed_on", "-created_at")
    )


def child_concerns_for_profile(user: Actor, child: Person) -> list[Concern]:
    """`concerns_for_child` with each concern's observations and their indicators, read
    once per request: the profile's risk section and the chronology share the result
    (cached on the person object, per user), as cairn/missing does for its episodes."""
    cache: dict[int, list[Concern]] = child.__dict__.setdefault("_cairn_concerns", {})
    if user.pk not in cache:
        observations = IndicatorObservation.objects.select_related("indicator")
        cache[user.pk] = list(
            concerns_for_child(user, child).prefetch_related(
                Prefetch("observations", queryset=observations)
            )
        )
    return cache[user.pk]


def submitted_concerns(user: Actor, *, child: Person | None = None) -> QuerySet[Concern]:
    qs = visible_concerns(user).exclude(status=ConcernStatus.DRAFT)
    if child is not None:
        qs = qs.filter(child=child)
    return qs.select_related("reporter_agency").order_by("-submitted_at", "-pk")


def my_drafts(user: Actor) -> QuerySet[Concern]:
    # A draft with no answer in it ("Start now" pressed, then left) is not listed, so each
    # start left behind does not pile up in the drafts (outside tester, F10).
    return (
        visible_concerns(user)
        .filter(reporter=user, status=ConcernStatus.DRAFT)
        .exclude(draft={}, child__isnull=True)
        .select_related("child")
        .order_by("-updated_at")
    )


def my_concerns(user: Actor) -> QuerySet[Concern]:
    """The user's submitted concerns, those about a restricted record included (ADR 0023,
    amendment): rather than vanish from the reporter's list, each is marked
    `child_restricted` and the page shows its reference and status only ("restricted:
    ask your IG"); its content and the child stay withheld (the concern page is 404)."""
    if not user.is_authenticated or not user.has_perm("concerns.view_concern"):
        return Concern.objects.none()
    return (
        Concern.objects.filter(reporter=user, disposed_at__isnull=True)
        .exclude(status=ConcernStatus.DRAFT)
        .exclude(child__entity__disposed_at__isnull=False)
        .annotate(
            child_restricted=Case(
                When(child__entity__restricted_since__isnull=False, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .select_related("child", "reporter_agency")
        .order_by("-submitted_at")
    )


def trajectory(child: Person) -> list[RiskDecision]:
    """The child's risk decisions, oldest first, read once per request (cached on the
    person object): the profile's risk section and the chronology share them. Only for a
    child the caller may see, by a user with `concerns.view_concern`."""
    cached: list[RiskDecision] | None = child.__dict__.get("_cairn_risk_decisions")
    if cached is None:
        cached = list(
            RiskDecision.objects.filter(child=child)
            .select_related("decided_by")
            .order_by("decided_at", "pk")
        )
        child.__dict__["_cairn_risk_decisions"] = cached
    return cached


def pathway_decisions(concern: Concern) -> list[PathwayDecision]:
    return list(concern.pathway_decisions.order_by("code"))


def active_indicators() -> list[Indicator]:
    return list(Indicator.objects.filter(active=True).order_by("sort_order", "label"))


def indicators_by_code(codes: list[str]) -> list[Indicator]:
    found = {i.code: i for i in Indicator.objects.filter(code__in=codes, active=True)}
    return [found[c] for c in codes if c in found]


def find_children(user: Actor, query: str) -> list[PersonMatch]:
    return [m for m in search_people(user, query=query) if m.person.category == "child"][:20]


def search_children(user: Actor, query: str) -> list[PersonMatch]:
    """The child search while recording a concern: the children found, each with why it
    matched (the name they were found by and how), recorded as one consultation
    (person.searched) naming them."""
    found = find_children(user, query)
    consult_people_found(
        user,
        [m.person.pk for m in found],
        results=len(found),
        justification="Child search while recording a concern",
        values={"query": query[:100]},
    )
    return found


def consult_concerns(
    user: Actor,
    shown: Iterable[Concern],
    *,
    justification: str,
    subject: Person | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Concerns listed (the web's "my concerns" with drafts, or a page through the API):
    one consultation row (concern.listed) naming the child of each concern shown."""
    audit.record_list(
        actor=user,
        event="concern.listed",
        subjects=[c.child_id for c in shown],
        subject=subject,
        justification=justification,
        details=details,
    )
