from __future__ import annotations

from typing import Any

from django import forms

from cairn.core.forms import GovukForm

from .services import DEFAULT_LIFETIME_DAYS

LIFETIME_CHOICES = [(30, "30 days"), (90, "90 days"), (180, "180 days"), (365, "1 year")]


class TokenForm(GovukForm):
    name = forms.CharField(
        label="Token name",
        max_length=100,
        help_text="What the token is for, so you can recognise it later. "
        "For example: weekly Hub report script.",
        error_messages={"required": "Enter a name for the token"},
        widget=forms.TextInput(attrs={"spellcheck": "false", "width": 30}),
    )
    lifetime_days = forms.TypedChoiceField(
        label="Expires after",
        choices=LIFETIME_CHOICES,
        coerce=int,
        initial=DEFAULT_LIFETIME_DAYS,
        widget=forms.RadioSelect,
        error_messages={"required": "Select when the token expires"},
    )

    def __init__(self, *args: Any, max_days: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if max_days is not None:
            # An account signing in through its agency's provider: no longer than it allows.
            field = self.fields["lifetime_days"]
            allowed = [(d, label) for d, label in LIFETIME_CHOICES if d <= max_days]
            if not any(d == max_days for d, _ in allowed):
                allowed.append((max_days, f"{max_days} days"))
            field.choices = allowed  # type: ignore[attr-defined]
            field.initial = min(DEFAULT_LIFETIME_DAYS, max_days)
            field.help_text = f"Your organisation's sign-in allows tokens of up to {max_days} days."
