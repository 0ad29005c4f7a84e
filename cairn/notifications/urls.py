from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<id:notification_id>/open/", views.open_notification, name="open"),
    path("delivery-problems/", views.delivery_problems, name="delivery-problems"),
    path(
        "delivery-problems/<id:delivery_id>/dismiss/",
        views.delivery_dismiss,
        name="delivery-dismiss",
    ),
]
