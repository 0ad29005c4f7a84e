from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    name = "cairn.concerns"
    label = "concerns"
    verbose_name = "Concerns, indicators and screening"

    def ready(self) -> None:
        from . import audit_events, chronology, profile  # noqa: F401, PLC0415  (registries; in ready(): models first)
