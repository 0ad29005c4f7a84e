from django.urls import path

from . import views

app_name = "hub"
urlpatterns = [
    path("", views.hub_home, name="home"),
    path("setup/", views.hub_setup, name="setup"),
    path("setup/change/", views.setup_edit, name="setup-edit"),
    path("setup/members/add/", views.member_add, name="member-add"),
    path("setup/members/<id:member_id>/change/", views.member_edit, name="member-edit"),
    path("setup/members/<id:member_id>/remove/", views.member_remove, name="member-remove"),
    path("meetings/new/", views.meeting_new, name="meeting-new"),
    path("meetings/<id:meeting_id>/", views.meeting_detail, name="meeting"),
    path("meetings/<id:meeting_id>/agenda/", views.agenda_generate, name="agenda-generate"),
    path("meetings/<id:meeting_id>/attendance/", views.attendance, name="attendance"),
    path("meetings/<id:meeting_id>/items/<id:item_id>/", views.item_detail, name="item"),
    path("meetings/<id:meeting_id>/finalise/", views.minutes_finalise, name="finalise"),
    path("meetings/<id:meeting_id>/minutes/", views.minutes, name="minutes"),
    path("meetings/<id:meeting_id>/minutes.pdf", views.minutes_pdf, name="minutes-pdf"),
    path("meetings/<id:meeting_id>/distribute/", views.distribute, name="distribute"),
    path("actions/", views.action_list, name="actions"),
    path("actions/<id:action_id>/", views.action_detail, name="action-detail"),
    path("children/<id:person_id>/philomena/", views.philomena, name="philomena"),
    path("dashboard/", views.dashboard_view, name="dashboard"),
    path("problem-profile/", views.problem_profile, name="problem-profile"),
]
