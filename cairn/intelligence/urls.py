from django.urls import path

from . import views

app_name = "intelligence"
urlpatterns = [
    path("", views.submission_list, name="list"),
    path("new/", views.submission_new, name="new"),
    path("fib/", views.fib_queue, name="queue"),
    path("search/", views.search_page, name="search"),
    path("<int:submission_id>/", views.submission_detail, name="detail"),
    path("<int:submission_id>/edit/", views.submission_edit, name="edit"),
    path("<int:submission_id>/details/add/<str:kind>/", views.mention_add, name="mention-add"),
    path("<int:submission_id>/check/", views.submission_check, name="check"),
    path("<int:submission_id>/discard/", views.draft_discard, name="discard"),
    path("<int:submission_id>/source/", views.source_detail, name="source"),
    path("<int:submission_id>/triage/", views.triage, name="triage"),
    path("<int:submission_id>/evaluate/", views.evaluate, name="evaluate"),
    path("<int:submission_id>/sanitise/", views.sanitise, name="sanitise"),
    path("<int:submission_id>/link/", views.link, name="link"),
    path("<int:submission_id>/disseminate/", views.disseminate, name="disseminate"),
]
