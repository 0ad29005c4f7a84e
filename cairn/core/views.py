from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from cairn.audit.selectors import audit_head_index
from cairn.core.http import AuthenticatedHttpRequest
from cairn.intelligence import selectors as intel_selectors

from . import selectors, services
from .errors import is_api, json_error, outage_response
from .outage import classify
from .tools import tools_for


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    # Danger now that nobody has acted on, first on the page an officer signs in to (outside
    # tester: only an inbox count said so). References, agencies and times only: no child
    # is named here, so showing it is no consultation; opening the entry is.
    alerts = list(intel_selectors.danger_alerts(request.user)[:50])
    return render(request, "core/home.html", {"nav": "home", "danger_alerts": alerts})


@login_required
def tools(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The tools this user may use; none is a 403 (the header offers no Tools link then)."""
    available = tools_for(request.user)
    if not available:
        raise PermissionDenied
    return render(request, "core/tools.html", {"tools": available, "nav": "tools"})


def healthz(request: HttpRequest) -> HttpResponse:
    """Is the process up? Never touches the database (a liveness check)."""
    return HttpResponse("ok", content_type="text/plain")


def _expected_migrations() -> set[tuple[str, str]]:
    """Every migration this code has (read from disk once per process: it cannot change
    without a restart)."""
    if not _EXPECTED:
        _EXPECTED.update(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)
    return _EXPECTED


_EXPECTED: set[tuple[str, str]] = set()


def _readiness() -> dict[str, str]:
    """What a load balancer needs before sending users here: the database answers, every
    migration this code expects is applied, the audit chain head can be read (no audited
    page can be served without it). Names of checks and states only: no personal data."""

    checks = {"database": "ok", "migrations": "ok", "audit": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        checks["database"] = classify(exc) or "error"
        checks["migrations"] = checks["audit"] = "not checked"
        return checks
    try:
        # Asked of the database every time (one indexed read): a failover to, or a restore
        # of, an older schema must show here.
        applied = set(MigrationRecorder(connection).applied_migrations())
        pending = _expected_migrations() - applied
        if pending:
            checks["migrations"] = f"{len(pending)} not applied"
        audit_head_index()
    except DatabaseError as exc:
        checks["audit"] = classify(exc) or "error"
    return checks


@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness for load balancers: 200 when every check is "ok", else 503, as JSON."""
    checks = _readiness()
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse({"ready": ready, **checks}, status=200 if ready else 503)


def confirm_discard(
    request: HttpRequest, *, what: str, cancel_url: str, started: Any = None
) -> HttpResponse | None:
    """Deleting a draft cannot be undone, so it is asked first: None when the user has
    confirmed (the caller deletes), else the 'Are you sure?' page."""
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        return None
    return render(
        request,
        "core/confirm_discard.html",
        {
            "what": what,
            "started": started,
            "action": request.path,
            "cancel_url": cancel_url,
        },
    )


TOO_LARGE = (
    "What you sent is too large. Shorten the longest answers, or split the information "
    "across more than one record."
)
BAD_REQUEST = "Cairn could not read what your browser sent."


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400: a request Django refused before any view ran. A body over the upload
    limit (DATA_UPLOAD_MAX_MEMORY_SIZE) is a 413 that says so; the API answers in JSON. A
    session that could not be saved because the database is read-only or not answering
    (SessionInterrupted, raised from the database error) gets the 503 page that says so."""
    kind = classify(exception)
    if kind is not None:
        return outage_response(request, kind)
    too_large = isinstance(exception, RequestDataTooBig)
    status = 413 if too_large else 400
    message = TOO_LARGE if too_large else BAD_REQUEST
    if is_api(request):
        return json_error(status, message)
    heading = "Too much information sent" if too_large else "Bad request"
    return render(request, "400.html", {"heading": heading, "message": message}, status=status)


@login_required
@require_GET
def jobs_status(request: AuthenticatedHttpRequest) -> HttpResponse:
    """System admins: each background job's last run, next run and recent failures, and
    the task queue by status."""
    statuses = selectors.job_statuses(request.user)
    return render(
        request,
        "core/jobs.html",
        {
            "statuses": statuses,
            "failures": selectors.recent_failures(request.user),
            "queue": selectors.task_queue_depth(),
            "may_run": request.user.has_perm(services.RUN_PERMISSION),
            "scheduled": any(s.next_run_at or s.last_run for s in statuses),
            "stale_hours": int(services.STALE_AFTER.total_seconds() // 3600),
            "nav": "jobs",
        },
    )


@login_required
@require_POST
def job_run(request: AuthenticatedHttpRequest, name: str) -> HttpResponse:
    """Queue a job now (audited); pressed again while that run waits, it queues no other."""
    job = selectors.access_job(request.user, name)
    _, queued = services.job_run_now(actor=request.user, name=job.name)
    if queued:
        messages.success(request, f"{job.title} has been queued to run now.")
    else:
        messages.info(request, f"{job.title} is already queued or running: no new run added.")
    return redirect("core:jobs")
