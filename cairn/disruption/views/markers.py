"""Marker pages: add a marker, review it, remove it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from cairn.core.http import AuthenticatedHttpRequest, actor_of, form_saved, require
from cairn.disruption import forms
from cairn.disruption.access import access_tactic_to_change
from cairn.disruption.models import TacticType
from cairn.disruption.services import markers
from cairn.pole.access import view_entity

from ._common import _form_page, _require_police


@login_required
@require_http_methods(["GET", "POST"])
def marker_new(request: AuthenticatedHttpRequest, entity_id: int) -> HttpResponse:
    require(actor_of(request), "disruption.add_tactic")
    _require_police(request)
    entity = view_entity(request.user, entity_id, justification="Adding a marker")
    form = forms.MarkerForm(request.POST or None)
    saved = form_saved(
        request,
        form,
        lambda: markers.marker_add(
            actor=actor_of(request),
            entity_id=entity.pk,
            marker_type=form.cleaned_data["marker_type"],
            reason=form.cleaned_data["reason"],
            review_on=form.cleaned_data["review_on"],
        ),
        success="Marker added.",
        then=lambda marker: redirect("disruption:tactic-detail", tactic_id=marker.tactic_id),
    )
    return saved or _form_page(
        request, form, title=f"Add a marker on {entity.label}", submit="Add marker"
    )


def _marker_to_change(request: AuthenticatedHttpRequest, tactic_id: int) -> Any:
    """A marker the user may change (404 otherwise, as for a missing one)."""
    tactic = access_tactic_to_change(request.user, tactic_id)
    if tactic.tactic_type != TacticType.MARKER:
        raise Http404("No marker found.")
    return tactic.marker


@login_required
@require_http_methods(["GET", "POST"])
def marker_review(request: AuthenticatedHttpRequest, tactic_id: int) -> HttpResponse:
    marker = _marker_to_change(request, tactic_id)
    form = forms.MarkerReviewForm(request.POST or None, initial={"version": marker.tactic.version})
    saved = form_saved(
        request,
        form,
        lambda: markers.marker_review(
            actor=actor_of(request),
            marker=marker,
            next_review_on=form.cleaned_data["next_review_on"],
            note=form.cleaned_data["note"],
            version=form.cleaned_data.get("version") or None,
        ),
        success="Marker reviewed.",
        then=lambda _: redirect("disruption:tactic-detail", tactic_id=tactic_id),
    )
    return saved or _form_page(
        request, form, tactic=marker.tactic, title="Review the marker", submit="Save review"
    )


@login_required
@require_http_methods(["GET", "POST"])
def marker_remove(request: AuthenticatedHttpRequest, tactic_id: int) -> HttpResponse:
    marker = _marker_to_change(request, tactic_id)
    form = forms.RemovalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Not form_saved: a removal someone else made first is a Conflict, answered by a
        # 409 page saying who removed it (ConflictMiddleware), not an error on this form.
        markers.marker_remove(
            actor=actor_of(request), marker=marker, reason=form.cleaned_data["reason"]
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
