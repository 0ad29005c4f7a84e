from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cairn.accounts"
    label = "accounts"
    verbose_name = "Agencies, teams and users"

    def ready(self) -> None:
        from . import audit_events, signals  # noqa: F401, PLC0415  (registries; sign-in/out events; in ready(): models first)
