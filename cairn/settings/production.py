"""Production: every essential comes from the environment; insecure configuration refuses
to start (ImproperlyConfigured) rather than running half-protected. A few insecure choices
can be allowed for a named reason (a test rig, a migration window) by listing them in
CAIRN_INSECURE_OVERRIDES; each one used is logged as a warning at every start."""

import logging

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import database_config, env

logger = logging.getLogger("cairn.settings")

# name in CAIRN_INSECURE_OVERRIDES -> what it allows
INSECURE_OVERRIDES = {
    "weak_secret_key": "a SECRET_KEY made of few distinct characters",
    "sqlite": "a SQLite database (no append-only trigger on the audit log)",
    "http_base_url": "an http:// CAIRN_BASE_URL (links in emails sent without TLS)",
    "no_two_step": "CAIRN_REQUIRE_2FA off (password-only sign-in)",
    "no_hsts": "SECURE_HSTS_SECONDS of 0 (browsers not told to insist on HTTPS)",
}
_overrides = {o.strip() for o in env.list("CAIRN_INSECURE_OVERRIDES", default=[]) if o.strip()}
if _unknown := _overrides - INSECURE_OVERRIDES.keys():
    raise ImproperlyConfigured(
        f"CAIRN_INSECURE_OVERRIDES has unknown entries {sorted(_unknown)}; "
        f"the known ones are {sorted(INSECURE_OVERRIDES)}."
    )


def _insecure(name: str, message: str) -> None:
    """Refuse to start, unless this insecure choice is explicitly overridden (logged)."""
    if name not in _overrides:
        raise ImproperlyConfigured(
            f"{message} To run like this anyway, add {name!r} to CAIRN_INSECURE_OVERRIDES."
        )
    logger.warning(
        "Insecure production setting allowed by CAIRN_INSECURE_OVERRIDES: %s",
        INSECURE_OVERRIDES[name],
    )


def _required(name: str) -> str:
    value = env.str(name, default="")
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in the environment for production.")
    return value


DEBUG = False
SECRET_KEY = _required("SECRET_KEY")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith(("demo-", "test-", "django-insecure")):
    raise ImproperlyConfigured("SECRET_KEY must be a long random value, not a demo or test key.")
if len(set(SECRET_KEY)) < 12:
    _insecure(
        "weak_secret_key",
        "SECRET_KEY must be a long random value: this one repeats a few characters.",
    )
CAIRN_AUDIT_CHECKPOINT_KEY = _required("CAIRN_AUDIT_CHECKPOINT_KEY")
if len(CAIRN_AUDIT_CHECKPOINT_KEY) < 32 or CAIRN_AUDIT_CHECKPOINT_KEY == SECRET_KEY:
    raise ImproperlyConfigured(
        "CAIRN_AUDIT_CHECKPOINT_KEY must be a long random value of its own, not the SECRET_KEY."
    )
ALLOWED_HOSTS = [h.strip() for h in _required("ALLOWED_HOSTS").split(",") if h.strip()]
if "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the service's hosts, not '*'.")
DATABASES = {"default": database_config(_required("DATABASE_URL"))}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if "sqlite" in str(DATABASES["default"].get("ENGINE", "")):
    _insecure(
        "sqlite",
        "DATABASE_URL must be PostgreSQL in production: on SQLite the audit log has no "
        "append-only trigger.",
    )
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

CAIRN_REQUIRE_2FA = env.bool("CAIRN_REQUIRE_2FA", default=True)
if not CAIRN_REQUIRE_2FA:
    _insecure("no_two_step", "CAIRN_REQUIRE_2FA must be on in production.")
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Cairn")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=63072000)
if SECURE_HSTS_SECONDS <= 0:
    _insecure("no_hsts", "SECURE_HSTS_SECONDS must be more than 0 in production.")
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_NAME = "__Host-cairn-session"
CSRF_COOKIE_NAME = "__Host-cairn-csrf"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Email (notifications carry only a link): EMAIL_URL like smtp+tls://user:pass@host:587
_email = env.email_url("EMAIL_URL", default="smtp://localhost:25")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="cairn@localhost")
CAIRN_BASE_URL = _required("CAIRN_BASE_URL")
if not CAIRN_BASE_URL.lower().startswith("https://"):
    _insecure("http_base_url", "CAIRN_BASE_URL must start with https:// in production.")

# Structured logs (cairn/core/logs.py): JSON lines with the request id, and one line per
# request, unless turned off (CAIRN_LOG_FORMAT=text, CAIRN_REQUEST_LOG=false).
CAIRN_LOG_FORMAT = env.str("CAIRN_LOG_FORMAT", default="json")
if CAIRN_LOG_FORMAT == "json":
    LOGGING["handlers"]["console"]["formatter"] = "json"  # noqa: F405
LOGGING["loggers"]["cairn.request"]["level"] = (  # noqa: F405
    "INFO" if env.bool("CAIRN_REQUEST_LOG", default=True) else "WARNING"
)
