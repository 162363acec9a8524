from django.urls import path

from strada.orgs import views

app_name = "orgs"
urlpatterns = [
    path("users/", views.users, name="users"),
    path("organisations/", views.organisations, name="organisations"),
]
