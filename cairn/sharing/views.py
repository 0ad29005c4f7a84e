"""Sharing pages: the register of information-sharing agreements (anyone who discloses
may read it; IG adds, edits and withdraws), and IG's disclosures by lawful basis with a
CSV export. Views parse, call one service or selector, and render."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from cairn.audit.export import _safe
from cairn.core.http import (
    AuthenticatedHttpRequest,
    actor_of,
    form_saved,
    require,
)
from cairn.core.throttling import throttle
from cairn.network.exports import MARKING

from . import access, selectors, services
from .forms import (
    AgreementEditForm,
    AgreementForm,
    DisclosureFilterForm,
    ReviewForm,
    WithdrawForm,
)
from .models import NOT_JUSTIFIED_NEXT_STEP, AgreementState, Disclosure, LawfulBasis, ReviewOutcome

PAGE_SIZE = 50


@login_required
@require_GET
def agreement_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(actor_of(request), "sharing.view_agreement", hide=True)
    state = request.GET.get("state", AgreementState.ACTIVE)
    if state not in AgreementState.values:
        state = AgreementState.ACTIVE
    agreements = list(selectors.agreements_register(state=state))
    today = timezone.localdate()
    rows = [(a, a.review_status(today), access.is_party(request.user, a)) for a in agreements]
    selectors.consult_agreements(
        request.user,
        state=state,
        count=len(rows),
        justification="Viewed the register of information-sharing agreements",
    )
    return render(
        request,
        "sharing/list.html",
        {
            "rows": rows,
            "state": state,
            "due": selectors.due_for_review_count(today),
            "is_ig": request.user.has_perm("sharing.manage_agreement"),
            "nav": "tools",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(actor_of(request), "sharing.manage_agreement", hide=True)
    form = AgreementForm(request.POST or None)
    saved = form_saved(
        request,
        form,
        lambda: services.agreement_create(actor=request.user, **form.terms()),
        success=lambda agreement: f"{agreement.title} is on the register.",
        then=lambda _: redirect("sharing:list"),
    )
    return saved or render(
        request, "sharing/form.html", {"form": form, "agreement": None, "nav": "tools"}
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request: AuthenticatedHttpRequest, agreement_id: int) -> HttpResponse:
    agreement = access.access_agreement_for_change(request.user, agreement_id)
    if agreement.state == AgreementState.WITHDRAWN:
        raise Http404("A withdrawn agreement cannot be changed.")
    initial = {
        "title": agreement.title,
        "parties": list(agreement.parties.all()),
        "purposes": agreement.purposes,
        "bases": agreement.bases,
        "other_basis": agreement.other_basis,
        "start_date": agreement.start_date,
        "review_date": agreement.review_date,
        "document_reference": agreement.document_reference,
        "state": agreement.state,
        "version": agreement.version,
    }
    form = AgreementEditForm(request.POST or None, initial=initial)
    saved = form_saved(
        request,
        form,
        lambda: services.agreement_update(
            actor=request.user,
            agreement_id=agreement.pk,
            version=form.cleaned_data["version"],
            state=form.cleaned_data["state"],
            **form.terms(),
        ),
        success=lambda _: f"{form.cleaned_data['title']} has been changed.",
        then=lambda _: redirect("sharing:list"),
    )
    return saved or render(
        request, "sharing/form.html", {"form": form, "agreement": agreement, "nav": "tools"}
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_withdraw(request: AuthenticatedHttpRequest, agreement_id: int) -> HttpResponse:
    agreement = access.access_agreement_for_change(request.user, agreement_id)
    if agreement.state == AgreementState.WITHDRAWN:
        messages.info(request, f"{agreement.title} was already withdrawn.")
        return redirect("sharing:list")
    form = WithdrawForm(request.POST or None)
    others = [
        a for a in agreement.parties.all() if a.pk != getattr(request.user, "agency_id", None)
    ]
    leaving = len(others) > 1  # more than two parties: only this agency withdraws
    saved = form_saved(
        request,
        form,
        lambda: services.agreement_withdraw(
            actor=request.user, agreement_id=agreement.pk, reason=form.cleaned_data["reason"]
        ),
        success=f"Your agency has withdrawn from {agreement.title}."
        if leaving
        else f"{agreement.title} has been withdrawn.",
        then=lambda _: redirect("sharing:list"),
    )
    return saved or render(
        request,
        "sharing/withdraw.html",
        {
            "form": form,
            "agreement": agreement,
            "leaving": leaving,
            "others": others,
            "nav": "tools",
        },
    )


def _filters(
    request: HttpRequest,
) -> tuple[DisclosureFilterForm, selectors.DisclosureFilters | None]:
    form = DisclosureFilterForm(request.GET)
    return form, form.filters()


@login_required
@require_GET
def disclosure_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(actor, "sharing.view_disclosures", hide=True)
    form, filters = _filters(request)
    page_obj = None
    if filters is not None:  # a filter not valid: its error, and nothing listed or read
        page_obj = Paginator(selectors.disclosures(filters), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        selectors.consult_disclosures(
            request.user,
            filters,
            page=page_obj.number,
            justification="Viewed disclosures by lawful basis",
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "sharing/disclosures.html",
        {
            "form": form,
            "filters": filters,
            "counts": selectors.counts_by_basis(filters) if filters is not None else [],
            "page_obj": page_obj,
            "query": query.urlencode(),
            "bases": LawfulBasis.choices,
            "agencies": selectors.all_agencies(),
            "agreements": selectors.agreements_register(),
            "awaiting_count": selectors.awaiting_review_count(actor),
            "review_agency_id": actor.agency_id if actor.has_perm(access.REVIEW) else None,
            "nav": "tools",
        },
    )


HEADER = [
    "disclosed_at",
    "kind",
    "reference",
    "from_agency",
    "recipient",
    "agreement",
    "lawful_basis",
    "exceptional_reason",
    "disclosed_by",
    "reviewed_at",
    "reviewed_by",
    "review_outcome",
    "review_note",
]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv(rows: Iterable[Disclosure]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow([f"# {MARKING}"])  # as the network export marks its CSV
    yield writer.writerow(HEADER)
    for d in rows:
        values: list[Any] = [
            timezone.localtime(d.disclosed_at).isoformat(timespec="seconds"),
            d.get_kind_display(),
            d.reference,
            d.from_agency.name,
            d.recipient,
            d.agreement.title if d.agreement else "",
            d.basis_label,
            d.exceptional_reason,
            d.disclosed_by.get_full_name() or d.disclosed_by.get_username(),
            timezone.localtime(d.reviewed_at).isoformat(timespec="seconds")
            if d.reviewed_at
            else "",
            (d.reviewed_by.get_full_name() or d.reviewed_by.get_username())
            if d.reviewed_by
            else "",
            d.get_review_outcome_display() if d.review_outcome else "",
            d.review_note,
        ]
        yield writer.writerow([_safe(v) for v in values])


@login_required
@require_GET
@throttle("export")
def disclosure_export(request: AuthenticatedHttpRequest) -> HttpResponse | StreamingHttpResponse:
    require(actor_of(request), "sharing.view_disclosures", hide=True)
    form, filters = _filters(request)
    if filters is None:
        # Refused, not every row: a CSV for a mistyped filter would pass for the filtered one.
        lines = "\n".join(message for _field, message in form.error_list())
        return HttpResponse(
            f"The CSV was not made: a filter is not valid.\n{lines}\n"
            "Correct the filters on the disclosures page and download again.\n",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    rows = selectors.disclosures(filters)
    services.disclosures_export_audit(
        actor=request.user, filters=filters.as_dict(), rows=rows.count()
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response = StreamingHttpResponse(
        _csv(rows.iterator(chunk_size=2000)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="cairn-disclosures-{stamp}.csv"'
    return response


WHAT_WAS_DISCLOSED = {
    "record_share": "A record held in Cairn ({ref}) was shared: {to} could then open it "
    "and see its details.",
    "referral": "A referral ({ref}) was sent to {to}, with what it says about the child.",
    "dissemination": "An intelligence report ({ref}) was disseminated to {to}.",
    "tactic_share": "A disruption tactic ({ref}) was shared with {to}.",
    "minutes": "Hub meeting minutes ({ref}) were sent to {to}.",
}


def what_was_disclosed(disclosure: Disclosure) -> str:
    """In plain words, naming no person (the reference only, as the register keeps it)."""
    text = WHAT_WAS_DISCLOSED.get(disclosure.kind, "{ref} was disclosed to {to}.")
    return text.format(ref=disclosure.reference, to=disclosure.recipient)


def list_url(back: str) -> str:
    """The disclosures list with the filters the reviewer came from (`back`, the list's
    query string), kept only if they are valid filters and rebuilt from them, so the
    parameter can never send anyone elsewhere; otherwise the exceptional ones."""
    query = QueryDict(back[:2000])
    form = DisclosureFilterForm(query)
    kept = QueryDict(mutable=True)
    if back and form.is_valid():
        for name in form.fields:
            if query.get(name):
                kept[name] = query[name]
    if not kept:
        kept["exceptional"] = "on"
    return f"{reverse('sharing:disclosures')}?{kept.urlencode()}"


def _reviewed(request: HttpRequest, reviewed: Disclosure, back_url: str) -> HttpResponse:
    """Told at once when the review found the disclosure not justified: it may be a breach
    with a 72-hour clock. Post/redirect/get: back from the list is the review page by GET."""
    if reviewed.review_outcome == ReviewOutcome.NOT_JUSTIFIED:
        messages.warning(
            request,
            f"Exceptional disclosure {reviewed.reference} reviewed as not justified. "
            f"{NOT_JUSTIFIED_NEXT_STEP}",
        )
    else:
        messages.success(request, f"Exceptional disclosure {reviewed.reference} reviewed.")
    return redirect(back_url)


@login_required
@require_http_methods(["GET", "POST"])
def disclosure_review(request: AuthenticatedHttpRequest, disclosure_id: int) -> HttpResponse:
    disclosure = access.access_disclosure_for_review(request.user, disclosure_id)
    back_url = list_url(request.GET.get("back", ""))
    if request.method == "GET" and disclosure.reviewed_at is not None:
        messages.info(request, f"{disclosure.reference} has already been reviewed.")
        return redirect(back_url)
    form = ReviewForm(request.POST or None)
    saved = form_saved(
        request,
        form,
        lambda: services.disclosure_review(
            actor=request.user,
            disclosure_id=disclosure.pk,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
        ),
        then=lambda reviewed: _reviewed(request, reviewed, back_url),
    )
    return saved or render(
        request,
        "sharing/review.html",
        {
            "form": form,
            "disclosure": disclosure,
            "what": what_was_disclosed(disclosure),
            "back_url": back_url,
            "not_justified_next_step": NOT_JUSTIFIED_NEXT_STEP,
            "nav": "tools",
        },
    )
