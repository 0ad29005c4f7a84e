from django.urls import path

from . import views

app_name = "referrals"
urlpatterns = [
    path("", views.referral_list, {"box": "inbox"}, name="inbox"),
    path("sent/", views.referral_list, {"box": "sent"}, name="sent"),
    path("team/", views.referral_list, {"box": "team"}, name="team"),
    path("new/", views.referral_new, name="new"),
    path("<id:referral_id>/", views.referral_detail, name="detail"),
    path("<id:referral_id>/edit/", views.referral_edit, name="edit"),
    path("<id:referral_id>/discard/", views.referral_discard, name="discard"),
    path("<id:referral_id>/decision/", views.mash_decide, name="decide"),
    path("<id:referral_id>/strategy-discussion/", views.strategy_new, name="strategy"),
    path("<id:referral_id>/home-office-reference/", views.nrm_reference, name="nrm-reference"),
    path("<id:referral_id>/nrm-decision/", views.nrm_decision, name="nrm-decision"),
    path("<id:referral_id>/pdf/", views.referral_pdf, name="pdf"),
    path("<id:referral_id>/print/", views.referral_print, name="print"),
    path("<id:referral_id>/nrm-export.json", views.nrm_export, name="nrm-export"),
    path("<id:referral_id>/<str:action>/", views.referral_action, name="action"),
]
