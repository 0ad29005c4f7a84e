"""The information governance dashboard page and its CSV. Counts only (no person named);
still audited as a consultation, as the Hub dashboard is, so the log shows who looked."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cairn.audit.export import _safe
from cairn.core.http import AuthenticatedHttpRequest
from cairn.core.throttling import throttle

from . import access, selectors

CSV_HEADER = ["section", "measure", "agency", "value", "as_of"]


@login_required
@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.require_viewer(request.user)
    overview = selectors.consult_overview(request.user)
    return render(request, "governance/dashboard.html", {"overview": overview, "nav": "governance"})


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv(overview: selectors.Overview) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    as_of = overview.today.isoformat()
    for section, label, agency, value in overview.figures():
        yield writer.writerow([_safe(section), _safe(label), _safe(agency), value, as_of])


@login_required
@require_GET
@throttle("export")
def dashboard_csv(request: AuthenticatedHttpRequest) -> StreamingHttpResponse:
    access.require_viewer(request.user)
    overview = selectors.export_overview(request.user)
    assert overview is not None  # require_viewer passed
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response = StreamingHttpResponse(_csv(overview), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cairn-ig-dashboard-{stamp}.csv"'
    return response
