from django.contrib import admin
from django.urls import include, path

from .api import api

admin.site.site_header = "Cairn administration"
admin.site.site_title = "Cairn administration"

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
    path("inbox/", include("cairn.notifications.urls")),
    path("audit/", include("cairn.audit.urls")),
    path("api/tokens/", include("cairn.api_auth.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
