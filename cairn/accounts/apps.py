from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cairn.accounts"
    label = "accounts"
    verbose_name = "Agencies, teams and users"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (sign-in/out audit events)
