from django.conf import settings
from django.http import HttpRequest


def service(request: HttpRequest) -> dict[str, object]:
    return {
        "service_name": settings.CAIRN_SERVICE_NAME,
        "hub_name": settings.CAIRN_HUB_NAME,
    }
