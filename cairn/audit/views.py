"""The information-governance audit viewer (DPA 2018 s.62): the log with filters, one
event with its hashes, and a streamed CSV export. Consulting or exporting the log is
itself audited. Users without the audit permission get 404, as elsewhere."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from cairn.core.http import AuthenticatedHttpRequest, actor_of, require
from cairn.core.throttling import throttle

from . import selectors
from .export import CHUNK_SIZE, csv_lines
from .forms import AuditFilterForm, SubjectLookupForm

PAGE_SIZE = 25


def _filter_query(request: HttpRequest) -> str:
    """The current filters as a query string, without the page number."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@login_required
@require_GET
# Finding a person by name reads names as a search does: the same limit.
@throttle("search", methods=("GET",), when=lambda request: bool(request.GET.get("name")))
def audit_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(actor_of(request), selectors.VIEW_PERMISSION, hide=True)
    form = AuditFilterForm(request.GET)
    lookup = SubjectLookupForm(request.GET)
    name = lookup.cleaned_data.get("name", "") if lookup.is_valid() else ""
    people = selectors.subject_lookup(request.user, name) if name else []
    page_obj = None
    if form.is_valid() and not name:
        filters = form.filters()
        page_obj = Paginator(selectors.audit_events(request.user, filters), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        # Fetch the page before recording, so the viewer's own event is not in it.
        page_obj.object_list = list(page_obj.object_list)
        selectors.consult_audit_page(request.user, page_obj, filters)
    return render(
        request,
        "audit/log.html",
        {
            "form": form,
            "lookup": lookup,
            "looked_up": bool(name),
            "people": people,
            "page_obj": page_obj,
            "filter_query": _filter_query(request),
            "filtered": any(request.GET.get(name) for name in request.GET if name != "page"),
            "nav": "audit",
        },
    )


@login_required
@require_GET
def audit_event_detail(request: AuthenticatedHttpRequest, chain_index: int) -> HttpResponse:
    event = selectors.view_audit_event(request.user, chain_index)
    return render(
        request,
        "audit/event_detail.html",
        {
            "event": event,
            "hash_matches": event.hash_matches(),
            "kept_values": selectors.kept_values(event),
            "nav": "audit",
        },
    )


@login_required
@require_GET
@throttle("export")
def audit_export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    require(actor_of(request), selectors.EXPORT_PERMISSION, hide=True)
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        # The log page shows the same form with its errors.
        return redirect(f"{reverse('audit:log')}?{_filter_query(request)}")
    filters = form.filters()
    events = selectors.export_audit_events(request.user, filters)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response = StreamingHttpResponse(
        csv_lines(events.iterator(chunk_size=CHUNK_SIZE)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="cairn-audit-{stamp}.csv"'
    return response
