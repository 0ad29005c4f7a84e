from django.apps import AppConfig


class HubConfig(AppConfig):
    name = "cairn.hub"
    label = "hub"
    verbose_name = "Exploitation Hub: meetings, agenda, minutes, actions"

    def ready(self) -> None:
        from . import agenda, audit_events, chronology, dashboard, integrations  # noqa: F401, PLC0415  (in ready(): models first)
