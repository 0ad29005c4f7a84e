"""People pages: search, profile, create. Views parse input, call one selector or
service, and render; the access layer decides visibility."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cairn.core.http import AuthenticatedHttpRequest, actor_of, apply_service_errors, require
from cairn.core.throttling import throttle
from cairn.network import selectors as network_selectors
from cairn.rights import access as rights_access
from cairn.rights import selectors as rights_selectors
from cairn.sharing.services import Claim

from . import search, selectors, services
from .access import (
    access_person_to_share,
    can_change_person,
    can_share_person,
    view_person,
    view_person_to_share,
    view_restricted_person,
)
from .forms import ObjectSearchForm, PersonForm, PersonSearchForm, RevokeShareForm, ShareForm
from .models import Entity, Person, ShareBasis


@login_required
@throttle("search", methods=("GET",))
def person_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(actor_of(request), "pole.view_person")
    form = PersonSearchForm(request.GET or None)
    page_obj = None
    searched = False
    if request.GET and form.is_valid():
        searched = True
        query = form.cleaned_data.get("q") or ""
        dob = form.cleaned_data.get("dob")
        matches = search.search_people(request.user, query=query, date_of_birth=dob)
        page_obj = Paginator(matches, 25).get_page(request.GET.get("page"))
        selectors.consult_people_found(
            request.user,
            [m.person.pk for m in page_obj],
            results=len(matches),
            justification="Person search",
            values={"query": query[:100], "dob": dob.isoformat() if dob else None},
        )
    return render(
        request,
        "pole/person_search.html",
        {"form": form, "page_obj": page_obj, "searched": searched, "nav": "people"},
    )


@login_required
@throttle("search", methods=("GET",), when=lambda request: bool(request.GET.get("q")))
def object_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Vehicles, phones, online accounts and places by registration, number, handle or
    postcode, however typed."""
    require(actor_of(request), "pole.view_person")
    form = ObjectSearchForm(request.GET or None)
    page_obj = None
    rows: list[tuple[Entity, list[Person]]] = []
    if request.GET and form.is_valid():
        query = form.cleaned_data["q"]
        found = search.search_objects(request.user, query)
        page_obj = Paginator(found, 25).get_page(request.GET.get("page"))
        linked = selectors.people_linked_to(request.user, [e.pk for e in page_obj])
        rows = [(entity, linked.get(entity.pk, [])) for entity in page_obj]
        selectors.consult_objects_found(
            request.user,
            list(page_obj),
            results=len(found),
            query=query,
            also_shown=[p.entity for people in linked.values() for p in people],
        )
    return render(
        request,
        "pole/object_search.html",
        {"form": form, "page_obj": page_obj, "rows": rows, "nav": "people"},
    )


@login_required
def person_detail(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    justification = request.GET.get("reason", "")[:200] or "Opened person profile"
    try:
        person = view_person(request.user, person_id, justification=justification)
    except Http404:
        # A restricted record opens by direct link for IG and the owning agency only,
        # with its restriction shown and nothing linked to it (cairn/rights).
        person = view_restricted_person(request.user, person_id, justification=justification)
        return _restricted_detail(request, person)
    profile = selectors.person_profile(request.user, person)
    return render(
        request,
        "pole/person_detail.html",
        {
            "profile": profile,
            "person": person,
            "can_change": can_change_person(request.user, person),
            "can_share": can_share_person(request.user, person),
            "nav": "people",
        },
    )


def _restricted_detail(request: AuthenticatedHttpRequest, person: Person) -> HttpResponse:
    restriction = rights_selectors.restriction_in_force(person)
    return render(
        request,
        "pole/person_restricted.html",
        {
            "person": person,
            "restriction": restriction,
            "shown": rights_selectors.restriction_shown(restriction, request.user)
            if restriction is not None
            else None,
            "can_lift": rights_access.can_lift(request.user, person, restriction),
            "nav": "people",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@throttle("match", methods=("POST",))
def person_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(actor_of(request), "pole.add_person")
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # Identity matching (cairn/network): blocking indexes + Fellegi-Sunter weights.
        possible_matches = network_selectors.possible_matches(request.user, form.match_fields())
        if possible_matches and not request.POST.get("confirm_new"):
            # Show likely existing records before creating another one; nothing typed is lost.
            return render(
                request,
                "pole/person_form.html",
                {"form": form, "possible_matches": possible_matches, "nav": "people"},
            )
        fields = {
            k: data[k]
            for k in (
                "date_of_birth",
                "estimated_age",
                "sex",
                "ethnicity",
                "first_language",
                "interpreter_needed",
                "sen_disability",
                "has_learning_disability",
                "looked_after",
                "description",
            )
        }
        try:
            person = services.person_create(
                actor=request.user,
                given_name=data["given_name"],
                family_name=data.get("family_name") or "",
                category=data["category"],
                aliases=form.alias_tuples(),
                hub_shared=data.get("hub_shared", False),
                **fields,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"{person.full_name} has been added.")
            return redirect("pole:person-detail", person_id=person.pk)
    return render(request, "pole/person_form.html", {"form": form, "nav": "people"})


def _sharer_person(request: AuthenticatedHttpRequest, person_id: int) -> Person:
    """The person, for someone of the owning agency who may share it; 404 otherwise. A
    GET shows the page (a consultation); a POST changes it (the service audits that)."""
    if request.method == "GET":
        return view_person_to_share(
            request.user, person_id, justification="Opened to share the record or revoke a share"
        )
    return access_person_to_share(request.user, person_id)


@login_required
@require_http_methods(["GET", "POST"])
def person_share(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    person = _sharer_person(request, person_id)
    agencies = selectors.share_agencies(person)
    form = ShareForm(request.POST or None, agencies=agencies, sender=person.entity.owning_agency)
    if request.method == "POST" and form.is_valid():
        agency = selectors.share_agency(person, form.cleaned_data["agency"])
        try:
            if agency is None:
                raise ValidationError({"agency": "Choose an agency from the list"})
            services.person_share(
                actor=request.user,
                person_id=person.pk,
                agency=agency,
                reason=form.cleaned_data["reason"],
                claim=Claim.from_form(form.cleaned_data),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"{person.full_name}'s record is now shared with {agency}.")
            return redirect("pole:person-detail", person_id=person.pk)
    return render(
        request,
        "pole/person_share.html",
        {"form": form, "person": person, "no_agencies": not agencies, "nav": "people"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_share_revoke(
    request: AuthenticatedHttpRequest, person_id: int, share_id: int
) -> HttpResponse:
    person = _sharer_person(request, person_id)
    share = next(
        (
            s
            for s in selectors.shares_for_person(person)
            if s.pk == share_id and s.basis == ShareBasis.MANUAL
        ),
        None,
    )
    if share is None:
        raise Http404("No such share.")
    form = RevokeShareForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_share_revoke(
                actor=request.user,
                person_id=person.pk,
                share_id=share.pk,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, f"{share.agency.name} can no longer see {person.full_name}'s record."
            )
            return redirect("pole:person-detail", person_id=person.pk)
    return render(
        request,
        "pole/person_share_revoke.html",
        {"form": form, "person": person, "share": share, "nav": "people"},
    )
