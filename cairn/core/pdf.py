"""Every PDF Cairn makes (minutes, problem profile, SAR disclosure, referral, CAWN notice)
is a Django template laid out by WeasyPrint (a required dependency) through
`render_pdf`. A print stylesheet is read from the static files, so the PDF needs no
HTTP fetch back to the server."""

from __future__ import annotations

from typing import Any

from django.contrib.staticfiles import finders
from django.http import HttpRequest
from django.template.loader import render_to_string


def render_pdf(
    template: str,
    context: dict[str, Any],
    *,
    request: HttpRequest | None = None,
    stylesheet: str | None = None,
) -> bytes:
    """`template` rendered with `context` (and `request`, for the context processors and
    the CSP nonce) as a PDF; `stylesheet` is a static path like "hub/print.css"."""
    # Imported here: loading WeasyPrint (and its fonts) is slow, and most requests make
    # no PDF.
    import weasyprint  # noqa: PLC0415 (lazy: heavy library)

    html = render_to_string(template, context, request=request)
    css_path = finders.find(stylesheet) if stylesheet else None
    stylesheets = [weasyprint.CSS(filename=str(css_path))] if css_path else []
    return bytes(weasyprint.HTML(string=html).write_pdf(stylesheets=stylesheets))
