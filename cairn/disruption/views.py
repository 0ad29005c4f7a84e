"""Disruption pages: the tracker (reviews overdue and due, filtered list), a tactic and its
actions, issuing a CAWN (eligibility first), service, breaches and the printable notice,
markers, other tactics, vehicle sightings, location and vehicle profiles, plans.
Views parse input, call one service or selector, and render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cairn.core.http import actor_of, apply_service_errors, require
from cairn.core.pdf import render_pdf
from cairn.core.text import is_digits
from cairn.core.throttling import throttle, wants_pdf
from cairn.core.wording import place_phrase
from cairn.pole.access import access_entity_by_id, access_person_by_id, view_entity, view_person
from cairn.pole.models import EntityKind
from cairn.pole.search import search_people
from cairn.sharing.services import Claim

from . import forms, selectors, services
from .access import (
    access_location_action_by_id,
    access_tactic_by_id,
    access_tactic_to_change,
    can_change_assessment,
    can_change_tactic,
    can_record_tactic_type,
    is_police_user,
    view_plan,
    view_tactic,
)
from .models import PERSON_ORDER_TYPES, SubjectRole, Tactic, TacticType

NAV = "disruption"


def _require_police(request: HttpRequest) -> None:
    """Police work (CAWNs, markers, vehicle sightings): refused like a missing permission."""
    if not is_police_user(request.user):
        raise PermissionDenied


@login_required
def index(request: HttpRequest) -> HttpResponse:
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
def tactic_detail(request: HttpRequest, tactic_id: int) -> HttpResponse:
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
def tactic_update(request: HttpRequest, tactic_id: int) -> HttpResponse:
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
    if request.method == "POST" and form.is_valid():
        try:
            services.tactic_update(
                actor=request.user,
                tactic=tactic,
                status=form.cleaned_data["status"],
                outcome=form.cleaned_data.get("outcome") or "",
                completed_on=form.cleaned_data.get("completed_on"),
                review_on=form.cleaned_data.get("review_on"),
                version=form.cleaned_data.get("version") or None,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Tactic updated.")
            return redirect("disruption:tactic-detail", tactic_id=tactic.pk)
    return _form_page(request, form, tactic=tactic, title="Update the tactic", submit="Save")


def _form_page(
    request: HttpRequest,
    form: Any,
    *,
    title: str,
    submit: str,
    tactic: Tactic | None = None,
    caption: str = "",
    back_url: str = "",
    intro: str = "",
) -> HttpResponse:
    return render(
        request,
        "disruption/form.html",
        {
            "form": form,
            "title": title,
            "submit": submit,
            "tactic": tactic,
            "caption": caption or (tactic.reference if tactic else "Disruption"),
            "back_url": back_url,
            "intro": intro,
            "nav": NAV,
        },
    )


# CAWNs -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def cawn_new(request: HttpRequest, child_id: int) -> HttpResponse:
    require(actor_of(request), "disruption.add_tactic")
    _require_police(request)
    child = view_person(request.user, child_id, justification="CAWN eligibility checked")
    eligibility = selectors.cawn_check(child)
    people = selectors.linked_people(request.user, child, "person_of_concern")
    search = forms.PersonSearchForm(request.GET or None)
    if search.is_valid() and (search.cleaned_data.get("q") or "").strip():
        for match in search_people(request.user, query=search.cleaned_data["q"])[:20]:
            if match.person.pk != child.pk and match.person not in people:
                people.append(match.person)
    chosen = request.POST.get("person_of_concern", "")
    if is_digits(chosen) and all(p.pk != int(chosen) for p in people):
        people.append(access_person_by_id(request.user, int(chosen)))
    form = forms.CawnForm(request.POST or None, people=people)
    if request.method == "POST" and eligibility.eligible and form.is_valid():
        try:
            cawn = services.cawn_issue(
                actor=request.user,
                child=child,
                person_of_concern=access_person_by_id(
                    request.user, form.cleaned_data["person_of_concern"]
                ),
                authorised_by=form.cleaned_data["authorised_by"],
                authorised_by_name=form.cleaned_data["authorised_by_name"],
                review_on=form.cleaned_data["review_on"],
                notes=form.cleaned_data.get("notes") or "",
                recipient_description=form.cleaned_data.get("recipient_description") or "",
                recipient_unknown_reason=form.cleaned_data.get("recipient_unknown_reason") or "",
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "CAWN issued. Record its service once it is served.")
            return redirect("disruption:tactic-detail", tactic_id=cawn.tactic_id)
    return render(
        request,
        "disruption/cawn_new.html",
        {
            "child": child,
            "eligibility": eligibility,
            "form": form,
            "search": search,
            "people": people,
            "nav": NAV,
        },
    )


def _cawn_to_change(request: HttpRequest, tactic_id: int) -> Any:
    """A CAWN the user may change (404 otherwise, as for a missing one)."""
    tactic = access_tactic_to_change(request.user, tactic_id)
    if tactic.tactic_type != TacticType.CAWN:
        raise Http404("No CAWN found.")
    if selectors.hidden_references(request.user, tactic.cawn):
        # The notice names both people: never print one the user may not see.
        raise Http404("No CAWN found.")
    return tactic.cawn


@login_required
@require_http_methods(["GET", "POST"])
def cawn_service(request: HttpRequest, tactic_id: int) -> HttpResponse:
    cawn = _cawn_to_change(request, tactic_id)
    form = forms.CawnServiceForm(
        request.POST or None,
        initial={"served_by_name": getattr(request.user, "get_full_name", str)()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.cawn_record_service(
                actor=request.user,
                cawn=cawn,
                served_by_name=form.cleaned_data["served_by_name"],
                served_at=form.served_at(),
                served_place=form.cleaned_data["served_place"],
                copied_to_social_care_on=form.cleaned_data.get("copied_to_social_care_on"),
                social_care_contact=form.cleaned_data.get("social_care_contact") or "",
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Service recorded.")
            return redirect("disruption:tactic-detail", tactic_id=tactic_id)
    return _form_page(
        request, form, tactic=cawn.tactic, title="Record service of the CAWN", submit="Save service"
    )


@login_required
@require_http_methods(["GET", "POST"])
def cawn_breach(request: HttpRequest, tactic_id: int) -> HttpResponse:
    cawn = _cawn_to_change(request, tactic_id)
    form = forms.BreachForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cawn_breach_record(
                actor=request.user,
                cawn=cawn,
                occurred_on=form.cleaned_data["occurred_on"],
                evidence=form.cleaned_data["evidence"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Breach logged.")
            return redirect("disruption:tactic-detail", tactic_id=tactic_id)
    return _form_page(
        request,
        form,
        tactic=cawn.tactic,
        title="Log a breach of the CAWN",
        submit="Log breach",
        intro="A breach is not itself an offence, but it is evidence (for example for a "
        "Sexual Risk Order).",
    )


@login_required
@throttle("export", when=wants_pdf)
def cawn_notice(request: HttpRequest, tactic_id: int) -> HttpResponse:
    """The printable notice: a PDF with ?format=pdf, otherwise an HTML page with print
    styles."""
    tactic = selectors.view_cawn_notice(request.user, tactic_id)
    context = {"tactic": tactic, "cawn": tactic.cawn, "today": timezone.localdate()}
    if request.GET.get("format") == "pdf":
        pdf = render_pdf(
            "disruption/cawn_notice.html",
            {**context, "for_pdf": True},
            request=request,
            stylesheet="disruption/notice.css",
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{tactic.reference}-cawn.pdf"'
        return response
    return render(request, "disruption/cawn_notice.html", context)


# Markers -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def marker_new(request: HttpRequest, entity_id: int) -> HttpResponse:
    require(actor_of(request), "disruption.add_tactic")
    _require_police(request)
    entity = view_entity(request.user, entity_id, justification="Adding a marker")
    form = forms.MarkerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            marker = services.marker_add(
                actor=request.user,
                entity_id=entity.pk,
                marker_type=form.cleaned_data["marker_type"],
                reason=form.cleaned_data["reason"],
                review_on=form.cleaned_data["review_on"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Marker added.")
            return redirect("disruption:tactic-detail", tactic_id=marker.tactic_id)
    return _form_page(request, form, title=f"Add a marker on {entity.label}", submit="Add marker")


def _marker_to_change(request: HttpRequest, tactic_id: int) -> Any:
    """A marker the user may change (404 otherwise, as for a missing one)."""
    tactic = access_tactic_to_change(request.user, tactic_id)
    if tactic.tactic_type != TacticType.MARKER:
        raise Http404("No marker found.")
    return tactic.marker


@login_required
@require_http_methods(["GET", "POST"])
def marker_review(request: HttpRequest, tactic_id: int) -> HttpResponse:
    marker = _marker_to_change(request, tactic_id)
    form = forms.MarkerReviewForm(request.POST or None, initial={"version": marker.tactic.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.marker_review(
                actor=request.user,
                marker=marker,
                next_review_on=form.cleaned_data["next_review_on"],
                note=form.cleaned_data["note"],
                version=form.cleaned_data.get("version") or None,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Marker reviewed.")
            return redirect("disruption:tactic-detail", tactic_id=tactic_id)
    return _form_page(
        request, form, tactic=marker.tactic, title="Review the marker", submit="Save review"
    )


@login_required
@require_http_methods(["GET", "POST"])
def marker_remove(request: HttpRequest, tactic_id: int) -> HttpResponse:
    marker = _marker_to_change(request, tactic_id)
    form = forms.RemovalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.marker_remove(
            actor=request.user, marker=marker, reason=form.cleaned_data["reason"]
        )
        messages.success(request, "Marker removed.")
        return redirect("disruption:tactic-detail", tactic_id=tactic_id)
    return _form_page(
        request,
        form,
        tactic=marker.tactic,
        title="Remove the marker",
        submit="Remove marker",
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


def _letter_recipients(request: HttpRequest, entity: Any) -> list[Any]:
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


def _preselected(request: HttpRequest, people: list[Any]) -> Any:
    """The person to pre-select: the one named by ?person=, or the only one linked."""
    named = request.GET.get("person", "")
    for person in people:
        if is_digits(named) and person.pk == int(named):
            return person
    return people[0] if len(people) == 1 else None


@login_required
@require_http_methods(["GET", "POST"])
def tactic_new(request: HttpRequest, entity_id: int, tactic_type: str) -> HttpResponse:
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
    if request.method == "POST" and form.is_valid():
        detail = form.detail()
        if tactic_type == TacticType.IMMIGRATION_CHECK:
            detail["person_id"] = entity.pk
        subjects = [(entity.pk, _role_for(entity))]
        if form.cleaned_data.get("person_of_concern"):
            subjects.append((form.cleaned_data["person_of_concern"], SubjectRole.TARGET))
        try:
            tactic = services.tactic_create(
                actor=request.user,
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
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"{label} recorded.")
            return redirect("disruption:tactic-detail", tactic_id=tactic.pk)
    return _form_page(
        request,
        form,
        title=label,
        caption=entity.label,
        submit="Save",
    )


@login_required
def tactic_choose(request: HttpRequest, entity_id: int) -> HttpResponse:
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
def tactic_share(request: HttpRequest, tactic_id: int) -> HttpResponse:
    require(actor_of(request), "disruption.share_tactic")
    tactic = access_tactic_by_id(request.user, tactic_id)
    agencies = selectors.other_agencies(request.user)
    form = forms.ShareForm(
        request.POST or None, agencies=agencies, sender=getattr(request.user, "agency", None)
    )
    if request.method == "POST" and form.is_valid():
        agency = next(a for a in agencies if a.pk == form.cleaned_data["agency"])
        try:
            services.tactic_share(
                actor=request.user,
                tactic=tactic,
                agency=agency,
                reason=form.cleaned_data["reason"],
                claim=Claim.from_form(form.cleaned_data),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Shared with {agency.name}.")
            return redirect("disruption:tactic-detail", tactic_id=tactic.pk)
    return _form_page(
        request,
        form,
        tactic=tactic,
        title="Share this tactic",
        submit="Share",
        intro="Sharing discloses the tactic and the records it names to the agency. "
        "It is recorded in the audit log with the information-sharing agreement and lawful "
        "basis it relies on.",
    )


# Vehicles ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def sighting_new(request: HttpRequest) -> HttpResponse:
    require(actor_of(request), "disruption.add_tactic")
    _require_police(request)
    child = None
    location = None
    child_id = request.GET.get("child", "")
    location_id = request.GET.get("location", "")
    if is_digits(child_id):
        child = access_person_by_id(request.user, int(child_id))
    if is_digits(location_id):
        location = access_entity_by_id(request.user, int(location_id))
        if location.kind != EntityKind.LOCATION:
            raise Http404("No location found.")
    form = forms.SightingForm(
        request.POST or None, initial={"registration": request.GET.get("reg", "")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            sighting = services.sighting_record(
                actor=request.user,
                registration=form.cleaned_data["registration"],
                seen_at=form.seen_at(),
                place=form.cleaned_data["place"],
                occupants=form.cleaned_data.get("occupants") or "",
                direction=form.cleaned_data.get("direction") or "",
                location_id=location.pk if location else None,
                child_ids=[child.pk] if child else [],
                marker_requested=form.cleaned_data.get("marker_requested") or False,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Sighting recorded.")
            return redirect("disruption:vehicle", entity_id=sighting.vehicle_id)
    near = []
    if child:
        near.append(f"near {child.full_name}")
    if location:
        near.append(place_phrase(location.label))
    return _form_page(
        request,
        form,
        title="Record a vehicle sighting",
        caption=" ".join(near) or "Vehicle report",
        submit="Save sighting",
    )


@login_required
def sightings_repeated(request: HttpRequest) -> HttpResponse:
    require(actor_of(request), "disruption.view_tactic")
    groups = selectors.consult_repeated_sightings(request.user)
    return render(request, "disruption/sightings.html", {"groups": groups, "nav": NAV})


@login_required
def vehicle_profile(request: HttpRequest, entity_id: int) -> HttpResponse:
    require(actor_of(request), "disruption.view_tactic")
    entity = selectors.view_profile(
        request.user, entity_id, kind=EntityKind.VEHICLE, justification="Opened a vehicle profile"
    )
    profile = selectors.vehicle_profile(request.user, entity)
    return render(
        request,
        "disruption/vehicle.html",
        {
            "entity": entity,
            "profile": profile,
            "sightings": profile.sightings,
            "tactics": profile.tactics,
            "nav": NAV,
        },
    )


# Locations ---------------------------------------------------------------------------


def _location(request: HttpRequest, entity_id: int) -> Any:
    require(actor_of(request), "disruption.view_tactic")
    entity = access_entity_by_id(request.user, entity_id)
    if entity.kind != EntityKind.LOCATION:
        raise Http404("No location found.")
    return entity


@login_required
def location_profile(request: HttpRequest, entity_id: int) -> HttpResponse:
    require(actor_of(request), "disruption.view_tactic")
    entity = selectors.view_profile(
        request.user, entity_id, kind=EntityKind.LOCATION, justification="Opened a location profile"
    )
    profile = selectors.location_profile(request.user, entity)
    return render(
        request,
        "disruption/location.html",
        {
            "profile": profile,
            "entity": entity,
            "changeable": {
                a.pk for a in profile.assessments if can_change_assessment(request.user, a)
            },
            "today": timezone.localdate(),
            "nav": NAV,
        },
    )


@login_required
@require_POST
def location_action_done(request: HttpRequest, action_id: int) -> HttpResponse:
    """Mark an action of a location assessment done, or (reopen=1) not done after all."""
    require(actor_of(request), "disruption.view_tactic")
    action = access_location_action_by_id(request.user, action_id)
    if not can_change_assessment(request.user, action.assessment):
        raise PermissionDenied
    reopen = request.POST.get("reopen") == "1"
    try:
        if reopen:
            services.location_action_reopen(actor=request.user, action=action)
        else:
            services.location_action_complete(actor=request.user, action=action)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        verb = "reopened" if reopen else "marked as done"
        messages.success(request, f"Action {verb}: {action.description}")
    return redirect("disruption:location", entity_id=action.assessment.location_id)


@login_required
def locations(request: HttpRequest) -> HttpResponse:
    require(actor_of(request), "disruption.view_tactic")
    return render(
        request,
        "disruption/locations.html",
        {"locations": selectors.consult_locations(request.user), "nav": NAV},
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_new(request: HttpRequest, entity_id: int) -> HttpResponse:
    require(actor_of(request), "disruption.add_tactic")
    require(actor_of(request), "disruption.view_tactic")
    entity = selectors.view_profile(
        request.user,
        entity_id,
        kind=EntityKind.LOCATION,
        justification="Recording a location assessment",
    )
    form = forms.AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_record(
                actor=request.user,
                location_entity_id=entity.pk,
                assessed_on=form.cleaned_data["assessed_on"],
                summary=form.cleaned_data["summary"],
                actions=form.actions(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Location assessment recorded.")
            return redirect("disruption:location", entity_id=entity.pk)
    return _form_page(
        request,
        form,
        title="Record a location assessment",
        caption=entity.label,
        submit="Save assessment",
        intro="A Contextual Safeguarding assessment of the place: what makes it unsafe for "
        "children, and who will do what about it.",
    )


# Plans -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(
    request: HttpRequest, person_id: int | None = None, plan_id: int | None = None
) -> HttpResponse:
    require(actor_of(request), "disruption.manage_plan")
    plan = view_plan(request.user, plan_id, justification="Changing a plan") if plan_id else None
    person = (
        plan.person_of_concern
        if plan
        else view_person(request.user, person_id or 0, justification="Starting a plan")
    )
    tactics = selectors.plan_tactic_choices(request.user, person)
    initial: dict[str, Any] = {}
    if plan is not None:
        initial = {
            "objectives": plan.objectives,
            "review_on": plan.review_on,
            "tactics": [t.pk for t in plan.tactics.all()],
        }
    form = forms.PlanForm(request.POST or None, tactics=tactics, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.plan_save(
                actor=request.user,
                person_of_concern=person,
                objectives=form.cleaned_data["objectives"],
                review_on=form.cleaned_data["review_on"],
                tactic_ids=form.cleaned_data.get("tactics") or [],
                plan=plan,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Disruption plan saved.")
            return redirect("disruption:plan-detail", plan_id=saved.pk)
    return _form_page(
        request,
        form,
        title="Disruption plan",
        caption=person.full_name,
        submit="Save plan",
    )


@login_required
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = view_plan(request.user, plan_id, justification="Opened a disruption plan")
    return render(
        request,
        "disruption/plan_detail.html",
        {
            "plan": plan,
            "tactics": selectors.plan_tactics(request.user, plan),
            "today": timezone.localdate(),
            "nav": NAV,
        },
    )
