"""Small template helpers for GOV.UK Design System markup."""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField
from django.forms.widgets import (
    CheckboxInput,
    CheckboxSelectMultiple,
    RadioSelect,
    Select,
    Textarea,
)

register = template.Library()


@register.filter
def widget_type(field: BoundField) -> str:
    widget = field.field.widget
    if widget.template_name == "govuk/forms/widgets/date.html":
        return "date"
    # CheckboxSelectMultiple subclasses RadioSelect, so it must be tested first.
    if isinstance(widget, CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, RadioSelect):
        return "radios"
    if isinstance(widget, CheckboxInput):
        return "checkbox"
    if isinstance(widget, Select):
        return "select"
    if isinstance(widget, Textarea):
        return "textarea"
    return "input"


@register.filter
def first_input_id(field: BoundField) -> str:
    """The id an error-summary link should target (first box of a date, first radio)."""
    kind = widget_type(field)
    if kind == "date":
        return f"{field.auto_id}_0"  # MultiWidget numbers its boxes: day is _0
    if kind in ("radios", "checkboxes"):
        return f"{field.auto_id}_0"
    return str(field.auto_id)


@register.simple_tag
def query_with(request: Any, **kwargs: Any) -> str:
    """The current query string with some parameters replaced (pagination links)."""
    params = request.GET.copy()
    for key, value in kwargs.items():
        params[key] = value
    return params.urlencode()
