from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "strada.directory"
    verbose_name = "Directory"
