from django.urls import path

from . import metrics, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("tools/", views.tools, name="tools"),
    path("tools/jobs/", views.jobs_status, name="jobs"),
    path("tools/jobs/<str:name>/run/", views.job_run, name="job-run"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
]
