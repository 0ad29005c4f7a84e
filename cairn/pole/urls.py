from django.urls import path

from . import views

app_name = "pole"
urlpatterns = [
    path("", views.person_search, name="person-search"),
    path("new/", views.person_create, name="person-create"),
    path("<int:person_id>/", views.person_detail, name="person-detail"),
]
