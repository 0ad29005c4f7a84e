"""Small template helpers for GOV.UK Design System markup."""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BaseForm, BaseFormSet, BoundField
from django.forms.widgets import (
    CheckboxInput,
    CheckboxSelectMultiple,
    RadioSelect,
    Select,
    Textarea,
)
from django.template.base import Parser, Token
from django.utils.html import format_html

from cairn.core import step_guard, wording
from cairn.core.step_guard import Seen
from cairn.core.submit_keys import hidden_field
from cairn.pole.models import Platform, PremisesType

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
def option_hint(field: BoundField, value: Any) -> str:
    """The hint under one radio option, from the field's `option_hints` (value -> text),
    e.g. how likely a candidate record is the same person, and why."""
    hints = getattr(field.field, "option_hints", None) or {}
    return str(hints.get(str(value), ""))


@register.filter
def option_reveal(field: BoundField, value: Any) -> BoundField | None:
    """The field shown under one radio option only (a GOV.UK conditional reveal), from the
    field's `option_reveals` (value -> field name), if that field is on the form."""
    name = (getattr(field.field, "option_reveals", None) or {}).get(str(value))
    return field.form[name] if name and name in field.form.fields else None


@register.filter
def revealed_elsewhere(field: BoundField) -> bool:
    """A field drawn under another field's option (`revealed_under`), not in its own
    place; on a form without that other field it is drawn as usual."""
    under = getattr(field.field, "revealed_under", None)
    return bool(under and under in field.form.fields)


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


@register.filter
def long_date(value: Any) -> str:
    """ISO dates in drafts read as '4 December 2026' in prose."""
    return wording.long_date(value)


@register.simple_tag
def submit_key() -> str:
    """A hidden one-time submit key for a POST form (`cairn.core.submit_keys`): a form
    sent twice at once creates one record. Put it beside `{% csrf_token %}`."""

    return hidden_field()


@register.simple_tag
def remove_token(index: int, item: Any) -> str:
    """The value of a draft list entry's Remove button (`step_guard.without_item`)."""
    return step_guard.remove_token(index, item)


@register.simple_tag
def step_seen(seen: Seen | None) -> str:
    """What a draft's step page showed (`cairn.core.step_guard`), so a save from a page
    drawn before another tab's change keeps both. Put it beside `{% submit_key %}`."""
    return seen.hidden_inputs() if seen is not None else ""


ERROR_PREFIX = "Error: "


def page_has_errors(context: template.Context) -> bool:
    """Whether the page shows a problem to fix: a bound form (or formset) in the context
    has errors, however many forms the page has, or the view says so with
    `page_has_errors` (problems that are not a form's, such as a check step's list of
    missing answers). Values are tested by type, so lazy context values stay unevaluated."""
    values = context.flatten()
    if values.get("page_has_errors"):
        return True
    for value in values.values():
        kind = type(value)
        if issubclass(kind, BaseForm) and value.is_bound and value.errors:
            return True
        if issubclass(kind, BaseFormSet) and value.is_bound and value.total_error_count():
            return True
    return False


class PageTitleNode(template.Node):
    child_nodelists = ("nodelist",)

    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        title = self.nodelist.render(context).strip()
        # A template that still writes the prefix itself gets it once, not twice.
        said = title.startswith(ERROR_PREFIX)
        title = title.removeprefix(ERROR_PREFIX)
        if said or page_has_errors(context):
            return ERROR_PREFIX + title
        return title


@register.tag("page_title")
def page_title(parser: Parser, token: Token) -> PageTitleNode:
    """`{% page_title %}...{% endpage_title %}`: the page's <title> text, prefixed
    "Error: " when the page has errors (GOV.UK's validation pattern), so screen readers
    hear it first. base.html is the one place that adds it; templates write the title only."""
    nodelist = parser.parse(("endpage_title",))
    parser.delete_first_token()
    return PageTitleNode(nodelist)


class BackLinkLandmarkNode(template.Node):
    child_nodelists = ("nodelist",)

    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        inner = self.nodelist.render(context)
        if not inner.strip():
            return ""
        return format_html('<nav class="cairn-back-nav" aria-label="Back">{}</nav>', inner)


@register.tag("back_link_landmark")
def back_link_landmark(parser: Parser, token: Token) -> BackLinkLandmarkNode:
    """`{% back_link_landmark %}...{% endback_link_landmark %}`: the page's back link, where
    GOV.UK puts it (before <main>, so the skip link passes it), inside a navigation landmark
    so no content sits outside a landmark (axe "region"; GOV.UK Frontend leaves this open,
    alphagov/govuk-frontend#6460). Nothing at all when the page has no back link: an empty
    landmark would still be announced."""
    nodelist = parser.parse(("endback_link_landmark",))
    parser.delete_first_token()
    return BackLinkLandmarkNode(nodelist)


@register.filter
def mention_choice(value: Any, field: str) -> str:
    """A mention's stored choice as its label: `platform` ("x" -> "X (Twitter)") or
    `premises_type` ("car_park" -> "Car park"); anything unknown as given."""
    choices = {"platform": Platform.choices, "premises_type": PremisesType.choices}.get(field, [])
    return str(dict(choices).get(str(value or ""), value or ""))
