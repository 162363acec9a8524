from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "strada.demo"
    verbose_name = "Demo network"
