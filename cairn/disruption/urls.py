from django.urls import path

from .views import cawns, locations, markers, plans, tactics, vehicles

app_name = "disruption"
urlpatterns = [
    path("", tactics.index, name="index"),
    path("tactics/<id:tactic_id>/", tactics.tactic_detail, name="tactic-detail"),
    path("tactics/<id:tactic_id>/update/", tactics.tactic_update, name="tactic-update"),
    path("tactics/<id:tactic_id>/share/", tactics.tactic_share, name="tactic-share"),
    path("tactics/<id:tactic_id>/service/", cawns.cawn_service, name="cawn-service"),
    path("tactics/<id:tactic_id>/breach/", cawns.cawn_breach, name="cawn-breach"),
    path("tactics/<id:tactic_id>/notice/", cawns.cawn_notice, name="cawn-notice"),
    path("tactics/<id:tactic_id>/review/", markers.marker_review, name="marker-review"),
    path("tactics/<id:tactic_id>/remove/", markers.marker_remove, name="marker-remove"),
    path("cawn/new/<id:child_id>/", cawns.cawn_new, name="cawn-new"),
    path("markers/new/<id:entity_id>/", markers.marker_new, name="marker-new"),
    path("new/<id:entity_id>/", tactics.tactic_choose, name="tactic-choose"),
    path("new/<id:entity_id>/<str:tactic_type>/", tactics.tactic_new, name="tactic-new"),
    path("sightings/", vehicles.sightings_repeated, name="sightings"),
    path("sightings/new/", vehicles.sighting_new, name="sighting-new"),
    path("vehicles/<id:entity_id>/", vehicles.vehicle_profile, name="vehicle"),
    path("locations/", locations.locations, name="locations"),
    path("locations/<id:entity_id>/", locations.location_profile, name="location"),
    path("locations/<id:entity_id>/assessment/", locations.assessment_new, name="assessment-new"),
    path(
        "locations/actions/<id:action_id>/done/",
        locations.location_action_done,
        name="location-action-done",
    ),
    path("plans/new/<id:person_id>/", plans.plan_edit, name="plan-new"),
    path("plans/<id:plan_id>/", plans.plan_detail, name="plan-detail"),
    path("plans/<id:plan_id>/edit/", plans.plan_edit, name="plan-edit"),
]
