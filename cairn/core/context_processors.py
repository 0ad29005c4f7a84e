from django.conf import settings
from django.http import HttpRequest

from .tools import TOOL_SECTIONS, tools_for


def service(request: HttpRequest) -> dict[str, object]:
    return {
        "service_name": settings.CAIRN_SERVICE_NAME,
        "hub_name": settings.CAIRN_HUB_NAME,
    }


def tools(request: HttpRequest) -> dict[str, object]:
    """Whether the header offers the Tools page (only to users who may use a tool)."""

    return {
        "has_tools": bool(tools_for(getattr(request, "user", None))),
        "tool_sections": TOOL_SECTIONS,
    }
