from django.urls import path

from strada.cases import views

app_name = "cases"
urlpatterns = [
    path("open/<uuid:client_id>/", views.case_open, name="open"),
    path("<uuid:case_id>/", views.case_detail, name="detail"),
    path("<uuid:case_id>/edit/", views.case_edit, name="edit"),
    path("<uuid:case_id>/close/", views.case_close, name="close"),
    path("<uuid:case_id>/reopen/", views.case_reopen, name="reopen"),
    path("<uuid:case_id>/plan/", views.plan_edit, name="plan"),
    path("<uuid:case_id>/notes/add/", views.note_add, name="note_add"),
    path("<uuid:case_id>/<slug:kind>/add/", views.part_add, name="part_add"),
    path("<uuid:case_id>/<slug:kind>/<uuid:part_id>/edit/", views.part_edit, name="part_edit"),
    path(
        "<uuid:case_id>/<slug:kind>/<uuid:part_id>/remove/", views.part_remove, name="part_remove"
    ),
]
