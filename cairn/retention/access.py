"""Who reviews and disposes of records: information governance admins, for the records
their own agency holds (the data controller decides how long it keeps its records).
Everyone else, and records of other agencies: 404, as for a missing record."""

from __future__ import annotations

from django.db.models import Model
from django.http import Http404

from cairn.concerns.models import Concern
from cairn.core.http import agency_id_of
from cairn.core.text import require_id
from cairn.core.types import Actor
from cairn.intelligence.models import Submission
from cairn.pole.models import Person

from .models import RecordType, Tombstone

PERMISSION = "retention.review_record"


def is_reviewer(user: Actor) -> bool:
    return bool(user.is_authenticated and user.has_perm(PERMISSION) and user.agency_id is not None)


def require_reviewer(user: Actor) -> None:
    if not is_reviewer(user):
        raise Http404("Page not found.")


def access_record(
    user: Actor, record_type: str, record_id: int, *, disposed_too: bool = False
) -> Model:
    """A record of the reviewer's agency that has not been disposed of (a restricted one
    too: the restriction is shown, and blocks disposal). `disposed_too`: a concern or an
    entry already disposed of is found as well, so that the disposal service, finding it
    disposed once it holds the row lock, answers a second submit with a conflict."""
    record_id = require_id(record_id)
    if not is_reviewer(user):
        raise Http404("No record found.")
    found: Model | None
    if record_type == RecordType.PERSON:
        found = (
            Person.objects.filter(
                pk=record_id,
                entity__owning_agency_id=user.agency_id,
                entity__disposed_at__isnull=True,
            )
            .select_related("entity", "entity__owning_agency")
            .first()
        )
    elif record_type == RecordType.CONCERN:
        concerns = Concern.objects.filter(pk=record_id, reporter_agency_id=user.agency_id)
        if not disposed_too:
            concerns = concerns.filter(disposed_at__isnull=True)
        found = concerns.exclude(child__entity__disposed_at__isnull=False).first()
    elif record_type == RecordType.SUBMISSION:
        entries = Submission.objects.filter(pk=record_id, submitter_agency_id=user.agency_id)
        if not disposed_too:
            entries = entries.filter(disposed_at__isnull=True)
        found = entries.first()
    else:
        found = None
    if found is None:
        raise Http404("No record found.")
    return found


def access_tombstone(user: Actor, tombstone_id: int) -> Tombstone:
    tombstone_id = require_id(tombstone_id)
    if not is_reviewer(user):
        raise Http404("No record found.")
    found = (
        Tombstone.objects.filter(pk=tombstone_id, agency_id=agency_id_of(user))
        .select_related("decision__rule", "decision__decided_by", "agency", "disposed_by")
        .first()
    )
    if found is None:
        raise Http404("No record found.")
    return found
