"""Demo intelligence for the Northmoor hub: partner submissions in every state, graded and
sanitised entries (one imported with a legacy 5x5x5 code), disseminations to the PPU, the
Hub and a partner agency, and a car and a phone that recur across reports (correlation).
Everything is invented; the objects mentioned are the demo hub's own (invented) records."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from cairn.accounts.models import Agency, User
from cairn.pole.access import visible_people
from cairn.pole.models import OnlineAccount, Phone, Vehicle
from cairn.pole.selectors import find_visible_object

from . import linking, services
from .models import Submission

# Used only when the demo hub has no objects yet; invented, in the demo's own patterns.
FALLBACK = {
    "car": {"kind": "vehicle", "registration": "ZN12 CAR", "make": "Vauxhall", "colour": "Grey"},
    "van": {"kind": "vehicle", "registration": "ZN15 VAN", "make": "Ford", "colour": "White"},
    "phone": {"kind": "phone", "number": "07700 900456"},
    "handle": {"kind": "online_account", "platform": "snapchat", "handle": "deano_fictional"},
}


def _objects() -> dict[str, dict[str, Any]]:
    """Mentions of objects the demo hub already holds (so intelligence correlates with
    them), falling back to invented ones."""
    out = dict(FALLBACK)
    vehicles = list(Vehicle.objects.order_by("entity_id")[:2])
    for key, vehicle in zip(("car", "van"), vehicles, strict=False):
        out[key] = {
            "kind": "vehicle",
            "registration": vehicle.registration,
            "make": vehicle.make,
            "model": vehicle.model,
            "colour": vehicle.colour,
        }
    phone = Phone.objects.order_by("entity_id").first()
    if phone is not None:
        out["phone"] = {"kind": "phone", "number": phone.as_given or phone.number_e164}
    account = OnlineAccount.objects.order_by("entity_id").first()
    if account is not None:
        out["handle"] = {
            "kind": "online_account",
            "platform": account.platform,
            "handle": account.handle,
        }
    return out


# (submitter, what, where, days ago, mention keys, FIB outcome); {car} etc. are filled in.
# Whose the details are, as the FIB links them: the child's own in the entries named here
# (by their text), otherwise nobody named in the entry (a driver the text does not name).
CHILDS_OWN = ("has a second phone",)
ENTRIES: list[tuple[str, str, str, int, list[str], str]] = [
    (
        "school.demo",
        "A {car_colour} car, {car}, collected the pupil from the school gates at 15:15 on Monday, "
        "Wednesday and Friday. The driver is a man aged about 25; she calls him her boyfriend.",
        "Northmoor Academy gates, Example Road",
        6,
        ["car"],
        "ppu",
    ),
    (
        "earlyhelp.demo",
        "The young person has a second phone, {phone}, saved as Uncle. Calls come late at "
        "night and she leaves the house soon after.",
        "Family home, Northmoor",
        9,
        ["phone"],
        "hub",
    ),
    (
        "health.demo",
        "The car {car} waited outside the sexual health clinic for 40 minutes on "
        "Thursday at 17:00; the driver spoke to two teenage girls.",
        "Northmoor Health Centre car park",
        4,
        ["car", "phone"],
        "agency",
    ),
    (
        "yjs.demo",
        "He has been travelling to Brookfield on school days and comes back with cash and "
        "new trainers; the vehicle {van} drops him at the station.",
        "Northmoor railway station",
        12,
        ["van"],
        "evaluated",
    ),
    (
        "charity.demo",
        "The account {handle} has been adding girls from the youth club and "
        "offering lifts to parties at a flat in town.",
        "Northmoor youth club",
        3,
        ["handle"],
        "legacy",
    ),
    (
        "school.demo",
        "The car {car} was parked near the park at 20:30 on Saturday with three pupils inside.",
        "Northmoor Park, north entrance",
        2,
        ["car"],
        "triaged",
    ),
    (
        "earlyhelp.demo",
        "Older boys wait outside the takeaway on Example Parade after 21:00 and give younger "
        "children food and vapes.",
        "Example Parade takeaway",
        1,
        [],
        "new",
    ),
    (
        "health.demo",
        "A man driving {van} asked for directions to the school twice this week.",
        "Clinic entrance",
        5,
        ["van"],
        "closed",
    ),
]


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).select_related("agency").first()


def load_demo(*, seed: int = 1) -> None:
    fib, ppu_users = _user("fib.demo"), _user("ppu.demo")
    if fib is None or ppu_users is None or Submission.objects.exists():
        return
    rng = random.Random(seed)
    today = timezone.localdate()
    objects = _objects()
    words = {
        "car": objects["car"]["registration"],
        "car_colour": (objects["car"].get("colour") or "grey").lower(),
        "van": objects["van"]["registration"],
        "phone": objects["phone"]["number"],
        "handle": objects["handle"]["handle"],
    }
    for submitter_name, template, where, days, keys, outcome in ENTRIES:
        what = template.format(**words)
        mentions = [objects[key] for key in keys]
        submitter = _user(submitter_name)
        if submitter is None:
            continue
        children = list(visible_people(submitter).filter(category="child").order_by("pk")[:30])
        child = rng.choice(children) if children else None
        submission = services.submission_start(actor=submitter)
        services.submission_save_draft(
            actor=submitter,
            submission=submission,
            data={
                "subject_id": child.pk if child else None,
                "subject_description": "" if child else "A pupil in Year 9 (name withheld)",
                "what": what,
                "where": where,
                "when_on": today - dt.timedelta(days=days),
                "when_time": "15:15",
                "how_known": rng.choice(["first_hand", "first_hand", "told"]),
                "mentions": mentions,
                "source_is_submitter": True,
                "name": "",
                "contact": "",
                "relationship": "Professional working with the child",
            },
        )
        try:
            services.submission_submit(actor=submitter, submission=submission)
        except ValidationError as exc:
            if "what" not in exc.message_dict:
                raise
            # The crime check reads a sighting as a disclosure (a known false flag, bench/
            # README.md): the submitter says why it is intelligence only, as the form asks.
            services.submission_submit(
                actor=submitter, submission=submission, intel_only_reason=INTEL_ONLY
            )
        _work(fib, submission, outcome)
    _danger_entry(today)


# One entry escalated as danger now and not yet acted on, so a new user sees the FIB's
# "Act now" box and the home page alert: the partner answered "yes, someone is in danger"
# and had already called 999 (the log number is its crime reference). Invented, and kept
# plain: a frightened child asking for help, nothing graphic.
DANGER_WHAT = (
    "A Year 8 pupil messaged her friend at 15:40 that a man she met online is waiting for "
    "her in a car outside the youth club and says she must go with him. She is scared to "
    "leave. Staff called 999 at 15:45, log 1545 of today."
)


def _danger_entry(today: dt.date) -> None:
    submitter = _user("charity.demo")
    if submitter is None:
        return
    submission = services.submission_start(actor=submitter)
    services.submission_save_draft(
        actor=submitter,
        submission=submission,
        data={
            "subject_description": "A Year 8 pupil (name withheld)",
            "what": DANGER_WHAT,
            "where": "Northmoor youth club, Example Lane",
            "when_on": today,
            "when_time": "15:40",
            "how_known": "told",
            "further_information": "Nothing else.",
            "anyone_in_danger": "yes",
            "crime_described": "yes",
            "source_is_submitter": True,
            "relationship": "Youth worker",
        },
    )
    services.submission_submit(
        actor=submitter, submission=submission, crime_reference="1545 of today"
    )


INTEL_ONLY = (
    "Nobody has described an offence: this is who collects the pupil and when, seen by staff."
)


def _work(fib: User, submission: Submission, outcome: str) -> None:
    if outcome == "new":
        return
    services.submission_triage(
        actor=fib,
        submission=submission,
        priority="priority" if outcome in ("ppu", "agency") else "routine",
        note="Closed: no exploitation concern identified" if outcome == "closed" else "",
        close=outcome == "closed",
    )
    if outcome in ("triaged", "closed"):
        return
    if outcome == "legacy":
        services.submission_evaluate(actor=fib, submission=submission, legacy_grade="B24")
    else:
        services.submission_evaluate(
            actor=fib,
            submission=submission,
            source_grade="2",
            intel_grade="B",
            handling="P" if outcome != "agency" else "C",
            conditions="Share with children's social care only; not with the family."
            if outcome == "agency"
            else "",
        )
    services.submission_sanitise(
        actor=fib, submission=submission, text=services.suggested_sanitised(submission)
    )
    own = submission.subject_id is not None and any(t in submission.what for t in CHILDS_OWN)
    owner = linking.SUBJECT if own else linking.NOBODY
    answers = []
    for index, mention in enumerate(submission.mentions or []):
        existing = find_visible_object(fib, mention["kind"], mention)
        answers.append(
            services.LinkAnswer(
                mention_index=index,
                record=str(existing) if existing else linking.NEW,
                belongs_to=owner,
            )
        )
    if answers:
        services.mentions_link(actor=fib, submission=submission, answers=answers)
    if outcome == "ppu":
        services.submission_disseminate(
            actor=fib, submission=submission, recipient_kind="ppu", reason="PPU to assess CSE risk"
        )
    elif outcome == "hub":
        services.submission_disseminate(
            actor=fib, submission=submission, recipient_kind="hub", reason="For the next MACE"
        )
    elif outcome == "agency":
        trust = Agency.objects.filter(kind="childrens_trust").order_by("pk").first()
        if trust is not None:
            services.submission_disseminate(
                actor=fib,
                submission=submission,
                recipient_kind="agency",
                agency=trust,
                reason="Child open to children's social care",
                conditions_met=True,
            )
