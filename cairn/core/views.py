from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .errors import is_api, json_error, outage_response
from .outage import classify
from .tools import tools_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"nav": "home"})


@login_required
def tools(request: HttpRequest) -> HttpResponse:
    """The tools this user may use; none is a 403 (the header offers no Tools link then)."""
    available = tools_for(request.user)
    if not available:
        raise PermissionDenied
    return render(request, "core/tools.html", {"tools": available, "nav": "tools"})


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


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
