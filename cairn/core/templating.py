"""The Django template backend, made safe for text stored before input was checked: a
lone surrogate (from a JSON "\\ud800" escape) cannot be encoded as UTF-8, so one such
value in a record would break every page that shows it. Pages are rendered as usual and,
only if one is present, it is replaced with U+FFFD."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template import TemplateDoesNotExist
from django.template.backends.django import DjangoTemplates, Template, reraise
from django.utils.safestring import mark_safe

from .text import scrub_surrogates


class _Template(Template):
    def render(
        self, context: dict[str, Any] | None = None, request: HttpRequest | None = None
    ) -> str:
        out = super().render(context, request)
        return out if out.isascii() else mark_safe(scrub_surrogates(out))  # noqa: S308


class SafeTextTemplates(DjangoTemplates):
    def from_string(self, template_code: str) -> _Template:
        return _Template(self.engine.from_string(template_code), self)

    def get_template(self, template_name: str) -> _Template:
        try:
            return _Template(self.engine.get_template(template_name), self)
        except TemplateDoesNotExist as exc:
            reraise(exc, self)
            raise  # pragma: no cover - reraise always raises
