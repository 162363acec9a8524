from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "strada.clients"
    verbose_name = "Clients"
