from django.urls import path

from . import views

app_name = "intelligence"
urlpatterns = [
    path("", views.submission_list, name="list"),
    path("new/", views.submission_new, name="new"),
    path("fib/", views.fib_queue, name="queue"),
    path("search/", views.search_page, name="search"),
    path("crime-recording/", views.crime_queue, name="crime-queue"),
    path("crime-recording/<id:referral_id>/", views.crime_referral, name="crime-referral"),
    path("<id:submission_id>/", views.submission_detail, name="detail"),
    path("<id:submission_id>/questions/", views.submission_questions, name="questions"),
    path("<id:submission_id>/report-crime/", views.submission_report_crime, name="report-crime"),
    path("<id:submission_id>/edit/", views.submission_edit, name="edit"),
    path("<id:submission_id>/details/add/<str:kind>/", views.mention_add, name="mention-add"),
    path("<id:submission_id>/check/", views.submission_check, name="check"),
    path("<id:submission_id>/discard/", views.draft_discard, name="discard"),
    path("<id:submission_id>/source/", views.source_detail, name="source"),
    path("<id:submission_id>/triage/", views.triage, name="triage"),
    path("<id:submission_id>/evaluate/", views.evaluate, name="evaluate"),
    path("<id:submission_id>/sanitise/", views.sanitise, name="sanitise"),
    path("<id:submission_id>/link/", views.link, name="link"),
    path("<id:submission_id>/disseminate/", views.disseminate, name="disseminate"),
    path("<id:submission_id>/crime/", views.crime_decision, name="crime-decision"),
    path("<id:submission_id>/danger/", views.danger_action, name="danger"),
    path("<id:submission_id>/reopen/", views.reopen, name="reopen"),
    path("<id:submission_id>/withdraw/", views.withdraw, name="withdraw"),
]
