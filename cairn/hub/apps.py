from django.apps import AppConfig


class HubConfig(AppConfig):
    name = "cairn.hub"
    label = "hub"
    verbose_name = "Exploitation Hub: meetings, actions, missing episodes"

    def ready(self) -> None:
        from . import agenda, audit_events, chronology, dashboard, integrations, profile  # noqa: F401, PLC0415  (in ready(): models first)
