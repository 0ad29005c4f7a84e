from django.urls import path

from . import views

app_name = "network"
urlpatterns = [
    path("people/<id:person_id>/", views.person_network, name="person"),
    path("people/<id:person_id>/export/<str:fmt>/", views.person_network_export, name="export"),
    path("duplicates/", views.candidate_list, name="candidates"),
    path("duplicates/<id:pair_id>/", views.candidate_detail, name="candidate"),
    path("merges/", views.merge_list, name="merges"),
    path("merges/<id:merge_id>/", views.merge_detail, name="merge"),
]
