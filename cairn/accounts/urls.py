from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    path("signed-out/", views.signed_out, name="signed-out"),
    path("sign-in/with/<slug:slug>/", views.sso_start, name="sso-start"),
    path("sign-in/callback/", views.sso_callback, name="sso-callback"),
    path("sign-in/refused/", views.sso_refused, name="sso-refused"),
    path("two-step/", views.two_step_setup, name="two-step-setup"),
    path("two-step/verify/", views.two_step_verify, name="two-step-verify"),
    path("changes/", views.change_request_list, name="change-requests"),
    path("changes/<id:request_id>/", views.change_request_detail, name="change-request"),
    path(
        "changes/<id:request_id>/<str:decision>/",
        views.change_request_decide,
        name="change-request-decide",
    ),
]
