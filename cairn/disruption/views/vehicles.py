"""Vehicle pages: record a sighting, repeated sightings, a vehicle's profile."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cairn.core.http import AuthenticatedHttpRequest, actor_of, form_saved, require
from cairn.core.text import is_digits
from cairn.core.wording import place_phrase
from cairn.disruption import forms, selectors
from cairn.disruption.services import vehicles
from cairn.pole.access import access_entity_by_id, access_person_by_id
from cairn.pole.models import EntityKind

from ._common import NAV, _form_page, _require_police


@login_required
@require_http_methods(["GET", "POST"])
def sighting_new(request: AuthenticatedHttpRequest) -> HttpResponse:
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
    saved = form_saved(
        request,
        form,
        lambda: vehicles.sighting_record(
            actor=actor_of(request),
            registration=form.cleaned_data["registration"],
            seen_at=form.seen_at(),
            place=form.cleaned_data["place"],
            occupants=form.cleaned_data.get("occupants") or "",
            direction=form.cleaned_data.get("direction") or "",
            location_id=location.pk if location else None,
            child_ids=[child.pk] if child else [],
            marker_requested=form.cleaned_data.get("marker_requested") or False,
        ),
        success="Sighting recorded.",
        then=lambda sighting: redirect("disruption:vehicle", entity_id=sighting.vehicle_id),
    )
    if saved is not None:
        return saved
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
def sightings_repeated(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(actor_of(request), "disruption.view_tactic")
    groups = selectors.consult_repeated_sightings(request.user)
    return render(request, "disruption/sightings.html", {"groups": groups, "nav": NAV})


@login_required
def vehicle_profile(request: AuthenticatedHttpRequest, entity_id: int) -> HttpResponse:
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
