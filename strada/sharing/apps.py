from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "strada.sharing"
    verbose_name = "Import, export and sharing"
