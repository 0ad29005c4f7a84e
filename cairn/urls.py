from django.contrib import admin
from django.urls import include, path

from .accounts.admin import own_password_change
from .api import api

admin.site.site_header = "Cairn administration"
admin.site.site_title = "Cairn administration"

handler400 = "cairn.core.views.bad_request"
# Rendered without the database: a 503 when it is down or read-only (cairn/core/errors.py).
handler500 = "cairn.core.errors.server_error"

urlpatterns = [
    path("", include("cairn.core.urls")),
    path("accounts/", include("cairn.accounts.urls")),
    path("people/", include("cairn.pole.urls")),
    path("concerns/", include("cairn.concerns.urls")),
    path("network/", include("cairn.network.urls")),
    path("referrals/", include("cairn.referrals.urls")),
    path("intelligence/", include("cairn.intelligence.urls")),
    path("disruption/", include("cairn.disruption.urls")),
    path("hub/", include("cairn.hub.urls")),
    path("hub/missing/", include("cairn.missing.urls")),
    path("inbox/", include("cairn.notifications.urls")),
    path("audit/", include("cairn.audit.urls")),
    path("rights/", include("cairn.rights.urls")),
    path("retention/", include("cairn.retention.urls")),
    path("sharing/", include("cairn.sharing.urls")),
    path("governance/", include("cairn.governance.urls")),
    path("api/tokens/", include("cairn.api_auth.urls")),
    path("api/v1/", api.urls),
    # Before the admin's own URLs: the admin's password page, saved through the audited
    # accounts service (Django's writes no audit row).
    path("admin/password_change/", admin.site.admin_view(own_password_change)),
    path("admin/", admin.site.urls),
]
