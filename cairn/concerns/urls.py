from django.urls import path

from . import views

app_name = "concerns"
urlpatterns = [
    path("", views.concern_list, name="list"),
    path("new/", views.concern_new, name="new"),
    path("<id:concern_id>/", views.concern_detail, name="detail"),
    path("<id:concern_id>/screening/", views.concern_screening, name="screening"),
    path("<id:concern_id>/next-steps/", views.concern_next_steps, name="next-steps"),
    path("<id:concern_id>/discard/", views.draft_discard, name="discard"),
    path("<id:concern_id>/mentions/add/<str:kind>/", views.mention_add, name="mention-add"),
    path("<id:concern_id>/<str:step>/", views.concern_step, name="step"),
]
