"""GOV.UK Design System form rendering: every Django form field renders through one set
of templates (cairn/templates/govuk/forms/), so form HTML is never hand-written, and a
GOV.UK date input widget (day / month / year) that keeps what was typed on error."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.forms.renderers import TemplatesSetting


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "govuk/forms/form.html"
    field_template_name = "govuk/forms/field.html"


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
        label = (self.label or "Date").lower()
        if not any(parts):
            if self.required:
                raise forms.ValidationError(f"Enter {label}")
            return None
        names = ["day", "month", "year"]
        missing = [n for n, p in zip(names, parts, strict=True) if not p]
        if missing:
            raise forms.ValidationError(f"{self.label} must include a {' and '.join(missing)}")
        if not all(p.isdigit() for p in parts) or len(parts[2]) != 4:
            raise forms.ValidationError(f"{self.label} must be a real date")
        try:
            return dt.date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            raise forms.ValidationError(f"{self.label} must be a real date") from None

    def compress(self, data_list: list[Any]) -> Any:  # pragma: no cover - clean() overrides
        return data_list


class GovukForm(forms.Form):
    """Base form: GOV.UK error summary texts and no colon after labels."""

    label_suffix = ""
