"""URLs of the network view; included at ``figures/network/`` with the namespace
``stats_network``."""

from django.urls import path

from strada.stats import network

app_name = "stats_network"
urlpatterns = [
    path("", network.dashboard, name="dashboard"),
    path("<str:table>.<str:fmt>", network.download, name="download"),
    path("countries/<str:code>/", network.country, name="country"),
    path("countries/<str:code>/factsheet.pdf", network.factsheet, name="factsheet"),
    path("context/", network.context_figures, name="context"),
]
