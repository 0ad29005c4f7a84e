from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "cairn.referrals"
    label = "referrals"
    verbose_name = "Referrals: MASH, NRM and PPU"

    def ready(self) -> None:
        from . import audit_events, profile  # noqa: F401, PLC0415  (registries; in ready(): models first)
