from django.urls import path

from strada.sharing import views

app_name = "sharing"
urlpatterns = [
    path("", views.index, name="index"),
    path("import/", views.upload, name="upload"),
    path("export/", views.export, name="export"),
    path("jobs/<uuid:job_id>/", views.job_detail, name="job"),
    path("jobs/<uuid:job_id>/progress/", views.job_progress, name="progress"),
    path("jobs/<uuid:job_id>/import/", views.job_run, name="run"),
    path("jobs/<uuid:job_id>/discard/", views.job_discard, name="discard"),
]
