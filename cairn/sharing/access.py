"""Who may change an information-sharing agreement: the information governance admins of
an agency party to it (each party signs the agreement; another agency's IG may read the
register but not write in their name). Everyone else: 404 on the change pages."""

from __future__ import annotations

from django.http import Http404

from cairn.core.text import require_id
from cairn.core.types import Actor

from .models import Disclosure, SharingAgreement

MANAGE = "sharing.manage_agreement"
REVIEW = "sharing.review_disclosure"


def can_manage(user: Actor) -> bool:
    return bool(user.is_authenticated and user.has_perm(MANAGE) and user.agency_id is not None)


def is_party(user: Actor, agreement: SharingAgreement) -> bool:
    return can_manage(user) and any(a.pk == user.agency_id for a in agreement.parties.all())


def access_agreement_for_change(user: Actor, agreement_id: int) -> SharingAgreement:
    agreement_id = require_id(agreement_id)
    if not can_manage(user):
        raise Http404("No agreement found.")
    found = (
        SharingAgreement.objects.filter(pk=agreement_id, parties=user.agency_id)
        .prefetch_related("parties")
        .first()
    )
    if found is None:
        raise Http404("No agreement found.")
    return found


def can_review(user: Actor, disclosure: Disclosure) -> bool:
    """The IG of the agency that made an exceptional disclosure reviews it."""
    return bool(
        user.is_authenticated
        and user.has_perm(REVIEW)
        and disclosure.is_exceptional
        and disclosure.from_agency_id == user.agency_id
    )


def access_disclosure_for_review(user: Actor, disclosure_id: int) -> Disclosure:
    """An exceptional disclosure `user` may review; 404 for anything else (another agency's
    disclosure looks the same as one that does not exist)."""
    disclosure_id = require_id(disclosure_id)
    found = (
        Disclosure.objects.select_related("from_agency", "to_agency", "agreement", "disclosed_by")
        .filter(pk=disclosure_id)
        .first()
    )
    if found is None or not can_review(user, found):
        raise Http404("No disclosure found.")
    return found
