from django.apps import AppConfig
from django.core import checks


class OrgsConfig(AppConfig):
    name = "strada.orgs"
    verbose_name = "Organisations"

    def ready(self) -> None:
        from strada.orgs import rls  # connects the scope's signal receivers

        checks.register(rls.check_middleware, checks.Tags.security)
        checks.register(rls.check_role, checks.Tags.database)
