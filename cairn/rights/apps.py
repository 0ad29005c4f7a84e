from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "cairn.rights"
    label = "rights"
    verbose_name = "Information rights (rectification and restriction)"

    def ready(self) -> None:
        from . import audit_events  # noqa: F401, PLC0415  (in ready(): models first)
