"""Under /hub/missing/ (cairn/urls.py): the addresses the Hub app served them at."""

from django.urls import path

from . import views

app_name = "missing"
urlpatterns = [
    path("", views.episode_list, name="list"),
    path("new/<id:person_id>/", views.episode_new, name="new"),
    path("<id:episode_id>/", views.episode_detail, name="detail"),
    path("from-sign/<id:sign_id>/", views.episode_from_sign, name="from-sign"),
]
