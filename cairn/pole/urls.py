from django.urls import path

from . import views

app_name = "pole"
urlpatterns = [
    path("", views.person_search, name="person-search"),
    path("new/", views.person_create, name="person-create"),
    path("records/", views.object_search, name="object-search"),
    path("<id:person_id>/", views.person_detail, name="person-detail"),
    path("<id:person_id>/share/", views.person_share, name="person-share"),
    path(
        "<id:person_id>/shares/<id:share_id>/revoke/",
        views.person_share_revoke,
        name="person-share-revoke",
    ),
]
