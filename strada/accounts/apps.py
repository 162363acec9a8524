from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "strada.accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from strada.accounts import signals  # noqa: F401
