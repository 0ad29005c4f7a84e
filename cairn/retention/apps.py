from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "cairn.retention"
    label = "retention"
    verbose_name = "Retention, review and disposal"

    def ready(self) -> None:
        from . import audit_events  # noqa: F401, PLC0415  (in ready(): models first)
