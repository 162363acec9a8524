from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "strada.orgs"
    verbose_name = "Organisations"
