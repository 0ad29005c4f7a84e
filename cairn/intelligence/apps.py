from django.apps import AppConfig


class IntelligenceConfig(AppConfig):
    name = "cairn.intelligence"
    label = "intelligence"
    verbose_name = "Intelligence (FIB submissions)"

    def ready(self) -> None:
        from . import audit_events, chronology  # noqa: F401, PLC0415  (registries; in ready(): models first)
