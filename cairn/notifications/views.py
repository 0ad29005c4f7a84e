from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from cairn.core.http import AuthenticatedHttpRequest

from . import selectors, services


@login_required
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    unread_only = request.GET.get("show") == "unread"
    page = selectors.consult_inbox(
        request.user, unread_only=unread_only, page=request.GET.get("page")
    )
    return render(
        request,
        "notifications/inbox.html",
        {
            "page_obj": page,
            "unread_only": unread_only,
            "delivery_problems": selectors.delivery_problems(request.user).count(),
            "nav": "inbox",
        },
    )


@login_required
@require_POST
def open_notification(request: AuthenticatedHttpRequest, notification_id: int) -> HttpResponse:
    """Mark read, then follow the link; the target page re-checks access."""
    notification = selectors.access_notification(request.user, notification_id)
    services.notification_mark_read(actor=request.user, notification=notification)
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect(notification.url)
    return redirect("notifications:inbox")


@login_required
def delivery_problems(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Emails and texts that could not be delivered: staff addresses and statuses only,
    never what the notification said."""
    page = Paginator(selectors.delivery_problems(request.user), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request, "notifications/delivery_problems.html", {"page_obj": page, "nav": "inbox"}
    )


@login_required
@require_POST
def delivery_dismiss(request: AuthenticatedHttpRequest, delivery_id: int) -> HttpResponse:
    delivery = selectors.access_delivery_problem(request.user, delivery_id)
    services.delivery_dismiss(actor=request.user, delivery=delivery)
    messages.success(request, f"Removed the message to {delivery.recipient} from the list.")
    return redirect("notifications:delivery-problems")
