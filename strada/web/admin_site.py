"""Django's admin, for network admins only and never for client data.

Sign-in goes through allauth (with its second factor), not the admin's own login form. Only models of
the statistics and configuration planes are registered here; client models never are.
"""

from __future__ import annotations

from typing import Any

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from strada.orgs.models import Role


class NetworkAdminSite(admin.AdminSite):
    site_header = _("Strada network administration")
    site_title = _("Strada administration")

    def has_permission(self, request: HttpRequest) -> bool:
        user: Any = request.user
        return bool(
            user.is_active
            and user.is_authenticated
            and user.role == Role.NETWORK_ADMIN
            and user.organisation_id is not None
            and user.organisation.active
        )

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if request.user.is_authenticated:
            raise PermissionDenied
        return redirect_to_login(request.GET.get("next") or reverse("network_admin:index"))


class LockoutAdmin(AccessAttemptAdmin):
    """Failed sign-in attempts: network admins may read them and delete one to unlock an account."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.admin_site.has_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.admin_site.has_permission(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.admin_site.has_permission(request)


site = NetworkAdminSite(name="network_admin")
site.register(AccessAttempt, LockoutAdmin)
