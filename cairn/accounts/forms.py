from django import forms
from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    label_suffix = ""
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account is inactive. Contact your system administrator.",
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["username"].widget = forms.TextInput(
            attrs={"autocomplete": "username", "spellcheck": "false"}
        )
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"


class SignInCodeForm(forms.Form):
    label_suffix = ""
    token = forms.CharField(
        label="Code from your authenticator app",
        max_length=12,
        help_text="The 6-digit code, for example 123456",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "width": 5}
        ),
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )


class ChangeDecisionForm(forms.Form):
    """Confirms approving or rejecting a waiting account change; a note is optional."""

    label_suffix = ""
    note = forms.CharField(
        label="Note for the audit log (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "The note must be 500 characters or fewer"},
    )
