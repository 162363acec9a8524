from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "strada.audit"
    verbose_name = "Audit"
