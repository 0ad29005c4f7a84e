from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "cairn.notifications"
    label = "notifications"
    verbose_name = "Notifications (in-app inbox and email)"

    def ready(self) -> None:
        from . import audit_events  # noqa: F401, PLC0415  (in ready(): models first)
