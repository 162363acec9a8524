from django.urls import path

from strada.orgs import views

app_name = "orgs"
urlpatterns = [
    # The organisation admin: the own organisation's people.
    path("users/", views.users, name="users"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<uuid:user_id>/", views.user_detail, name="user"),
    path("users/<uuid:user_id>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("users/<uuid:user_id>/reactivate/", views.user_reactivate, name="user_reactivate"),
    path("users/<uuid:user_id>/password/", views.user_password, name="user_password"),
    # The network admin: organisations and everyone's organisation and role.
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<uuid:org_id>/", views.organisation_edit, name="organisation"),
    path(
        "organisations/<uuid:org_id>/deactivate/",
        views.organisation_deactivate,
        name="organisation_deactivate",
    ),
    path(
        "organisations/<uuid:org_id>/reactivate/",
        views.organisation_reactivate,
        name="organisation_reactivate",
    ),
    path("network/users/", views.network_user_list, name="network_users"),
    path("network/users/new/", views.network_user_create, name="network_user_create"),
    path("network/users/<uuid:user_id>/", views.network_user, name="network_user"),
    path(
        "network/users/<uuid:user_id>/deactivate/",
        views.network_user_deactivate,
        name="network_user_deactivate",
    ),
    path(
        "network/users/<uuid:user_id>/reactivate/",
        views.network_user_reactivate,
        name="network_user_reactivate",
    ),
]
