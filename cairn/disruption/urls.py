from django.urls import path

from . import views

app_name = "disruption"
urlpatterns = [
    path("", views.index, name="index"),
    path("tactics/<int:tactic_id>/", views.tactic_detail, name="tactic-detail"),
    path("tactics/<int:tactic_id>/update/", views.tactic_update, name="tactic-update"),
    path("tactics/<int:tactic_id>/share/", views.tactic_share, name="tactic-share"),
    path("tactics/<int:tactic_id>/service/", views.cawn_service, name="cawn-service"),
    path("tactics/<int:tactic_id>/breach/", views.cawn_breach, name="cawn-breach"),
    path("tactics/<int:tactic_id>/notice/", views.cawn_notice, name="cawn-notice"),
    path("tactics/<int:tactic_id>/review/", views.marker_review, name="marker-review"),
    path("tactics/<int:tactic_id>/remove/", views.marker_remove, name="marker-remove"),
    path("cawn/new/<int:child_id>/", views.cawn_new, name="cawn-new"),
    path("markers/new/<int:entity_id>/", views.marker_new, name="marker-new"),
    path("new/<int:entity_id>/", views.tactic_choose, name="tactic-choose"),
    path("new/<int:entity_id>/<str:tactic_type>/", views.tactic_new, name="tactic-new"),
    path("sightings/", views.sightings_repeated, name="sightings"),
    path("sightings/new/", views.sighting_new, name="sighting-new"),
    path("vehicles/<int:entity_id>/", views.vehicle_profile, name="vehicle"),
    path("locations/", views.locations, name="locations"),
    path("locations/<int:entity_id>/", views.location_profile, name="location"),
    path("locations/<int:entity_id>/assessment/", views.assessment_new, name="assessment-new"),
    path(
        "locations/actions/<int:action_id>/done/",
        views.location_action_done,
        name="location-action-done",
    ),
    path("plans/new/<int:person_id>/", views.plan_edit, name="plan-new"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan-detail"),
    path("plans/<int:plan_id>/edit/", views.plan_edit, name="plan-edit"),
]
