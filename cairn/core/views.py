from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

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
