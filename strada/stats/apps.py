from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "strada.stats"
    verbose_name = "Statistics"
