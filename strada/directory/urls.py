from django.urls import path

from strada.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.entry_list, name="list"),
    path("new/", views.entry_create, name="create"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.vcf", views.export_vcf, name="export_vcf"),
    path("<uuid:entry_id>/", views.entry_detail, name="detail"),
    path("<uuid:entry_id>/edit/", views.entry_edit, name="edit"),
    path("<uuid:entry_id>/verified/", views.entry_verified, name="verified"),
    path("<uuid:entry_id>/deactivate/", views.entry_deactivate, name="deactivate"),
    path("<uuid:entry_id>/reactivate/", views.entry_reactivate, name="reactivate"),
    path("<uuid:entry_id>/entry.vcf", views.entry_vcf, name="entry_vcf"),
    path("<uuid:entry_id>/people/add/", views.person_add, name="person_add"),
    path("<uuid:entry_id>/people/<uuid:person_id>/edit/", views.person_edit, name="person_edit"),
    path(
        "<uuid:entry_id>/people/<uuid:person_id>/remove/",
        views.person_remove,
        name="person_remove",
    ),
]
