"""Who may see an intelligence submission, and which parts of it. Forbidden and missing
both give 404.

- FIB officers (`intelligence.manage_fib`) see every submitted entry and the whole
  workflow; only they may open the protected source record (`intelligence.view_source`).
- The submitter sees what they submitted (and their own drafts), never the grading,
  the sanitised version or the FIB's workflow, even when it is disseminated to their agency
  (the grade assesses the source, who may be the submitter).
- Recipients of a dissemination see the sanitised version and the grading only:
  the PPU (PPU co-ordinators), the Hub (the Hub-wide roles) or a partner agency
  (its casework users).
- Crime recorders (`intelligence.record_crime`: the PPU / CSE co-ordinators) see the
  original of an entry the FIB referred to them for crime recording (never the source),
  and work the crime recording queue.
- PPU / CSE co-ordinators also see the original (never the source) of an entry escalated
  as danger now to them because no FIB officer was active (`danger_told`), to pass it on.
- Police analysts (`intelligence.view_sanitised`) see the sanitised version and grading of
  every evaluated entry (they work across the force's intelligence), never the original.
- Everyone else: nothing.

An entry disposed of under its agency's retention rule (`disposed_at` set, cairn/retention)
is withheld from everyone, the FIB and its submitter too: every queryset here leaves it out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from cairn.accounts.roles import HUB_WIDE_ROLES, Role
from cairn.audit import services as audit
from cairn.core.text import require_id
from cairn.core.types import Actor

from .models import CrimeReferral, DangerTold, Dissemination, RecipientKind, Status, Submission

SANITISED_STATUSES = (Status.EVALUATED, Status.DISSEMINATED)


def is_fib(user: Actor) -> bool:
    return bool(user.is_authenticated and user.has_perm("intelligence.manage_fib"))


def is_crime_recorder(user: Actor) -> bool:
    return bool(user.is_authenticated and user.has_perm("intelligence.record_crime"))


def is_danger_fallback(user: Actor, submission: Submission) -> bool:
    """`user` is one of those an entry's danger escalation went to in the FIB's place."""
    return _danger_fallback_q(user) is not None and submission.danger_told == DangerTold.POLICE_LEAD


def _danger_fallback_q(user: Actor) -> Q | None:
    if user.role != Role.PPU_COORDINATOR:
        return None
    return Q(danger_told=DangerTold.POLICE_LEAD) & ~Q(status=Status.DRAFT)


def _referred() -> Exists:
    return Exists(CrimeReferral.objects.filter(submission_id=OuterRef("pk")))


def _kept() -> QuerySet[Submission]:
    """Every entry not disposed of: what any everyday read starts from."""
    return Submission.objects.filter(disposed_at__isnull=True)


def _can_view(user: Actor) -> bool:
    return bool(user.is_authenticated and user.has_perm("intelligence.view_submission"))


def received_q(user: Actor) -> Q:
    """A Q over Dissemination rows addressed to `user`."""
    q = Q(recipient_kind=RecipientKind.AGENCY, recipient_agency_id=user.agency_id)
    if user.role == Role.PPU_COORDINATOR:
        q |= Q(recipient_kind=RecipientKind.PPU)
    if user.role in HUB_WIDE_ROLES:
        q |= Q(recipient_kind=RecipientKind.HUB)
    return q


def _received(user: Actor) -> Exists:
    return Exists(Dissemination.objects.filter(received_q(user), submission_id=OuterRef("pk")))


def sanitised_visible(user: Actor) -> QuerySet[Submission]:
    """Entries whose sanitised version and grading `user` may read (search, correlation)."""
    if not _can_view(user) or user.agency_id is None:
        return Submission.objects.none()
    base = _kept().exclude(sanitised_text="").filter(status__in=SANITISED_STATUSES)
    if is_fib(user):
        return base
    base = base.exclude(submitter=user)
    if user.has_perm("intelligence.view_sanitised"):
        return base
    return base.filter(_received(user))


def visible_submissions(user: Actor) -> QuerySet[Submission]:
    """Every entry `user` may open in any form (original or sanitised)."""
    if not _can_view(user) or user.agency_id is None:
        return Submission.objects.none()
    own = Q(submitter=user)
    if is_fib(user):
        return _kept().filter(own | ~Q(status=Status.DRAFT))
    sanitised = Q(status__in=SANITISED_STATUSES) & ~Q(sanitised_text="")
    if is_crime_recorder(user):
        own |= Q(_referred())
    if (fallback := _danger_fallback_q(user)) is not None:
        own |= fallback
    if user.has_perm("intelligence.view_sanitised"):
        return _kept().filter(own | sanitised)
    return _kept().filter(own | (sanitised & _received(user)))


@dataclass
class SubmissionView:
    """A submission and the parts of it this viewer may see."""

    submission: Submission
    original: bool  # the submitted text and structured details
    sanitised: bool  # the sanitised version, grading, handling conditions
    workflow: bool  # triage, grading, sanitising, linking, dissemination (FIB)
    crime_recording: bool = False  # referred to this crime recorder (original, no source)
    danger_fallback: bool = False  # told of danger now in the FIB's place (original, no source)

    @property
    def is_submitter_only(self) -> bool:
        return (
            self.original
            and not self.sanitised
            and not self.crime_recording
            and not self.danger_fallback
        )


def access_submission_by_id(user: Actor, submission_id: int) -> SubmissionView:
    submission_id = require_id(submission_id)
    submission = (
        visible_submissions(user)
        .select_related("submitter", "submitter_agency", "subject", "concern")
        .filter(pk=submission_id)
        .first()
    )
    if submission is None:
        raise Http404("No intelligence found.")
    fib = is_fib(user)
    own = submission.submitter_id == user.pk
    ready = submission.status in SANITISED_STATUSES and submission.is_sanitised
    # The submitter never sees the grading (it assesses the source, who may be them), even
    # when the FIB disseminates the entry to their own agency.
    sanitised = fib or (
        ready
        and not own
        and (
            user.has_perm("intelligence.view_sanitised")
            or submission.disseminations.filter(received_q(user)).exists()
        )
    )
    recording = (
        not fib and not own and is_crime_recorder(user) and submission.crime_referrals.exists()
    )
    fallback = not fib and not own and is_danger_fallback(user, submission)
    return SubmissionView(
        submission=submission,
        original=fib or own or recording or fallback,
        sanitised=sanitised,
        workflow=fib and submission.status != Status.DRAFT,
        crime_recording=recording,
        danger_fallback=fallback,
    )


def access_own_draft(user: Actor, submission_id: int) -> Submission:
    view = access_submission_by_id(user, submission_id)
    if view.submission.submitter_id != user.pk or view.submission.status != Status.DRAFT:
        raise Http404("No draft found.")
    return view.submission


def access_for_fib(user: Actor, submission_id: int) -> Submission:
    """A submitted entry for the FIB's workflow pages (anyone else: 404)."""
    view = access_submission_by_id(user, submission_id)
    if not view.workflow:
        raise Http404("No intelligence found.")
    return view.submission


def access_returned_own(user: Actor, submission_id: int) -> Submission:
    """An entry the FIB returned to `user`, its submitter (to edit and resubmit, or
    withdraw); anyone else, or any other status: 404."""
    view = access_submission_by_id(user, submission_id)
    if view.submission.submitter_id != user.pk or view.submission.status != Status.RETURNED:
        raise Http404("No returned entry found.")
    return view.submission


def visible_crime_referrals(user: Actor) -> QuerySet[CrimeReferral]:
    """The crime recording queue: crime recorders and the FIB see every referral."""
    if not user.is_authenticated or user.agency_id is None:
        return CrimeReferral.objects.none()
    if is_crime_recorder(user) or is_fib(user):
        return CrimeReferral.objects.all()
    return CrimeReferral.objects.none()


def access_crime_referral_by_id(user: Actor, referral_id: int) -> CrimeReferral:
    """A referral for the crime recorder's page (anyone else, FIB included: 404; the FIB
    follows its referrals from the entry)."""
    if not is_crime_recorder(user):
        raise Http404("No referral found.")
    referral = (
        visible_crime_referrals(user)
        .select_related(
            "submission",
            "submission__submitter",
            "submission__submitter_agency",
            "child",
            "concern",
            "referred_by",
        )
        .filter(pk=referral_id)
        .first()
    )
    if referral is None:
        raise Http404("No referral found.")
    return referral


def _consulted(user: Actor, submission: Submission, justification: str, source: str | None) -> None:
    audit.record(
        actor=user,
        event="intel.viewed",
        obj=submission,
        subject=submission.subject_id,
        justification=justification,
        source=source,
    )


def view_submission(
    user: Actor, submission_id: int, *, justification: str = "", source: str | None = None
) -> SubmissionView:
    """An entry opened to read (web or API), recorded as a consultation naming its
    subject. The submitter's own draft is their own input, so opening it is not recorded."""
    view = access_submission_by_id(user, submission_id)
    if view.submission.status != Status.DRAFT:
        why = justification or "Opened intelligence"
        _consulted(user, view.submission, why + ("" if view.original else " (sanitised)"), source)
    return view


def fib_page(user: Actor, submission_id: int, *, step: str) -> Submission:
    """An entry opened on one of the FIB's workflow pages (triage, evaluate, sanitise,
    link, disseminate, crime decision), each of which shows the original or the sanitised
    text: recorded as a consultation."""
    submission = access_for_fib(user, submission_id)
    _consulted(user, submission, f"FIB {step}", None)
    return submission


def consult_crime_referral(
    user: Actor, referral: CrimeReferral, *, justification: str, source: str | None = None
) -> None:
    """A crime referral shown (the entry and the child): a consultation naming the child."""
    audit.record(
        actor=user,
        event="intel.crime_referral_viewed",
        obj=referral,
        subject=referral.child_id,
        justification=justification,
        source=source,
    )


def view_crime_referral(
    user: Actor, referral_id: int, *, justification: str, source: str | None = None
) -> CrimeReferral:
    """A crime referral opened to read (web or API), recorded as a consultation."""
    referral = access_crime_referral_by_id(user, referral_id)
    consult_crime_referral(user, referral, justification=justification, source=source)
    return referral


def consult_crime_queue(
    user: Actor, referrals: Iterable[CrimeReferral], *, tab: str, source: str | None = None
) -> None:
    """One page of the crime recording queue shown (each row names a child): one
    consultation row naming the children on the page."""
    audit.record_list(
        actor=user,
        event="intel.crime_referrals_listed",
        subjects=[r.child_id for r in referrals],
        justification=f"Crime recording queue: {tab}",
        source=source,
    )
