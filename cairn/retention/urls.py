from django.urls import path

from . import views

app_name = "retention"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("disposed/", views.tombstone_list, name="tombstones"),
    path("disposed/<id:tombstone_id>/", views.tombstone_detail, name="tombstone"),
    path("<str:slug>/<id:record_id>/", views.review, name="review"),
    path("<str:slug>/<id:record_id>/dispose/", views.dispose, name="dispose"),
]
