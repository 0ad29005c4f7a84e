from django.urls import path

from . import views

app_name = "rights"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_new, name="new"),
    path("<id:request_id>/", views.request_detail, name="detail"),
    path("<id:request_id>/correct/", views.request_rectify, name="rectify"),
    path("people/<id:person_id>/lift/", views.person_lift, name="lift"),
    path("duplicates/<id:alert_id>/", views.duplicate_alert, name="duplicate"),
    path("access/", views.sar_list, name="sar-list"),
    path("access/new/", views.sar_new, name="sar-new"),
    path("access/<id:sar_id>/", views.sar_detail, name="sar-detail"),
    path("access/<id:sar_id>/close/", views.sar_close, name="sar-close"),
    path("access/<id:sar_id>/items/<id:item_id>/", views.sar_item, name="sar-item"),
    path(
        "access/<id:sar_id>/parts/<id:agency_id>/take-over/",
        views.sar_take_over,
        name="sar-take-over",
    ),
    path(
        "access/<id:sar_id>/possible/<id:entry_id>/",
        views.sar_possible,
        name="sar-possible",
    ),
    path("access/<id:sar_id>/disclosure.pdf", views.sar_pdf, name="sar-pdf"),
]
