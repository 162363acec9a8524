from django.urls import path

from strada.clients import views

app_name = "clients"
urlpatterns = [
    path("", views.client_list, name="list"),
    path("register/", views.register, name="register"),
    path("<uuid:client_id>/", views.detail, name="detail"),
    path("<uuid:client_id>/edit/", views.edit, name="edit"),
    path("<uuid:client_id>/consents/add/", views.consent_add, name="consent_add"),
    path(
        "<uuid:client_id>/consents/<uuid:consent_id>/withdraw/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path("<uuid:client_id>/audit/", views.audit_trail, name="audit"),
]
