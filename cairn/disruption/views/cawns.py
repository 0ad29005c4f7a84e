"""CAWN pages: issuing one (eligibility first), recording its service, logging breaches,
and the printable notice."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cairn.core.http import AuthenticatedHttpRequest, actor_of, form_saved, require
from cairn.core.pdf import render_pdf
from cairn.core.text import is_digits
from cairn.core.throttling import throttle, wants_pdf
from cairn.disruption import forms, selectors
from cairn.disruption.access import access_tactic_to_change
from cairn.disruption.models import TacticType
from cairn.disruption.services import cawns
from cairn.pole.access import access_person_by_id, view_person
from cairn.pole.search import search_people

from ._common import NAV, _form_page, _require_police


@login_required
@require_http_methods(["GET", "POST"])
def cawn_new(request: AuthenticatedHttpRequest, child_id: int) -> HttpResponse:
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
    # An ineligible child gets the form back, whatever was sent, beside the reasons.
    saved: HttpResponse | None = None
    if eligibility.eligible:
        saved = form_saved(
            request,
            form,
            lambda: cawns.cawn_issue(
                actor=actor_of(request),
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
            ),
            success="CAWN issued. Record its service once it is served.",
            then=lambda cawn: redirect("disruption:tactic-detail", tactic_id=cawn.tactic_id),
        )
    return saved or render(
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


def _cawn_to_change(request: AuthenticatedHttpRequest, tactic_id: int) -> Any:
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
def cawn_service(request: AuthenticatedHttpRequest, tactic_id: int) -> HttpResponse:
    cawn = _cawn_to_change(request, tactic_id)
    form = forms.CawnServiceForm(
        request.POST or None,
        initial={"served_by_name": getattr(request.user, "get_full_name", str)()},
    )
    saved = form_saved(
        request,
        form,
        lambda: cawns.cawn_record_service(
            actor=actor_of(request),
            cawn=cawn,
            served_by_name=form.cleaned_data["served_by_name"],
            served_at=form.served_at(),
            served_place=form.cleaned_data["served_place"],
            copied_to_social_care_on=form.cleaned_data.get("copied_to_social_care_on"),
            social_care_contact=form.cleaned_data.get("social_care_contact") or "",
        ),
        success="Service recorded.",
        then=lambda _: redirect("disruption:tactic-detail", tactic_id=tactic_id),
    )
    return saved or _form_page(
        request, form, tactic=cawn.tactic, title="Record service of the CAWN", submit="Save service"
    )


@login_required
@require_http_methods(["GET", "POST"])
def cawn_breach(request: AuthenticatedHttpRequest, tactic_id: int) -> HttpResponse:
    cawn = _cawn_to_change(request, tactic_id)
    form = forms.BreachForm(request.POST or None)
    saved = form_saved(
        request,
        form,
        lambda: cawns.cawn_breach_record(
            actor=actor_of(request),
            cawn=cawn,
            occurred_on=form.cleaned_data["occurred_on"],
            evidence=form.cleaned_data["evidence"],
        ),
        success="Breach logged.",
        then=lambda _: redirect("disruption:tactic-detail", tactic_id=tactic_id),
    )
    return saved or _form_page(
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
def cawn_notice(request: AuthenticatedHttpRequest, tactic_id: int) -> HttpResponse:
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
