from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "strada.web"
    verbose_name = "Web"
