from django.apps import AppConfig


class ApiAuthConfig(AppConfig):
    name = "cairn.api_auth"
    label = "api_auth"
    verbose_name = "API tokens"

    def ready(self) -> None:
        from . import audit_events  # noqa: F401, PLC0415  (registry; in ready(): models first)
