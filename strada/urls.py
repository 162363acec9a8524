from django.urls import include, path

from strada.api import api
from strada.web.admin_site import site as admin_site

urlpatterns = [
    path("", include("strada.web.urls")),
    path("clients/", include("strada.clients.urls")),
    path("cases/", include("strada.cases.urls")),
    path("referrals/", include("strada.referrals.urls")),
    path("directory/", include("strada.directory.urls")),
    path("records/", include("strada.sharing.urls")),
    path("figures/network/", include("strada.stats.network_urls")),
    path("figures/", include("strada.stats.urls")),
    path("org/", include("strada.orgs.urls")),
    path("settings/", include("strada.accounts.urls")),
    path("audit/", include("strada.audit.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("network-admin/", admin_site.urls),
]

handler400 = "strada.web.views.bad_request"
handler403 = "strada.web.views.permission_denied"
handler404 = "strada.web.views.page_not_found"
handler500 = "strada.web.views.server_error"
