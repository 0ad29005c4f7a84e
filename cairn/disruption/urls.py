from django.urls import path

from . import views

app_name = "disruption"
urlpatterns = [
    path("", views.index, name="index"),
    path("tactics/<id:tactic_id>/", views.tactic_detail, name="tactic-detail"),
    path("tactics/<id:tactic_id>/update/", views.tactic_update, name="tactic-update"),
    path("tactics/<id:tactic_id>/share/", views.tactic_share, name="tactic-share"),
    path("tactics/<id:tactic_id>/service/", views.cawn_service, name="cawn-service"),
    path("tactics/<id:tactic_id>/breach/", views.cawn_breach, name="cawn-breach"),
    path("tactics/<id:tactic_id>/notice/", views.cawn_notice, name="cawn-notice"),
    path("tactics/<id:tactic_id>/review/", views.marker_review, name="marker-review"),
    path("tactics/<id:tactic_id>/remove/", views.marker_remove, name="marker-remove"),
    path("cawn/new/<id:child_id>/", views.cawn_new, name="cawn-new"),
    path("markers/new/<id:entity_id>/", views.marker_new, name="marker-new"),
    path("new/<id:entity_id>/", views.tactic_choose, name="tactic-choose"),
    path("new/<id:entity_id>/<str:tactic_type>/", views.tactic_new, name="tactic-new"),
    path("sightings/", views.sightings_repeated, name="sightings"),
    path("sightings/new/", views.sighting_new, name="sighting-new"),
    path("vehicles/<id:entity_id>/", views.vehicle_profile, name="vehicle"),
    path("locations/", views.locations, name="locations"),
    path("locations/<id:entity_id>/", views.location_profile, name="location"),
    path("locations/<id:entity_id>/assessment/", views.assessment_new, name="assessment-new"),
    path(
        "locations/actions/<id:action_id>/done/",
        views.location_action_done,
        name="location-action-done",
    ),
    path("plans/new/<id:person_id>/", views.plan_edit, name="plan-new"),
    path("plans/<id:plan_id>/", views.plan_detail, name="plan-detail"),
    path("plans/<id:plan_id>/edit/", views.plan_edit, name="plan-edit"),
]
