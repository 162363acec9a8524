from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "strada.cases"
    verbose_name = "Cases"
