from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "cairn.demo"
    label = "demo"
    verbose_name = "Synthetic demo data"

    def ready(self) -> None:
        from . import audit_events  # noqa: F401, PLC0415  (registry; in ready(): models first)
