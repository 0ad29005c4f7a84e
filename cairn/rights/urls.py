from django.urls import path

from . import views

app_name = "rights"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_new, name="new"),
    path("<id:request_id>/", views.request_detail, name="detail"),
    path("<id:request_id>/correct/", views.request_rectify, name="rectify"),
    path("people/<id:person_id>/lift/", views.person_lift, name="lift"),
]
