from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import register_converter

from .text import IdConverter


class CoreConfig(AppConfig):
    name = "cairn.core"
    label = "core"
    verbose_name = "Cairn core"

    def ready(self) -> None:
        from . import audit_events  # noqa: F401, PLC0415  (registry; in ready(): models first)

        # `<id:...>` for every record id in a path: 2**70 is a 404, not a database error.
        register_converter(IdConverter, "id")

        # A mistyped rate limit stops the service at start-up instead of failing per request.
        from .throttling import parse_rate  # noqa: PLC0415  (loads ninja and the cache: after apps)

        for scope, rate in getattr(settings, "CAIRN_THROTTLE_RATES", {}).items():
            if rate:
                try:
                    parse_rate(rate)
                except ValueError as exc:
                    raise ImproperlyConfigured(f"CAIRN_THROTTLE_RATES[{scope!r}]: {exc}") from exc
