"""Production settings refuse to start on insecure or missing configuration."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

GOOD = {
    # A synthetic key with the variety of a real one (secrets.token_urlsafe).
    "SECRET_KEY": "k7Qz-3vLm_9TbXw2RyNc8HdJf5GsPa4UeKo1Vi6BnMtZq0WjYx",
    "CAIRN_AUDIT_CHECKPOINT_KEY": "c8Rw2Lq-Zt5Nv_Xb7Mk3Pj9Hs4Fd6Gy1",
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
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in GOOD
        and k != "DJANGO_SETTINGS_MODULE"
        and not k.startswith(("CAIRN_", "SECURE_"))
    }
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


@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "CAIRN_AUDIT_CHECKPOINT_KEY"]
)
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
        ("CAIRN_AUDIT_CHECKPOINT_KEY", "short", "long random value of its own"),
        ("CAIRN_AUDIT_CHECKPOINT_KEY", GOOD["SECRET_KEY"], "not the SECRET_KEY"),
    ],
)
def test_production_refuses_insecure_values(name: str, value: str, message: str) -> None:
    result = _load({**GOOD, name: value})
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "override", "message"),
    [
        ("SECRET_KEY", "x" * 64, "weak_secret_key", "repeats a few characters"),
        ("SECRET_KEY", "ab" * 40, "weak_secret_key", "repeats a few characters"),
        ("DATABASE_URL", "sqlite:////tmp/cairn.sqlite3", "sqlite", "append-only trigger"),
        ("CAIRN_BASE_URL", "http://cairn.example.invalid", "http_base_url", "https://"),
        ("CAIRN_REQUIRE_2FA", "false", "no_two_step", "CAIRN_REQUIRE_2FA must be on"),
        ("SECURE_HSTS_SECONDS", "0", "no_hsts", "SECURE_HSTS_SECONDS must be more than 0"),
    ],
)
def test_insecure_choices_refuse_to_start_unless_overridden_and_logged(
    name: str, value: str, override: str, message: str
) -> None:
    refused = _load({**GOOD, name: value})
    assert refused.returncode != 0
    assert "ImproperlyConfigured" in refused.stderr and message in refused.stderr
    assert override in refused.stderr  # says how to override
    allowed = _load({**GOOD, name: value, "CAIRN_INSECURE_OVERRIDES": override})
    assert allowed.returncode == 0, allowed.stderr
    assert "Insecure production setting allowed" in allowed.stderr
    # An override for something else does not help.
    other = "no_hsts" if override != "no_hsts" else "sqlite"
    assert _load({**GOOD, name: value, "CAIRN_INSECURE_OVERRIDES": other}).returncode != 0


def test_unknown_override_is_refused() -> None:
    result = _load({**GOOD, "CAIRN_INSECURE_OVERRIDES": "everything"})
    assert result.returncode != 0 and "unknown entries" in result.stderr


def test_secure_settings_log_no_override_warning() -> None:
    assert "Insecure" not in _load(GOOD).stderr


def test_trusted_proxies_must_be_addresses() -> None:
    bad = _load({**GOOD, "CAIRN_TRUSTED_PROXIES": "10.0.0.1,proxy.example"})
    assert bad.returncode != 0 and "CAIRN_TRUSTED_PROXIES" in bad.stderr
    assert _load({**GOOD, "CAIRN_TRUSTED_PROXIES": "10.0.0.1,10.1.0.0/16"}).returncode == 0


@pytest.mark.slow
def test_production_logs_are_json_lines_with_request_lines_on() -> None:
    code = (
        "import django, json, logging, os, sys;"
        "os.environ['DJANGO_SETTINGS_MODULE']='cairn.settings.production';"
        "django.setup();"
        "logging.getLogger('cairn.core').warning('disk %s', 'low');"
        "print(logging.getLogger('cairn.request').isEnabledFor(logging.INFO))"
    )
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in GOOD
        and k != "DJANGO_SETTINGS_MODULE"
        and not k.startswith(("CAIRN_", "SECURE_"))
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        env={**clean, **GOOD},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["message"] == "disk low"
    assert line["level"] == "WARNING" and line["logger"] == "cairn.core"
