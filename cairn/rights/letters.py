"""The reply to the requester: plain text IG copies into their own letter template."""

from __future__ import annotations

from django.conf import settings

from .models import Outcome, RequesterKind, RequestKind, Restriction, RightsRequest


def reply_text(request: RightsRequest, *, lifted: Restriction | None = None) -> str:
    """`lifted`: the restriction this request led to, if it has since been lifted (the
    requester was told before; the reply now says so)."""
    service = getattr(settings, "CAIRN_SERVICE_NAME", "Cairn")
    # A representative asks about the person they act for, not about themselves.
    about = "you" if request.requester_kind == RequesterKind.SUBJECT else request.person.full_name
    asked = (
        f"to correct information we hold about {about}"
        if request.kind == RequestKind.RECTIFICATION
        else f"to restrict how we use information we hold about {about}"
    )
    head = (
        f"Our reference: {request.reference}\n\n"
        f"Dear {request.requester},\n\n"
        f"On {request.received_on:%-d %B %Y} you asked us {asked}.\n\n"
    )
    if request.outcome == Outcome.CORRECTED:
        body = "We have corrected the record. " + request.outcome_reason
    elif request.outcome == Outcome.RESTRICTED and lifted is not None and lifted.lifted_at:
        body = (
            "We restricted the record, and have since lifted the restriction on "
            f"{lifted.lifted_at:%-d %B %Y}, for this reason: {lifted.lift_reason}"
        )
    elif request.outcome == Outcome.RESTRICTED:
        body = (
            "We have restricted the record: we keep it, but it is not used in our everyday "
            "work until the restriction is lifted. We will tell you before we lift it."
        )
    else:
        body = (
            "We have decided not to do this, for this reason: "
            + request.outcome_reason
            + "\n\nYou may complain to the Information Commissioner's Office (ico.org.uk) "
            "or apply to a court."
        )
    return f"{head}{body.strip()}\n\nYours sincerely,\nInformation governance, {service}\n"
