"""Production settings refuse to start on insecure or missing configuration."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

GOOD = {
    "SECRET_KEY": "x" * 64,
    "DATABASE_URL": "postgres://cairn@db.example.invalid:5432/cairn",
    "ALLOWED_HOSTS": "cairn.example.invalid",
    "CAIRN_BASE_URL": "https://cairn.example.invalid",
}


def _load(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='cairn.settings.production';"
        "from django.conf import settings;"
        "print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE,"
        " settings.SECURE_HSTS_SECONDS, settings.SESSION_COOKIE_AGE, settings.DEBUG,"
        " settings.PASSWORD_HASHERS[0].rsplit('.', 1)[-1])"
    )
    clean = {k: v for k, v in os.environ.items() if k not in GOOD and k != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_load_with_secure_defaults() -> None:
    result = _load(GOOD)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "True",
        "63072000",
        "1800",
        "False",
        "Argon2PasswordHasher",
    ]


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_essentials(missing: str) -> None:
    env = {k: v for k, v in GOOD.items() if k != missing}
    result = _load(env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SECRET_KEY", "short", "long random value"),
        ("SECRET_KEY", "demo-" + "x" * 60, "long random value"),
        ("ALLOWED_HOSTS", "*", "not '*'"),
    ],
)
def test_production_refuses_insecure_values(name: str, value: str, message: str) -> None:
    result = _load({**GOOD, name: value})
    assert result.returncode != 0
    assert message in result.stderr
