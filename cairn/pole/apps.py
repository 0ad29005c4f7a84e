from django.apps import AppConfig


class PoleConfig(AppConfig):
    name = "cairn.pole"
    label = "pole"
    verbose_name = "People, objects, locations and links"

    def ready(self) -> None:
        from . import audit_events  # noqa: F401, PLC0415  (registry; in ready(): models first)
