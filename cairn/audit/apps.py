from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "cairn.audit"
    label = "audit"
    verbose_name = "Audit log (DPA 2018 s.62)"

    def ready(self) -> None:
        from . import audit_events  # noqa: F401, PLC0415  (registry; in ready(): models first)
