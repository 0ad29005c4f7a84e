"""The cover of a subject access disclosure: the supplementary information UK GDPR
Art. 15(1)(a)-(h) and (2) (DPA 2018 s.45(2) for police records) requires beside the copy
of the data, worked out from the bundle as disclosed, never from what was withheld:
the purposes and categories of data (from the record types disclosed), the recipients
(from the Disclosure register and shares recorded on each item), how long each record
is kept (from the owning agency's retention rules, cairn/retention), the rights to
rectification, erasure, restriction and to object, the right to complain to the ICO,
and where the data came from (the agency that recorded each record). ADR 0025."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from cairn.accounts.models import Agency
from cairn.retention.models import Clock, RecordType
from cairn.retention.selectors import agency_review_entry

from .models import BundleItem, SubjectAccessRequest

# Each record type disclosed: the category of personal data it is, and why it is held.
CATEGORIES: dict[str, tuple[str, str]] = {
    "person": (
        "Identity and personal details (names, date of birth, sex, ethnicity, language, "
        "special educational needs or disability, looked-after status)",
        "To identify you correctly and to safeguard you from exploitation",
    ),
    "share": (
        "Records of your information being shared between agencies",
        "To co-ordinate safeguarding between the Hub's partner agencies",
    ),
    "concern": (
        "Concerns reported about your safety, with the indicators of exploitation noted",
        "To assess and respond to a risk of exploitation",
    ),
    "indicator_observation": (
        "Indicators of exploitation recorded",
        "To assess and respond to a risk of exploitation",
    ),
    "risk_decision": (
        "Decisions about the level of risk to you",
        "To assess and respond to a risk of exploitation",
    ),
    "intelligence": (
        "Police intelligence",
        "The prevention and detection of crime and the safeguarding of children (DPA 2018 Part 3)",
    ),
    "crime_referral": (
        "Referrals for crime recording",
        "The prevention, investigation and detection of crime (DPA 2018 Part 3)",
    ),
    "referral": (
        "Referrals to children's social care, the NRM or other services",
        "To get you the help and protection you need",
    ),
    "tactic": (
        "Disruption activity (notices, markers, checks) naming you",
        "To disrupt people who exploit children",
    ),
    "disruption_plan": (
        "Disruption plans naming you",
        "To disrupt people who exploit children",
    ),
    "agenda_item": (
        "Discussions about you at Hub meetings",
        "Multi-agency planning to keep you safe",
    ),
    "hub_action": (
        "Actions agreed by the Hub about you",
        "Multi-agency planning to keep you safe",
    ),
    "missing_episode": (
        "Episodes when you were reported missing, and return home interviews",
        "To find you and understand the risks when you go missing",
    ),
    "link": (
        "Connections to other people, places, phones, vehicles or online accounts",
        "To understand who and what may put you at risk",
    ),
    "link_source": (
        "Where connections to other people or places were recorded from",
        "To understand who and what may put you at risk",
    ),
}
OTHER_CATEGORY = ("Other records about you", "Safeguarding children from exploitation")

# Record types the retention rules are written for, and what the bundle calls them.
RULED = {
    "person": RecordType.PERSON,
    "concern": RecordType.CONCERN,
    "intelligence": RecordType.SUBMISSION,
}
CLOCK_TEXT: dict[str, str] = {
    Clock.LAST_ACTIVITY.value: "after the last action on the record",
    Clock.BIRTHDAY.value: "from your date of birth",
    Clock.CREATED.value: "from when the record was made",
}


@dataclass
class Cover:
    handler: str
    categories: list[tuple[str, str]] = field(default_factory=list)
    special: list[str] = field(default_factory=list)
    recipients: list[dict[str, Any]] = field(default_factory=list)
    retention: list[str] = field(default_factory=list)
    sources: list[tuple[str, list[str]]] = field(default_factory=list)


def source_label(record_type: str) -> str:
    """What a source recorded, in a sentence: the category without its first capital
    ("referrals to children's social care, the NRM ...", not "the nrm": outside tester 12)."""
    heading = CATEGORIES.get(record_type, OTHER_CATEGORY)[0].split(" (")[0]
    return heading[:1].lower() + heading[1:]


def _retention_line(item: BundleItem, type_label: str) -> str:
    try:
        # The rules applied are the holding agency's, whoever the requester reads as
        # holding it (`BundleItem.holder`: a partner's intelligence is the police's).
        entry = agency_review_entry(item.agency_id, RULED[item.record_type], int(item.record_id))
    except (IndexError, ValueError):
        return ""
    rule = entry.rule
    if rule is None:
        return (
            f"{type_label} held by {item.holder.name}: no retention rule applies; it is "
            "reviewed and kept only while needed to safeguard you"
        )
    kept = (
        f"kept for {rule.years} years {CLOCK_TEXT.get(rule.clock, '')}"
        if rule.years is not None
        else "kept with no fixed end"
    )
    review = (
        f", and reviewed every {rule.review_every_years} years" if rule.review_every_years else ""
    )
    authority = f" ({rule.authority})" if rule.authority else ""
    due = (
        f"; next due for review or disposal on {entry.due.on:%-d %B %Y}"
        if entry.due.on is not None
        else ""
    )
    return f"{type_label} held by {item.holder.name}: {rule.name}{authority}, {kept}{review}{due}"


def sar_cover(sar: SubjectAccessRequest, items: list[BundleItem]) -> Cover:
    """The supplementary information for the disclosed `items` of `sar`."""
    handler: Agency | None = sar.created_by.agency
    cover = Cover(handler=handler.name if handler is not None else "the Exploitation Hub")
    disclosed = [i for i in items if not i.withheld]
    seen: set[tuple[str, str]] = set()
    for item in disclosed:
        category = CATEGORIES.get(item.record_type, OTHER_CATEGORY)
        if category not in seen:
            seen.add(category)
            cover.categories.append(category)
    people = {p.pk: p for p in sar.people.all()}
    for item in disclosed:
        if item.record_type == "person" and int(item.record_id) in people:
            person = people[int(item.record_id)]
            if person.sen_disability or person.has_learning_disability:
                cover.special.append("Health (special educational needs or disability)")
            if person.ethnicity not in ("", "not_known", "not_stated"):
                cover.special.append("Racial or ethnic origin")
        if item.record_type in ("intelligence", "crime_referral"):
            cover.special.append("Information about offences (police intelligence)")
    cover.special = list(dict.fromkeys(cover.special))
    # Recipients: one line per recipient, with the dates and lawful bases relied on.
    by_recipient: dict[str, dict[str, set[str]]] = defaultdict(
        lambda: {"on": set(), "basis": set()}
    )
    for item in disclosed:
        for r in item.recipients:
            by_recipient[r["to"]]["on"].add(r["on"])
            by_recipient[r["to"]]["basis"].add(r["basis"])
    cover.recipients = [
        {"to": to, "on": sorted(v["on"] - {""}), "basis": sorted(v["basis"])}
        for to, v in sorted(by_recipient.items())
    ]
    labels = {"person": "Your person record", "concern": "Concern", "intelligence": "Intelligence"}
    lines: list[str] = []
    for item in disclosed:
        if item.record_type in RULED:
            line = _retention_line(item, labels[item.record_type])
            if line and line not in lines:
                lines.append(line)
    cover.retention = lines
    sources: dict[str, list[str]] = defaultdict(list)
    for item in disclosed:
        what = source_label(item.record_type)
        # A partner's intelligence is the police's (`BundleItem.disclosed_as`), never
        # named as the partner's: that would say who informed on the requester.
        if what not in sources[item.holder.name]:
            sources[item.holder.name].append(what)
    cover.sources = sorted(sources.items())
    return cover
