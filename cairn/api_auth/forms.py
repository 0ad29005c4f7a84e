from __future__ import annotations

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
