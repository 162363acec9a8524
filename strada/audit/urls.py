from django.urls import path

from strada.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.org_log, name="org_log"),
]
