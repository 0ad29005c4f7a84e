from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "cairn.governance"
    label = "governance"
    verbose_name = "Information governance overview"

    def ready(self) -> None:
        from . import audit_events  # noqa: F401, PLC0415  (in ready(): models first)
