"""Disruption pages for any tactic: the tracker (reviews overdue and due, filtered list),
a tactic and its update, choosing and recording a tactic against a person, place or
vehicle, and sharing a tactic with another agency."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cairn.accounts.models import Agency
from cairn.core.http import AuthenticatedHttpRequest, actor_of, form_saved, require
from cairn.core.text import is_digits
from cairn.disruption import forms, selectors
from cairn.disruption.access import (
    access_tactic_by_id,
    access_tactic_to_change,
    can_change_tactic,
    can_record_tactic_type,
    is_police_user,
    view_tactic,
)
from cairn.disruption.models import PERSON_ORDER_TYPES, SubjectRole, Tactic, TacticType
from cairn.disruption.services import tactics
from cairn.pole.access import access_person_by_id, view_entity
from cairn.pole.models import EntityKind
from cairn.sharing.services import Claim

from ._common import NAV, _form_page


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(actor_of(request), "disruption.view_tactic")
    filters = forms.TacticFilterForm(request.GET or None)
    tactic_type = status = None
    if filters.is_valid():
        tactic_type = filters.cleaned_data.get("tactic_type") or None
        status = filters.cleaned_data.get("status") or None
    today = timezone.localdate()
    page = Paginator(
        selectors.tactic_list(request.user, tactic_type=tactic_type, status=status), 25
    ).get_page(request.GET.get("page"))
    overdue = list(selectors.overdue_reviews(request.user, today)[:50])
    due_soon = list(selectors.reviews_due_soon(request.user, today)[:50])
    selectors.consult_tactics(
        request.user,
        [*page, *overdue, *due_soon],
        justification="Disruption tracker",
        details={"type": tactic_type, "status": status, "page": page.number},
    )
    return render(
        request,
        "disruption/index.html",
        {
            "filters": filters,
            "page_obj": page,
            "overdue_ids": {t.pk for t in page if selectors.is_overdue(t, today)},
            "overdue": overdue,
            "due_soon": due_soon,
            "today": today,
            "nav": NAV,
        },
    )


@login_required
def tactic_detail(request: AuthenticatedHttpRequest, tactic_id: int) -> HttpResponse:
    tactic = view_tactic(request.user, tactic_id, justification="Opened a disruption tactic")
    view = selectors.tactic_detail(request.user, tactic)
    return render(
        request,
        "disruption/tactic_detail.html",
        {
            "view": view,
            "tactic": tactic,
            "can_change": can_change_tactic(request.user, tactic),
            "nav": NAV,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def tactic_update(request: AuthenticatedHttpRequest, tactic_id: int) -> HttpResponse:
    tactic = access_tactic_to_change(request.user, tactic_id)
    form = forms.TacticUpdateForm(
        request.POST or None,
        initial={
            "status": tactic.status,
            "outcome": tactic.outcome,
            "completed_on": tactic.completed_on,
            "review_on": tactic.review_on,
            "version": tactic.version,
        },
    )
    saved = form_saved(
        request,
        form,
        lambda: tactics.tactic_update(
            actor=actor_of(request),
            tactic=tactic,
            status=form.cleaned_data["status"],
            outcome=form.cleaned_data.get("outcome") or "",
            completed_on=form.cleaned_data.get("completed_on"),
            review_on=form.cleaned_data.get("review_on"),
            version=form.cleaned_data.get("version") or None,
        ),
        success="Tactic updated.",
        then=lambda _: redirect("disruption:tactic-detail", tactic_id=tactic.pk),
    )
    return saved or _form_page(
        request, form, tactic=tactic, title="Update the tactic", submit="Save"
    )


# Other tactics -----------------------------------------------------------------------


def _role_for(entity: Any) -> str:
    if entity.kind == EntityKind.LOCATION:
        return SubjectRole.LOCATION
    if entity.kind == EntityKind.VEHICLE:
        return SubjectRole.VEHICLE
    person = getattr(entity, "person", None)
    if person is not None and person.category == "child":
        return SubjectRole.PROTECTED_CHILD
    return SubjectRole.TARGET


GENERIC_TYPES = [
    t
    for t in TacticType
    if t not in (TacticType.CAWN, TacticType.MARKER, TacticType.VEHICLE_REPORT)
]


def _letter_recipients(request: AuthenticatedHttpRequest, entity: Any) -> list[Any]:
    """Who a warning letter started from a child's page may be sent to: the persons of
    concern linked to the child, plus a visible person named by ?person= (or the form)."""
    child = getattr(entity, "person", None)
    if entity.kind != EntityKind.PERSON or child is None or child.category != "child":
        return []
    people = selectors.linked_people(request.user, child, "person_of_concern")
    named = request.POST.get("person_of_concern") or request.GET.get("person", "")
    if is_digits(named) and int(named) != child.pk and all(p.pk != int(named) for p in people):
        people.append(access_person_by_id(request.user, int(named)))
    return people


def _preselected(request: AuthenticatedHttpRequest, people: list[Any]) -> Any:
    """The person to pre-select: the one named by ?person=, or the only one linked."""
    named = request.GET.get("person", "")
    for person in people:
        if is_digits(named) and person.pk == int(named):
            return person
    return people[0] if len(people) == 1 else None


@login_required
@require_http_methods(["GET", "POST"])
def tactic_new(request: AuthenticatedHttpRequest, entity_id: int, tactic_type: str) -> HttpResponse:
    require(actor_of(request), "disruption.add_tactic")
    if tactic_type not in [t.value for t in GENERIC_TYPES]:
        raise Http404("No such tactic type.")
    if not can_record_tactic_type(request.user, tactic_type):
        raise PermissionDenied
    entity = view_entity(request.user, entity_id, justification="Recording a tactic")
    order = tactic_type in PERSON_ORDER_TYPES
    if (tactic_type == TacticType.IMMIGRATION_CHECK or order) and entity.kind != EntityKind.PERSON:
        raise Http404("This tactic is about a person.")
    label = TacticType(tactic_type).label
    from_child = _role_for(entity) == SubjectRole.PROTECTED_CHILD
    initial: dict[str, Any] = {"title": f"{label}: {entity.label}"[:200]}
    if order:  # never worded as if the order were against the child
        initial["title"] = (
            f"{label} (child: {entity.label})" if from_child else f"{label} against {entity.label}"
        )[:200]
    asks = from_child and (order or tactic_type == TacticType.POC_LETTER)
    people = _letter_recipients(request, entity) if asks else None
    chosen = _preselected(request, people or [])
    if chosen is not None:
        initial["person_of_concern"] = chosen.pk
        initial["title"] = (
            f"{label} against {chosen.full_name} (child: {entity.label})"
            if order
            else f"Warning letter to {chosen.full_name} about {entity.label}"
        )[:200]
    form = forms.TacticForm(
        request.POST or None, tactic_type=tactic_type, people=people, initial=initial
    )

    def create() -> Tactic:
        detail = form.detail()
        if tactic_type == TacticType.IMMIGRATION_CHECK:
            detail["person_id"] = entity.pk
        subjects = [(entity.pk, _role_for(entity))]
        if form.cleaned_data.get("person_of_concern"):
            subjects.append((form.cleaned_data["person_of_concern"], SubjectRole.TARGET))
        return tactics.tactic_create(
            actor=actor_of(request),
            tactic_type=tactic_type,
            title=form.cleaned_data["title"],
            subjects=subjects,
            legal_basis=form.cleaned_data.get("legal_basis") or "",
            status=form.cleaned_data["status"],
            planned_on=form.cleaned_data.get("planned_on"),
            review_on=form.cleaned_data.get("review_on"),
            outcome=form.cleaned_data.get("outcome") or "",
            detail=detail,
        )

    saved = form_saved(
        request,
        form,
        create,
        success=f"{label} recorded.",
        then=lambda tactic: redirect("disruption:tactic-detail", tactic_id=tactic.pk),
    )
    return saved or _form_page(
        request,
        form,
        title=label,
        caption=entity.label,
        submit="Save",
    )


@login_required
def tactic_choose(request: AuthenticatedHttpRequest, entity_id: int) -> HttpResponse:
    """Which tactic to record against a person, place or vehicle."""
    require(actor_of(request), "disruption.add_tactic")
    entity = view_entity(request.user, entity_id, justification="Choosing a tactic")
    police = is_police_user(request.user)
    types = [t for t in GENERIC_TYPES if can_record_tactic_type(request.user, t)]
    if entity.kind != EntityKind.PERSON:
        types = [
            t for t in types if t != TacticType.IMMIGRATION_CHECK and t not in PERSON_ORDER_TYPES
        ]
    return render(
        request,
        "disruption/tactic_choose.html",
        {"entity": entity, "types": types, "police": police, "nav": NAV},
    )


# Sharing -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def tactic_share(request: AuthenticatedHttpRequest, tactic_id: int) -> HttpResponse:
    require(actor_of(request), "disruption.share_tactic")
    tactic = access_tactic_by_id(request.user, tactic_id)
    agencies = selectors.other_agencies(request.user)
    form = forms.ShareForm(
        request.POST or None, agencies=agencies, sender=getattr(request.user, "agency", None)
    )

    def share() -> Agency:
        agency = next(a for a in agencies if a.pk == form.cleaned_data["agency"])
        tactics.tactic_share(
            actor=actor_of(request),
            tactic=tactic,
            agency=agency,
            reason=form.cleaned_data["reason"],
            claim=Claim.from_form(form.cleaned_data),
        )
        return agency

    saved = form_saved(
        request,
        form,
        share,
        success=lambda agency: f"Shared with {agency.name}.",
        then=lambda _: redirect("disruption:tactic-detail", tactic_id=tactic.pk),
    )
    return saved or _form_page(
        request,
        form,
        tactic=tactic,
        title="Share this tactic",
        submit="Share",
        intro="Sharing discloses the tactic and the records it names to the agency. "
        "It is recorded in the audit log with the information-sharing agreement and lawful "
        "basis it relies on.",
    )
