"""What a subject access bundle holds: every record that mentions a confirmed person,
across every agency, as plain text with its owning agency (ADR 0025). Read only by the
SAR services, for IG, after the access layer has let them at the request; each builder
says what it takes from one record type. Drafts are not included (not yet submitted
records are the author's working notes and are answered separately if asked for)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from cairn.concerns.models import Concern, ConcernStatus
from cairn.disruption.models import TacticSubject
from cairn.hub.models import AgendaItem, MissingEpisode
from cairn.intelligence.models import Status as IntelStatus
from cairn.intelligence.models import Submission, SubmissionEntity
from cairn.pole.models import Link, Person
from cairn.referrals.models import Referral, ReferralStatus


@dataclass(frozen=True)
class ItemSpec:
    record_type: str
    record_id: str
    title: str
    agency_id: int
    police_only: bool
    text: str


def _lines(pairs: Iterable[tuple[str, Any]]) -> str:
    """`Label: value` lines, empty values left out."""
    return "\n".join(f"{label}: {value}" for label, value in pairs if value not in ("", None, []))


def _date(value: Any) -> str:
    return f"{value:%-d %B %Y}" if value else ""


def _person(person: Person) -> ItemSpec:
    names = [
        f"{n.given_name} {n.family_name}".strip() + f" ({n.get_kind_display().lower()})"
        for n in person.names.all()
    ]
    text = _lines(
        [
            ("Name", person.full_name),
            ("Other names recorded", "; ".join(names)),
            ("Date of birth", _date(person.date_of_birth)),
            ("Sex", person.get_sex_display()),
            ("Ethnicity", person.get_ethnicity_display()),
            ("First language", person.first_language),
            ("Description", person.description),
        ]
    )
    return ItemSpec(
        "person",
        str(person.pk),
        f"Person record: {person.full_name}",
        person.entity.owning_agency_id,
        person.entity.police_only,
        text,
    )


def _concerns(person: Person) -> Iterator[ItemSpec]:
    for c in (
        Concern.objects.filter(child=person, disposed_at__isnull=True)
        .exclude(status=ConcernStatus.DRAFT)
        .order_by("observed_on", "pk")
    ):
        yield ItemSpec(
            "concern",
            str(c.pk),
            f"Concern {c.reference}",
            c.reporter_agency_id,
            False,
            _lines(
                [
                    ("Observed on", _date(c.observed_on)),
                    ("Where", c.observed_where),
                    ("Reporter's role", c.reporter_role),
                    ("What was seen", c.narrative),
                ]
            ),
        )


def _intelligence(person: Person) -> Iterator[ItemSpec]:
    linked = SubmissionEntity.objects.filter(entity_id=person.pk).values("submission_id")
    for s in (
        Submission.objects.filter(Q(subject=person) | Q(pk__in=linked), disposed_at__isnull=True)
        .exclude(status=IntelStatus.DRAFT)
        .order_by("when_on", "pk")
    ):
        # Intelligence is police information (DPA 2018 Part 3) whoever submitted it.
        yield ItemSpec(
            "intelligence",
            str(s.pk),
            f"Intelligence submission {s.pk}",
            s.submitter_agency_id,
            True,
            _lines(
                [
                    ("Subject", s.subject_description),
                    ("When", _date(s.when_on)),
                    ("Where", s.where),
                    ("What was seen or heard", s.what),
                    ("Further information", s.further_information),
                ]
            ),
        )


def _referrals(person: Person) -> Iterator[ItemSpec]:
    for r in (
        Referral.objects.filter(child=person)
        .exclude(status=ReferralStatus.DRAFT)
        .order_by("submitted_at", "pk")
    ):
        details = [(str(k).replace("_", " ").capitalize(), v) for k, v in r.details.items()]
        yield ItemSpec(
            "referral",
            str(r.pk),
            f"{r.get_kind_display()} referral {r.reference}",
            r.sender_agency_id,
            False,
            _lines(
                [
                    ("Submitted", _date(r.submitted_at)),
                    ("Status", r.get_status_display()),
                    *((k, v if isinstance(v, str) else ", ".join(map(str, v))) for k, v in details),
                    ("Reason declined", r.decline_reason),
                ]
            ),
        )


def _tactics(person: Person) -> Iterator[ItemSpec]:
    for ts in (
        TacticSubject.objects.filter(entity_id=person.pk)
        .select_related("tactic")
        .order_by("tactic__created_at", "pk")
    ):
        t = ts.tactic
        yield ItemSpec(
            "tactic",
            str(t.pk),
            f"Disruption {t.reference}: {t.get_tactic_type_display()}",
            t.owning_agency_id,
            t.police_only,
            _lines(
                [
                    ("Title", t.title),
                    ("Role of the person", ts.get_role_display()),
                    ("Status", t.get_status_display()),
                    ("Legal basis", t.legal_basis),
                    ("Notes", t.notes),
                    ("Outcome", t.outcome),
                ]
            ),
        )


def _agenda(person: Person) -> Iterator[ItemSpec]:
    for item in (
        AgendaItem.objects.filter(subject_id=person.pk)
        .select_related("meeting__created_by")
        .order_by("meeting__starts_at", "pk")
    ):
        meeting = item.meeting
        yield ItemSpec(
            "agenda_item",
            str(item.pk),
            f"Hub meeting {_date(meeting.starts_at)}: {item.title}",
            meeting.created_by.agency_id or person.entity.owning_agency_id,
            False,
            _lines(
                [
                    ("Meeting", meeting.title),
                    ("Why discussed", item.reason),
                    ("Discussion", item.discussion),
                    ("Decisions", item.decisions),
                ]
            ),
        )


def _missing(person: Person) -> Iterator[ItemSpec]:
    for ep in (
        MissingEpisode.objects.filter(child=person)
        .select_related("recorded_by")
        .order_by("reported_at", "pk")
    ):
        yield ItemSpec(
            "missing_episode",
            str(ep.pk),
            f"Missing episode reported {_date(ep.reported_at)}",
            ep.recorded_by.agency_id or person.entity.owning_agency_id,
            False,
            _lines(
                [
                    ("Reported missing", _date(ep.reported_at)),
                    ("Circumstances", ep.circumstances),
                    ("Found or returned", _date(ep.found_at)),
                    ("Where found", ep.where_found),
                ]
            ),
        )


def _links(person: Person) -> Iterator[ItemSpec]:
    for link in (
        Link.objects.filter(Q(from_entity_id=person.pk) | Q(to_entity_id=person.pk))
        .select_related("from_entity", "to_entity")
        .order_by("pk")
    ):
        other = link.to_entity if link.from_entity_id == person.pk else link.from_entity
        yield ItemSpec(
            "link",
            str(link.pk),
            f"Link: {link.get_link_type_display()}",
            link.owning_agency_id,
            link.police_only,
            _lines(
                [
                    ("Link", link.get_link_type_display()),
                    ("Other party", other.label),
                    ("From", _date(link.started_on)),
                    ("To", _date(link.ended_on)),
                ]
            ),
        )


BUILDERS = (_concerns, _intelligence, _referrals, _tactics, _agenda, _missing, _links)


def records_about(people: Iterable[Person]) -> list[ItemSpec]:
    """Every record about the people, each once (a link between two of them, say)."""
    seen: set[tuple[str, str]] = set()
    found: list[ItemSpec] = []
    for person in people:
        for spec in (_person(person), *(s for b in BUILDERS for s in b(person))):
            if (spec.record_type, spec.record_id) not in seen:
                seen.add((spec.record_type, spec.record_id))
                found.append(spec)
    return found


@dataclass(frozen=True)
class Segment:
    """A run of an item's text as disclosed: the text itself, or (redacted) only the
    label of the exemption, so the withheld words never reach the page or the PDF."""

    text: str
    redacted: bool = False


def segments(text: str, spans: Iterable[tuple[int, int, str]]) -> list[Segment]:
    """`text` cut at the redacted spans (start, end, label); overlapping spans merge and
    take the first label."""
    merged: list[list[Any]] = []
    for start, end, label in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end, label])
    out: list[Segment] = []
    pos = 0
    for start, end, label in merged:
        if start > pos:
            out.append(Segment(text[pos:start]))
        out.append(Segment(f"[Redacted: {label}]", redacted=True))
        pos = end
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return out
