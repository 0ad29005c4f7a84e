"""PDF from the print templates (WeasyPrint). The print CSS is read from the static files,
so the PDF needs no HTTP fetch back to the server."""

from __future__ import annotations

from pathlib import Path

from django.contrib.staticfiles import finders


def pdf_from_html(html: str) -> bytes:
    import weasyprint  # noqa: PLC0415  (lazy: heavy library)

    css_path = finders.find("hub/print.css")
    stylesheets = [weasyprint.CSS(string=Path(str(css_path)).read_text())] if css_path else []
    return bytes(weasyprint.HTML(string=html).write_pdf(stylesheets=stylesheets))
