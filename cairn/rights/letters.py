"""The reply to the requester: plain text IG copies into their own letter template."""

from __future__ import annotations

from django.conf import settings

from .models import Outcome, RequestKind, RightsRequest


def reply_text(request: RightsRequest) -> str:
    service = getattr(settings, "CAIRN_SERVICE_NAME", "Cairn")
    asked = (
        "to correct information we hold about you"
        if request.kind == RequestKind.RECTIFICATION
        else "to restrict how we use information we hold about you"
    )
    head = (
        f"Our reference: {request.reference}\n\n"
        f"Dear {request.requester},\n\n"
        f"On {request.received_on:%-d %B %Y} you asked us {asked}.\n\n"
    )
    if request.outcome == Outcome.CORRECTED:
        body = "We have corrected the record. " + request.outcome_reason
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
