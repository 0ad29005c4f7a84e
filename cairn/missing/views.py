"""Missing-episode pages: the list with the interviews outstanding, recording an episode
(for a child, or from a concern's sign of going missing), and one episode with its return
and return home interview. Views parse input, call a service or selector, and render;
access is decided in access.py. The pages sit under /hub/missing/, in the Hub's
navigation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cairn.core.http import (
    AuthenticatedHttpRequest,
    actor_of,
    apply_service_errors,
    form_saved,
    require,
)
from cairn.pole.access import view_person

from . import forms, selectors, services
from .access import access_episode_by_id, access_missing_sign, view_episode


@login_required
def episode_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(actor_of(request), "hub.view_missing")
    page = Paginator(selectors.episodes_for_list(request.user), 25).get_page(
        request.GET.get("page")
    )
    outstanding = list(selectors.episodes_rhi_outstanding(request.user)[:25])
    selectors.consult_missing_episodes(
        request.user, [e.child_id for e in [*page, *outstanding]], justification="Missing episodes"
    )
    return render(
        request,
        "missing/list.html",
        {
            "page_obj": page,
            "outstanding": outstanding,
            "nav": "hub",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def episode_new(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    actor = actor_of(request)
    require(actor, "hub.add_missing")
    child = view_person(request.user, person_id, justification="Recording a missing episode")
    form = forms.EpisodeForm(request.POST or None)
    saved = form_saved(
        request,
        form,
        lambda: services.episode_record(actor=actor, child=child, **form.episode()),
        success=lambda episode: f"Missing episode {episode.reference} recorded",
        then=lambda episode: redirect("missing:detail", episode_id=episode.pk),
        rename=form.SERVICE_FIELDS,
    )
    return saved or render(
        request, "missing/new.html", {"form": form, "child": child, "nav": "hub"}
    )


@login_required
@require_http_methods(["GET", "POST"])
def episode_from_sign(request: AuthenticatedHttpRequest, sign_id: int) -> HttpResponse:
    """Record a sign of going missing from a concern as a missing episode: the form starts
    from the sign's date and evidence; the practitioner confirms or edits it."""
    actor = actor_of(request)
    require(actor, "hub.add_missing")
    sign = access_missing_sign(request.user, sign_id)
    concern = sign.concern
    assert concern is not None  # missing_signs offers only signs from concerns
    child = view_person(
        request.user,
        sign.child_id,
        justification=f"Recording a missing episode from concern {concern.reference}",
    )
    recorded = getattr(sign, "missing_episode", None)
    if recorded is not None:
        messages.info(
            request, f"This sign is already recorded as missing episode {recorded.reference}"
        )
        return redirect("missing:detail", episode_id=recorded.pk)
    form = forms.EpisodeForm(request.POST or None, initial=selectors.sign_initial(sign))
    if request.method == "POST" and form.is_valid():
        try:
            episode, created = services.episode_record_from_sign(
                actor=actor, sign_id=sign.pk, **form.episode()
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, form.SERVICE_FIELDS)
        else:
            if created:
                messages.success(
                    request,
                    f"Missing episode {episode.reference} recorded from concern "
                    f"{concern.reference}",
                )
            else:
                messages.info(
                    request,
                    f"This sign is already recorded as missing episode {episode.reference}",
                )
            return redirect("missing:detail", episode_id=episode.pk)
    return render(
        request,
        "missing/from_sign.html",
        {"form": form, "child": child, "sign": sign, "nav": "hub"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def episode_detail(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    # Reading the page is a consultation; a POST records its own change instead.
    episode = (
        view_episode(request.user, episode_id)
        if request.method == "GET"
        else access_episode_by_id(request.user, episode_id)
    )
    which = request.POST.get("form")
    return_form = forms.ReturnForm(request.POST if which == "return" else None, prefix="ret")
    rhi_initial = {
        "offered_on": episode.rhi_offered_on,
        "accepted": {True: "yes", False: "no"}.get(episode.rhi_accepted, ""),  # type: ignore[arg-type]
        "notes": episode.rhi_notes,
    }
    rhi_form = forms.RhiForm(request.POST if which == "rhi" else None, initial=rhi_initial)
    if request.method == "POST":
        actor = actor_of(request)
        require(actor, "hub.add_missing")
        try:
            if which == "return" and return_form.is_valid():
                services.episode_return(
                    actor=actor,
                    episode=episode,
                    found_at=return_form.found_at(),
                    where_found=return_form.cleaned_data["where_found"],
                    out_of_area=return_form.cleaned_data["out_of_area"],
                )
                messages.success(request, "Return recorded: the interview is due within 72 hours")
                return redirect("missing:detail", episode_id=episode.pk)
            if which == "rhi" and rhi_form.is_valid():
                services.rhi_record(actor=actor, episode=episode, **rhi_form.values())
                messages.success(request, "Return home interview recorded")
                return redirect("missing:detail", episode_id=episode.pk)
        except ValidationError as exc:
            target = return_form if which == "return" else rhi_form
            apply_service_errors(
                target,
                exc,
                {"found_at": "found_on", "completed_at": "completed_on"},
            )
    return render(
        request,
        "missing/detail.html",
        {
            "episode": episode,
            "return_form": return_form,
            "rhi_form": rhi_form,
            "can_edit": request.user.has_perm("hub.add_missing"),
            "nav": "hub",
        },
    )
