from django.urls import path

from . import views

app_name = "api_auth"
urlpatterns = [
    path("", views.token_list, name="token-list"),
    path("<id:token_id>/revoke/", views.token_revoke, name="token-revoke"),
]
