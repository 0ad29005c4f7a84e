"""Location pages: the list of places, a location's profile, its Contextual Safeguarding
assessments and their actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cairn.core.http import AuthenticatedHttpRequest, actor_of, form_saved, require
from cairn.disruption import forms, selectors
from cairn.disruption.access import access_location_action_by_id, can_change_assessment
from cairn.disruption.services import assessments
from cairn.pole.models import EntityKind

from ._common import NAV, _form_page


@login_required
def location_profile(request: AuthenticatedHttpRequest, entity_id: int) -> HttpResponse:
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
def location_action_done(request: AuthenticatedHttpRequest, action_id: int) -> HttpResponse:
    """Mark an action of a location assessment done, or (reopen=1) not done after all."""
    require(actor_of(request), "disruption.view_tactic")
    action = access_location_action_by_id(request.user, action_id)
    if not can_change_assessment(request.user, action.assessment):
        raise PermissionDenied
    reopen = request.POST.get("reopen") == "1"
    try:
        if reopen:
            assessments.location_action_reopen(actor=actor_of(request), action=action)
        else:
            assessments.location_action_complete(actor=actor_of(request), action=action)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        verb = "reopened" if reopen else "marked as done"
        messages.success(request, f"Action {verb}: {action.description}")
    return redirect("disruption:location", entity_id=action.assessment.location_id)


@login_required
def locations(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(actor_of(request), "disruption.view_tactic")
    return render(
        request,
        "disruption/locations.html",
        {"locations": selectors.consult_locations(request.user), "nav": NAV},
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_new(request: AuthenticatedHttpRequest, entity_id: int) -> HttpResponse:
    require(actor_of(request), "disruption.add_tactic")
    require(actor_of(request), "disruption.view_tactic")
    entity = selectors.view_profile(
        request.user,
        entity_id,
        kind=EntityKind.LOCATION,
        justification="Recording a location assessment",
    )
    form = forms.AssessmentForm(request.POST or None)
    saved = form_saved(
        request,
        form,
        lambda: assessments.assessment_record(
            actor=actor_of(request),
            location_entity_id=entity.pk,
            assessed_on=form.cleaned_data["assessed_on"],
            summary=form.cleaned_data["summary"],
            actions=form.actions(),
        ),
        success="Location assessment recorded.",
        then=lambda _: redirect("disruption:location", entity_id=entity.pk),
    )
    return saved or _form_page(
        request,
        form,
        title="Record a location assessment",
        caption=entity.label,
        submit="Save assessment",
        intro="A Contextual Safeguarding assessment of the place: what makes it unsafe for "
        "children, and who will do what about it.",
    )
