from django.apps import AppConfig


class DisruptionConfig(AppConfig):
    name = "cairn.disruption"
    label = "disruption"
    verbose_name = "Disruption tactics"

    def ready(self) -> None:
        from . import audit_events, chronology, profile, tasks  # noqa: F401, PLC0415  (registries; in ready(): models first)
