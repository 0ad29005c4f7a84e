"""What a subject access bundle holds: every record that mentions a confirmed person,
across every agency, as plain text with its owning agency (ADR 0025). Read only by the
SAR services, for IG, after the access layer has let them at the request; each builder
says what it takes from one record type. Drafts are not included (not yet submitted
records are the author's working notes and are answered separately if asked for).

Completeness (UK GDPR Art. 15(1), DPA 2018 s.45(1)(b)): `PERSON_FIELDS` and
`ENTITY_FIELDS` name every field of the person record and what the bundle calls it, or
why it is left out; `RELATIONS` names every model that points at a person record and the
builder that discloses it, or why it is left out. tests/rights/test_sar_coverage.py fails
when a field or a relation is added without a decision here."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from cairn.concerns.models import (
    Concern,
    ConcernStatus,
    ExploitationType,
    IndicatorObservation,
    RiskDecision,
)
from cairn.core.types import Actor
from cairn.disruption.models import DisruptionPlan, SubjectRole, Tactic, TacticShare
from cairn.hub.models import Action, AgendaItem, MinutesDistribution
from cairn.intelligence.about import about_person_q
from cairn.intelligence.models import CrimeReferral, Dissemination, Submission
from cairn.intelligence.models import Status as IntelStatus
from cairn.missing.models import MissingEpisode
from cairn.pole.models import EntityShare, Link, LinkSource, LookedAfter, Person
from cairn.referrals.documents import answers
from cairn.referrals.models import Referral, ReferralStatus
from cairn.sharing.models import Disclosure

# Person fields: the label the bundle gives each, or (None, why it is left out).
PERSON_FIELDS: dict[str, tuple[str | None, str]] = {
    "entity": (None, "the record's key; what it says is in ENTITY_FIELDS"),
    "category": ("Recorded as", ""),
    "given_name": ("Name", ""),
    "family_name": ("Name", ""),
    "date_of_birth": ("Date of birth", ""),
    "estimated_age": ("Estimated age", ""),
    "estimated_age_on": ("Estimated age", ""),
    "sex": ("Sex", ""),
    "ethnicity": ("Ethnicity", ""),
    "first_language": ("First language", ""),
    "interpreter_needed": ("Interpreter needed", ""),
    "sen_disability": ("Special educational needs or disability", ""),
    "has_learning_disability": ("Learning disability", ""),
    "looked_after": ("Looked-after status", ""),
    "description": ("Description", ""),
}

# The person record's Entity row.
ENTITY_FIELDS: dict[str, tuple[str | None, str]] = {
    "id": (None, "the record's number, shown in the item's reference"),
    "kind": (None, "always 'person' for a person record"),
    "label": (None, "a copy of the name, shown as Name"),
    "owning_agency": ("Recorded by", ""),
    "police_only": (None, "a handling flag; decides who in the Hub may read the item"),
    "hub_shared": ("Shared with the Hub partners", ""),
    "restricted_since": ("Processing restricted since", ""),
    "disposed_at": (None, "a disposed record is no longer held and is never searched"),
    "regime": ("Processed under", ""),
    "marking": (None, "the Government Security Classification: a handling instruction"),
    "created_by": (None, "the staff member; the agency is given as Recorded by"),
    "created_at": ("Record created", ""),
    "updated_at": ("Last updated", ""),
}

# Every (model, field) that points at a person record: the builder that discloses it, or
# why it is left out. Keys are "app_label.Model.field".
RELATIONS: dict[str, str] = {
    "pole.Person.entity": "_person",
    "pole.PersonName.person": "_person (other names, aliases, nicknames, previous names)",
    "pole.EntityShare.entity": "_shares",
    "pole.Link.from_entity": "_links",
    "pole.Link.to_entity": "_links",
    "concerns.Concern.child": "_concerns",
    "concerns.IndicatorObservation.child": "_concerns and _observations",
    "concerns.RiskDecision.child": "_risk_decisions",
    "referrals.Referral.child": "_referrals",
    "intelligence.Submission.subject": "_intelligence",
    "intelligence.SubmissionEntity.entity": "_intelligence",
    # Not a relation: a person named in an entry and matched at entry keeps the record's
    # id in Submission.mentions (JSON); _intelligence finds those too.
    "intelligence.CrimeReferral.child": "_crime_referrals",
    "disruption.TacticSubject.entity": "_tactics",
    "disruption.Cawn.child": "_tactics",
    "disruption.Cawn.person_of_concern": "_tactics",
    "disruption.Marker.entity": "_tactics",
    "disruption.ImmigrationCheck.person": "_tactics",
    "disruption.DisruptionPlan.person_of_concern": "_plans",
    "hub.AgendaItem.subject": "_agenda",
    "hub.Action.subject": "_actions",
    "missing.MissingEpisode.child": "_missing",
}
LEFT_OUT: dict[str, str] = {
    # Another record type's own row: reached, and disclosed, through the links to it.
    "pole.Vehicle.entity": "a vehicle record; disclosed through the person's links to it",
    "pole.Phone.entity": "a phone record; disclosed through the person's links to it",
    "pole.OnlineAccount.entity": "an online account; disclosed through the person's links",
    "pole.Location.entity": "a location record; disclosed through the person's links to it",
    "network.CandidatePair.person_a": "duplicate-checking work queue: holds no data of its own",
    "network.CandidatePair.person_b": "duplicate-checking work queue: holds no data of its own",
    "network.PersonMerge.survivor": (
        "merge bookkeeping: the merged record's data is disclosed as the person record"
    ),
    "rights.RightsRequest.person": "the requester's own rights requests, answered to them",
    "rights.Restriction.person": "shown on the person record as Processing restricted since",
    "rights.DuplicateAlert.person": "IG's check of a possible duplicate: holds no data of its own",
    "rights.SubjectAccessRequest.people": "this request itself",
}


@dataclass(frozen=True)
class ItemSpec:
    record_type: str
    record_id: str
    title: str
    agency_id: int
    police_only: bool
    text: str
    # Who the record was disclosed to (Art. 15(1)(c)): [{"to", "on", "basis"}].
    recipients: tuple[dict[str, str], ...] = field(default=())


def _lines(pairs: Iterable[tuple[str, Any]]) -> str:
    """`Label: value` lines, empty values left out."""
    return "\n".join(f"{label}: {value}" for label, value in pairs if value not in ("", None, []))


def _date(value: Any) -> str:
    return f"{value:%-d %B %Y}" if value else ""


def _yes(value: bool | None) -> str:
    return {True: "Yes", False: "No", None: ""}[value]


def _basis(disclosure: Disclosure | None) -> str:
    if disclosure is None:
        return "Not recorded (made before lawful bases were recorded, or within the agency)"
    label = str(disclosure.get_lawful_basis_display())
    if disclosure.agreement is not None:
        label += f", under the agreement '{disclosure.agreement.title}'"
    return label


def _recipient(to: str, when: Any, disclosure: Disclosure | None) -> dict[str, str]:
    return {"to": to, "on": _date(when), "basis": _basis(disclosure)}


def _recipient_lines(recipients: Iterable[dict[str, str]]) -> str:
    return "; ".join(f"{r['to']} on {r['on']} ({r['basis']})" for r in recipients)


def _agency(user: Actor, fallback: int) -> int:
    return int(getattr(user, "agency_id", None) or fallback)


def _person(person: Person) -> ItemSpec:
    entity = person.entity
    names = [
        f"{n.given_name} {n.family_name}".strip() + f" ({n.get_kind_display().lower()})"
        for n in person.names.all()
        if n.kind != "primary"
    ]
    estimated = (
        f"{person.estimated_age} on {_date(person.estimated_age_on)}"
        if person.estimated_age is not None
        else ""
    )
    looked_after = (
        person.get_looked_after_display() if person.looked_after != LookedAfter.NO else "No"
    )
    text = _lines(
        [
            ("Name", person.full_name),
            ("Other names recorded", "; ".join(names)),
            ("Recorded as", person.get_category_display()),
            ("Date of birth", _date(person.date_of_birth)),
            ("Estimated age", estimated),
            ("Sex", person.get_sex_display()),
            ("Ethnicity", person.get_ethnicity_display()),
            ("First language", person.first_language),
            ("Interpreter needed", _yes(person.interpreter_needed)),
            ("Special educational needs or disability", person.sen_disability),
            ("Learning disability", _yes(person.has_learning_disability)),
            ("Looked-after status", looked_after),
            ("Description", person.description),
            ("Recorded by", entity.owning_agency.name),
            ("Processed under", entity.get_regime_display()),
            ("Shared with the Hub partners", _yes(entity.hub_shared)),
            ("Processing restricted since", _date(entity.restricted_since)),
            ("Record created", _date(entity.created_at)),
            ("Last updated", _date(entity.updated_at)),
        ]
    )
    hub = (
        (
            {
                "to": "Every partner agency of the Exploitation Hub",
                "on": "",
                "basis": "The Hub's information-sharing arrangements",
            },
        )
        if entity.hub_shared
        else ()
    )
    return ItemSpec(
        "person",
        str(person.pk),
        f"Person record: {person.full_name}",
        entity.owning_agency_id,
        entity.police_only,
        text,
        hub,
    )


def _shares(person: Person) -> Iterator[ItemSpec]:
    """Each time the person's record was shared with another agency (or one team of it),
    when, why and under which lawful basis."""
    for share in (
        EntityShare.objects.filter(entity_id=person.pk)
        .select_related("agency", "team", "shared_by", "disclosure__agreement")
        .order_by("created_at", "pk")
    ):
        to = share.agency.name + (f" ({share.team.name})" if share.team is not None else "")
        recipient = _recipient(to, share.created_at, share.disclosure)
        yield ItemSpec(
            "share",
            str(share.pk),
            f"Record shared with {to}",
            _agency(share.shared_by, person.entity.owning_agency_id),
            person.entity.police_only,
            _lines(
                [
                    ("Shared with", to),
                    ("On", recipient["on"]),
                    ("Why", share.get_basis_display()),
                    ("Reason given", share.reason),
                    ("Lawful basis", recipient["basis"]),
                ]
            ),
            (recipient,),
        )


def _exploitation(values: Iterable[str]) -> str:
    labels = dict(ExploitationType.choices)
    return ", ".join(str(labels.get(v, v)) for v in values)


def _observation_line(o: IndicatorObservation) -> str:
    return f"{_date(o.observed_on)}: {o.indicator.label}" + (
        f" ({o.evidence})" if o.evidence else ""
    )


def _concerns(person: Person) -> Iterator[ItemSpec]:
    for c in (
        Concern.objects.filter(child=person, disposed_at__isnull=True)
        .exclude(status=ConcernStatus.DRAFT)
        .prefetch_related("observations__indicator", "pathway_decisions")
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
                    ("Status", c.get_status_display()),
                    ("Observed on", _date(c.observed_on)),
                    ("Time", f"{c.observed_time:%H:%M}" if c.observed_time else ""),
                    ("Where", c.observed_where),
                    ("Reporter's role", c.reporter_role),
                    ("What was seen", c.narrative),
                    ("Types of exploitation", _exploitation(c.exploitation_types)),
                    ("Exploitation model", c.get_exploitation_model_display()),
                    ("In immediate danger", _yes(c.immediate_danger)),
                    ("A crime was disclosed", _yes(c.crime_disclosed)),
                    ("Crime reference", c.crime_reference),
                    (
                        "Indicators recorded",
                        "; ".join(_observation_line(o) for o in c.observations.all()),
                    ),
                    (
                        "Next steps decided",
                        "; ".join(
                            f"{d.get_code_display()}: {'taken' if d.taken else 'not taken'}"
                            + (f" ({d.note})" if d.note else "")
                            for d in c.pathway_decisions.all()
                        ),
                    ),
                ]
            ),
        )


def _observations(person: Person) -> Iterator[ItemSpec]:
    """Indicators recorded outside a concern (one in a concern is in its item)."""
    for o in (
        IndicatorObservation.objects.filter(child=person, concern__isnull=True)
        .select_related("indicator", "recorded_by")
        .order_by("observed_on", "pk")
    ):
        yield ItemSpec(
            "indicator_observation",
            str(o.pk),
            f"Indicator recorded {_date(o.observed_on)}",
            _agency(o.recorded_by, person.entity.owning_agency_id),
            False,
            _lines(
                [
                    ("Indicator", o.indicator.label),
                    ("Observed on", _date(o.observed_on)),
                    ("Evidence", o.evidence),
                    ("Source", o.source),
                ]
            ),
        )


def _risk_decisions(person: Person) -> Iterator[ItemSpec]:
    for d in (
        RiskDecision.objects.filter(child=person)
        .select_related("decided_by")
        .order_by("decided_at", "pk")
    ):
        yield ItemSpec(
            "risk_decision",
            str(d.pk),
            f"Risk decision {_date(d.decided_at)}: {d.get_level_display()}",
            _agency(d.decided_by, person.entity.owning_agency_id),
            False,
            _lines(
                [
                    ("Decided on", _date(d.decided_at)),
                    ("Risk level", d.get_level_display()),
                    ("Level suggested by the screening", d.get_suggested_level_display()),
                    ("Why suggested", "; ".join(map(str, d.suggested_reasons))),
                    ("Rationale", d.rationale),
                ]
            ),
        )


def _intelligence(person: Person) -> Iterator[ItemSpec]:
    """Every submitted entry about the person, in whatever state the FIB has it (new,
    triaged, returned...): as subject, linked by the FIB, or matched at entry to their
    record ("Use this record"), which the FIB may not have linked yet."""
    for s in intelligence_entries(Submission.objects.filter(about_person_q(person.pk))).order_by(
        "when_on", "pk"
    ):
        yield intelligence_item(s)


def intelligence_entries(qs: QuerySet[Submission]) -> QuerySet[Submission]:
    """Entries a bundle may hold (submitted, not disposed), ready for `intelligence_item`."""
    return (
        qs.filter(disposed_at__isnull=True)
        .exclude(status=IntelStatus.DRAFT)
        .prefetch_related(
            Prefetch(
                "disseminations",
                Dissemination.objects.select_related("recipient_agency", "disclosure__agreement"),
            )
        )
    )


def intelligence_item(s: Submission) -> ItemSpec:
    """One entry as a bundle item; also used when IG includes an entry that only names the
    person in words (services.sar_possible_decide)."""
    recipients = tuple(
        _recipient(
            d.recipient_agency.name if d.recipient_agency else d.get_recipient_kind_display(),
            d.disseminated_at,
            d.disclosure,
        )
        for d in sorted(s.disseminations.all(), key=lambda d: (d.disseminated_at, d.pk))
    )
    # Intelligence is police information (DPA 2018 Part 3) whoever submitted it.
    return ItemSpec(
        "intelligence",
        str(s.pk),
        f"Intelligence {s.reference}",
        s.submitter_agency_id,
        True,
        _lines(
            [
                ("Subject", s.subject_description),
                ("When", _date(s.when_on)),
                ("Where", s.where),
                ("What was seen or heard", s.what),
                ("Further information", s.further_information),
                ("Passed to", _recipient_lines(recipients)),
            ]
        ),
        recipients,
    )


def _crime_referrals(person: Person) -> Iterator[ItemSpec]:
    for r in (
        CrimeReferral.objects.filter(child=person)
        .select_related("referred_by")
        .order_by("referred_at", "pk")
    ):
        yield ItemSpec(
            "crime_referral",
            str(r.pk),
            f"Referred for crime recording {_date(r.referred_at)}",
            _agency(r.referred_by, person.entity.owning_agency_id),
            True,
            _lines(
                [
                    ("Referred on", _date(r.referred_at)),
                    ("Status", r.get_status_display()),
                    ("Why it is a crime", r.note),
                    ("Crime reference", r.crime_reference),
                    ("Returned with the note", r.return_note),
                ]
            ),
        )


def _referrals(person: Person) -> Iterator[ItemSpec]:
    for r in (
        Referral.objects.filter(child=person)
        .exclude(status=ReferralStatus.DRAFT)
        .select_related("recipient_agency", "disclosure__agreement")
        .order_by("submitted_at", "pk")
    ):
        # Each answer under the form's own label, choices and agencies by name (outside
        # tester 12 read "Recipient agency: 2" in a disclosure).
        details = [(a.label, a.value) for a in answers(r) if a.name != "sharing_basis"]
        to = r.recipient_agency.name if r.recipient_agency else r.recipient_label
        recipients = (
            (_recipient(to, r.submitted_at, r.disclosure),)
            if to and r.recipient_agency_id != r.sender_agency_id
            else ()
        )
        yield ItemSpec(
            "referral",
            str(r.pk),
            f"{r.get_kind_display()} {r.reference}",
            r.sender_agency_id,
            False,
            _lines(
                [
                    ("Submitted", _date(r.submitted_at)),
                    ("Status", r.get_status_display()),
                    ("Sent to", to),
                    *details,
                    ("Reason declined", r.decline_reason),
                    ("Lawful basis for sending", recipients[0]["basis"] if recipients else ""),
                ]
            ),
            recipients,
        )


def _tactics(person: Person) -> Iterator[ItemSpec]:
    """Disruption tactics that name the person: as a subject, or as the child or person
    of concern of a CAWN, the subject of a marker or of an immigration check."""
    roles: dict[int, list[str]] = {}
    for tactic_id, role in Tactic.objects.filter(subjects__entity_id=person.pk).values_list(
        "pk", "subjects__role"
    ):
        roles.setdefault(tactic_id, []).append(role)
    for query, role in (
        (Q(cawn__child=person), "child named in the notice"),
        (Q(cawn__person_of_concern=person), "person the notice is served on"),
        (Q(marker__entity_id=person.pk), "subject of the marker"),
        (Q(immigration__person=person), "person checked"),
    ):
        for tactic_id in Tactic.objects.filter(query).values_list("pk", flat=True):
            roles.setdefault(tactic_id, []).append(role)
    role_labels = dict(SubjectRole.choices)
    for t in (
        Tactic.objects.filter(pk__in=roles)
        .select_related("cawn", "marker", "immigration")
        .prefetch_related(
            Prefetch(
                "shares",
                TacticShare.objects.select_related("agency", "disclosure__agreement"),
            )
        )
        .order_by("created_at", "pk")
    ):
        recipients = tuple(
            _recipient(s.agency.name, s.created_at, s.disclosure)
            for s in sorted(t.shares.all(), key=lambda s: (s.created_at, s.pk))
        )
        extra: list[tuple[str, Any]] = []
        cawn = getattr(t, "cawn", None)
        if cawn is not None:
            extra += [
                ("Notice basis", cawn.get_basis_display()),
                ("Served on", _date(cawn.served_at)),
                ("Where served", cawn.served_place),
            ]
        marker = getattr(t, "marker", None)
        if marker is not None:
            extra += [
                ("Marker", marker.get_marker_type_display()),
                ("Why", marker.reason),
                ("Removed on", _date(marker.removed_at)),
            ]
        check = getattr(t, "immigration", None)
        if check is not None:
            extra += [
                ("Checked on", _date(check.checked_on)),
                ("Result", check.get_result_display()),
            ]
        yield ItemSpec(
            "tactic",
            str(t.pk),
            f"Disruption {t.reference}: {t.get_tactic_type_display()}",
            t.owning_agency_id,
            t.police_only,
            _lines(
                [
                    ("Title", t.title),
                    (
                        "Role of the person",
                        ", ".join(str(role_labels.get(r, r)) for r in roles[t.pk]),
                    ),
                    ("Status", t.get_status_display()),
                    ("Legal basis", t.legal_basis),
                    ("Notes", t.notes),
                    ("Outcome", t.outcome),
                    *extra,
                    ("Shared with", _recipient_lines(recipients)),
                ]
            ),
            recipients,
        )


def _plans(person: Person) -> Iterator[ItemSpec]:
    for plan in DisruptionPlan.objects.filter(person_of_concern=person).order_by("created_at"):
        yield ItemSpec(
            "disruption_plan",
            str(plan.pk),
            f"Disruption plan {_date(plan.created_at)}",
            plan.owning_agency_id,
            plan.police_only,
            _lines(
                [
                    ("Objectives", plan.objectives),
                    ("Review on", _date(plan.review_on)),
                    ("Created on", _date(plan.created_at)),
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
        recipients = tuple(
            _recipient(d.agency.name, d.sent_at, d.disclosure)
            for d in MinutesDistribution.objects.filter(meeting=meeting)
            .exclude(agency_id=meeting.created_by.agency_id or 0)
            .select_related("agency", "disclosure__agreement")
            .order_by("sent_at", "pk")
        )
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
                    ("Minutes sent to", _recipient_lines(recipients)),
                ]
            ),
            recipients,
        )


def _actions(person: Person) -> Iterator[ItemSpec]:
    for a in (
        Action.objects.filter(subject_id=person.pk)
        .select_related("owner_agency")
        .order_by("due_on", "pk")
    ):
        yield ItemSpec(
            "hub_action",
            str(a.pk),
            f"Hub action due {_date(a.due_on)}",
            a.owner_agency_id,
            False,
            _lines(
                [
                    ("Action", a.description),
                    ("For", a.owner_agency.name),
                    ("Due", _date(a.due_on)),
                    ("Status", a.get_status_display()),
                    ("Completed on", _date(a.completed_at)),
                    ("Completion note", a.completion_note),
                ]
            ),
        )


def _missing(person: Person) -> Iterator[ItemSpec]:
    for ep in MissingEpisode.objects.filter(child=person).order_by("reported_at", "pk"):
        yield ItemSpec(
            "missing_episode",
            str(ep.pk),
            f"Missing episode reported {_date(ep.reported_at)}",
            ep.owning_agency_id,
            False,
            _lines(
                [
                    ("Reported missing", _date(ep.reported_at)),
                    ("Reported by", ep.reported_by),
                    ("Police reference", ep.police_reference),
                    ("Police risk grading", ep.get_police_risk_grading_display()),
                    ("Circumstances", ep.circumstances),
                    ("Found or returned", _date(ep.found_at)),
                    ("Where found", ep.where_found),
                    ("Out of area", _yes(ep.out_of_area)),
                    ("Return home interview offered", _date(ep.rhi_offered_on)),
                    ("Return home interview accepted", _yes(ep.rhi_accepted)),
                    ("Return home interview held", _date(ep.rhi_completed_at)),
                    ("Return home interview notes", ep.rhi_notes),
                ]
            ),
        )


SOURCE_TYPES = {
    "concerns.concern": "a concern",
    "intelligence.submission": "an intelligence entry",
    "disruption.tactic": "a disruption tactic",
    "referrals.referral": "a referral",
}


def _source_line(source: LinkSource) -> str:
    what = SOURCE_TYPES.get(source.source_type, "a note typed by hand")
    if source.source_id and source.source_type:
        what += f" ({source.source_id})"
    dates = " to ".join(d for d in (_date(source.started_on), _date(source.ended_on)) if d)
    return (
        f"recorded by {source.owning_agency.name} from {what}"
        + (f", {dates}" if dates else "")
        + (f": {source.note}" if source.note else "")
    )


def _links(person: Person) -> Iterator[ItemSpec]:
    """Each link with the records that assert it. A police-only source on a link others
    may see is its own police-only item, so its words reach police IG only."""
    for link in (
        Link.objects.filter(Q(from_entity_id=person.pk) | Q(to_entity_id=person.pk))
        .select_related("from_entity", "to_entity")
        .prefetch_related("sources__owning_agency")
        .order_by("pk")
    ):
        other = link.to_entity if link.from_entity_id == person.pk else link.from_entity
        sources = list(link.sources.all())
        shown = [s for s in sources if link.police_only or not s.police_only]
        yield ItemSpec(
            "link",
            str(link.pk),
            f"Link: {link.get_link_type_display()}",
            link.owning_agency_id,
            link.police_only,
            _lines(
                [
                    ("Link", link.get_link_type_display()),
                    ("Other party", f"{other.label} ({other.get_kind_display().lower()})"),
                    ("From", _date(link.started_on)),
                    ("To", _date(link.ended_on)),
                    ("Sources", "; ".join(_source_line(s) for s in shown)),
                ]
            ),
        )
        for s in sources:
            if s in shown:
                continue
            yield ItemSpec(
                "link_source",
                str(s.pk),
                f"Source of a link: {link.get_link_type_display()}",
                s.owning_agency_id,
                True,
                _lines(
                    [
                        ("Link", link.get_link_type_display()),
                        ("Other party", f"{other.label} ({other.get_kind_display().lower()})"),
                        ("Source", _source_line(s)),
                    ]
                ),
            )


BUILDERS = (
    _shares,
    _concerns,
    _observations,
    _risk_decisions,
    _intelligence,
    _crime_referrals,
    _referrals,
    _tactics,
    _plans,
    _agenda,
    _actions,
    _missing,
    _links,
)


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
