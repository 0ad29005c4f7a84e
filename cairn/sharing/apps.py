from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "cairn.sharing"
    label = "sharing"
    verbose_name = "Information-sharing agreements and the legal basis of disclosures"

    def ready(self) -> None:
        from . import audit_events  # noqa: F401, PLC0415  (in ready(): models first)
