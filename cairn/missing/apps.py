from django.apps import AppConfig


class MissingConfig(AppConfig):
    name = "cairn.missing"
    label = "missing"
    verbose_name = "Missing episodes and return home interviews"

    def ready(self) -> None:
        from . import audit_events, profile  # noqa: F401, PLC0415  (in ready(): models first)
