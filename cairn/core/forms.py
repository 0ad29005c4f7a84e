"""GOV.UK Design System form rendering: every Django form field renders through one set
of templates (cairn/templates/govuk/forms/), so form HTML is never hand-written, and a
GOV.UK date input widget (day / month / year) that keeps what was typed on error."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.forms.renderers import TemplatesSetting

from .text import strip_controls


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "govuk/forms/form.html"
    field_template_name = "govuk/forms/field.html"


class GovukHiddenInput(forms.HiddenInput):
    """A hidden value carried through a form (e.g. the version of the record edited)."""

    template_name = "govuk/forms/widgets/hidden.html"


class GovukDateWidget(forms.MultiWidget):
    template_name = "govuk/forms/widgets/date.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            "day": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 2}),
            "month": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 2}),
            "year": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 4}),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateField(forms.MultiValueField):
    """A date typed as day, month and year, with GOV.UK-style error messages."""

    widget = GovukDateWidget

    def __init__(self, **kwargs: Any) -> None:
        fields = (
            forms.IntegerField(min_value=1, max_value=31),
            forms.IntegerField(min_value=1, max_value=12),
            forms.IntegerField(min_value=1900, max_value=2100),
        )
        kwargs.setdefault("require_all_fields", False)
        super().__init__(fields=fields, **kwargs)

    def clean(self, value: Any) -> dt.date | None:
        parts = [str(v).strip() if v is not None else "" for v in (value or ["", "", ""])]
        # Messages name the field without its "(optional)" marker.
        name = str(self.label or "Date").removesuffix(" (optional)")
        label = name.lower()
        if not any(parts):
            if self.required:
                # A message the form gave (a question label cannot be made into one).
                given = self.error_messages.get("required", "")
                if given and given != forms.Field.default_error_messages["required"]:
                    raise forms.ValidationError(given)
                raise forms.ValidationError(f"Enter {label}")
            return None
        names = ["day", "month", "year"]
        missing = [n for n, p in zip(names, parts, strict=True) if not p]
        if missing:
            raise forms.ValidationError(f"{name} must include a {' and '.join(missing)}")
        # A day or month of many digits is a slip, and overflows dt.date (OverflowError).
        if (
            not all(p.isdigit() for p in parts)
            or len(parts[2]) != 4
            or len(parts[0]) > 2
            or len(parts[1]) > 2
        ):
            raise forms.ValidationError(f"{name} must be a real date")
        if not 1900 <= int(parts[2]) <= 2100:
            # Year 1 or 9999 is a slip, and overflows date arithmetic further on.
            raise forms.ValidationError(f"{name} must be between 1900 and 2100")
        try:
            return dt.date(int(parts[2]), int(parts[1]), int(parts[0]))
        except (ValueError, OverflowError):
            raise forms.ValidationError(f"{name} must be a real date") from None

    def compress(self, data_list: list[Any]) -> Any:  # pragma: no cover - clean() overrides
        return data_list


_TIME = re.compile(
    r"^(?P<hour>\d{1,2})(?:[:.]?(?P<minute>\d{2}))?\s*(?P<half>[ap])?\.?\s*(?:m\.?)?$"
)
_NAMED_TIMES = {"noon": dt.time(12, 0), "midday": dt.time(12, 0), "midnight": dt.time(0, 0)}


def parse_time(text: str) -> dt.time | None:
    """A time as people type it: 19:00, 19.00, 1900, 7pm, 7.30pm, 7:30 p.m., noon. None
    when it is not a time."""
    value = " ".join(text.lower().split())
    if value in _NAMED_TIMES:
        return _NAMED_TIMES[value]
    match = _TIME.match(value)
    if match is None:
        return None
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    if match["half"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match["half"] == "p" else 0)
    elif match["minute"] is None and hour < 13:
        # A bare "19" is an hour; a bare "7" is too ambiguous to guess am or pm from.
        return None
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


class GovukTimeField(forms.TimeField):
    """One time field for every form: accepts what people type (14:30, 14.30, 1430, 2:30pm,
    noon), stores 24-hour time, and says how to write it when it cannot read it."""

    def __init__(self, *, label: str = "Time", **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "For example, 14:30 or 2:30pm")
        kwargs.setdefault("widget", forms.TextInput(attrs={"width": 5, "autocomplete": "off"}))
        messages = {
            "required": f"Enter the {label.lower()}",
            "invalid": f"{label.removesuffix(' (optional)')} must be a time, like 14:30 or 2:30pm",
        }
        messages.update(kwargs.pop("error_messages", {}))
        super().__init__(label=label, error_messages=messages, **kwargs)

    def to_python(self, value: Any) -> dt.time | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.time):
            return value
        parsed = parse_time(str(value))
        if parsed is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


def _without_controls(value: Any) -> Any:
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, list):
        return [_without_controls(v) for v in value]
    return value


def too_long_message(field: forms.CharField) -> str:
    """GOV.UK's "[what] must be N characters or fewer", naming the field (Django's default
    names none, so an error summary of two says the same thing twice)."""
    label = str(field.label or "").split(" (")[0].strip()
    what = "Your answer" if not label or label.endswith("?") else label
    return f"{what} must be {field.max_length:,} characters or fewer (it has %(show_value)s)"


class GovukForm(forms.Form):
    """Base form: GOV.UK error summary texts and no colon after labels. Invisible control
    characters pasted into any text are removed (they break XML exports for analysts)."""

    label_suffix = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and field.max_length is not None:
                field.error_messages.setdefault("max_length", too_long_message(field))

    def _clean_fields(self) -> None:
        super()._clean_fields()  # type: ignore[misc]
        for name, value in list(self.cleaned_data.items()):
            cleaned = _without_controls(value)
            if cleaned != value and not str(cleaned).strip() and self.fields[name].required:
                # Only control characters were typed: as good as nothing.
                self.add_error(name, self.fields[name].error_messages["required"])
                continue
            self.cleaned_data[name] = cleaned
