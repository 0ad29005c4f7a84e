from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "cairn.network"
    label = "network"
    verbose_name = "Identity matching and the exploitation network"

    def ready(self) -> None:
        from . import audit_events, profile  # noqa: F401, PLC0415  (registries; in ready(): models first)
