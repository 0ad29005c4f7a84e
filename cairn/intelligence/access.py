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
- Police analysts (`intelligence.view_sanitised`) see the sanitised version and grading of
  every evaluated entry (they work across the force's intelligence), never the original.
- Everyone else: nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from cairn.accounts.roles import HUB_WIDE_ROLES, Role

from .models import Dissemination, RecipientKind, Status, Submission

SANITISED_STATUSES = (Status.EVALUATED, Status.DISSEMINATED)


def is_fib(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_perm("intelligence.manage_fib"))


def _can_view(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_perm("intelligence.view_submission"))


def received_q(user: Any) -> Q:
    """A Q over Dissemination rows addressed to `user`."""
    q = Q(recipient_kind=RecipientKind.AGENCY, recipient_agency_id=user.agency_id)
    if user.role == Role.PPU_COORDINATOR:
        q |= Q(recipient_kind=RecipientKind.PPU)
    if user.role in HUB_WIDE_ROLES:
        q |= Q(recipient_kind=RecipientKind.HUB)
    return q


def _received(user: Any) -> Exists:
    return Exists(Dissemination.objects.filter(received_q(user), submission_id=OuterRef("pk")))


def sanitised_visible(user: Any) -> QuerySet[Submission]:
    """Entries whose sanitised version and grading `user` may read (search, correlation)."""
    if not _can_view(user) or user.agency_id is None:
        return Submission.objects.none()
    base = Submission.objects.exclude(sanitised_text="").filter(status__in=SANITISED_STATUSES)
    if is_fib(user):
        return base
    base = base.exclude(submitter=user)
    if user.has_perm("intelligence.view_sanitised"):
        return base
    return base.filter(_received(user))


def visible_submissions(user: Any) -> QuerySet[Submission]:
    """Every entry `user` may open in any form (original or sanitised)."""
    if not _can_view(user) or user.agency_id is None:
        return Submission.objects.none()
    own = Q(submitter=user)
    if is_fib(user):
        return Submission.objects.filter(own | ~Q(status=Status.DRAFT))
    sanitised = Q(status__in=SANITISED_STATUSES) & ~Q(sanitised_text="")
    if user.has_perm("intelligence.view_sanitised"):
        return Submission.objects.filter(own | sanitised)
    return Submission.objects.filter(own | (sanitised & _received(user)))


@dataclass
class SubmissionView:
    """A submission and the parts of it this viewer may see."""

    submission: Submission
    original: bool  # the submitted text and structured details
    sanitised: bool  # the sanitised version, grading, handling conditions
    workflow: bool  # triage, grading, sanitising, linking, dissemination (FIB)

    @property
    def is_submitter_only(self) -> bool:
        return self.original and not self.sanitised


def access_submission_by_id(user: Any, submission_id: int) -> SubmissionView:
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
    return SubmissionView(
        submission=submission,
        original=fib or own,
        sanitised=sanitised,
        workflow=fib and submission.status != Status.DRAFT,
    )


def access_own_draft(user: Any, submission_id: int) -> Submission:
    view = access_submission_by_id(user, submission_id)
    if view.submission.submitter_id != user.pk or view.submission.status != Status.DRAFT:
        raise Http404("No draft found.")
    return view.submission


def access_for_fib(user: Any, submission_id: int) -> Submission:
    """A submitted entry for the FIB's workflow pages (anyone else: 404)."""
    view = access_submission_by_id(user, submission_id)
    if not view.workflow:
        raise Http404("No intelligence found.")
    return view.submission
