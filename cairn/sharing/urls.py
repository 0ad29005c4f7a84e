from django.urls import path

from . import views

app_name = "sharing"
urlpatterns = [
    path("", views.agreement_list, name="list"),
    path("new/", views.agreement_new, name="new"),
    path("<id:agreement_id>/edit/", views.agreement_edit, name="edit"),
    path("<id:agreement_id>/withdraw/", views.agreement_withdraw, name="withdraw"),
    path("disclosures/", views.disclosure_list, name="disclosures"),
    path("disclosures.csv", views.disclosure_export, name="disclosures-csv"),
    path(
        "disclosures/<id:disclosure_id>/review/",
        views.disclosure_review,
        name="disclosure-review",
    ),
]
