"""Settings shared by every environment. Values come from the environment (django-environ);
only `demo` supplies defaults, and `production` refuses to start without the essentials."""

from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # serves the API docs assets locally (the CDN would break the CSP)
    "cairn.core",
    "cairn.accounts",
    "cairn.audit",
    "cairn.pole",
    "cairn.notifications",
    "cairn.concerns",
    "cairn.referrals",
    "cairn.intelligence",
    "cairn.disruption",
    "cairn.network",
    "cairn.hub",
    "cairn.api_auth",
    "cairn.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cairn.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "cairn.accounts.middleware.TwoStepMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "cairn.core.middleware.NoStoreMiddleware",
    # AxesMiddleware must be last: it turns lockouts into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cairn.urls"
WSGI_APPLICATION = "cairn.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:signed-out"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "cairn" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "cairn.core.context_processors.service",
                "cairn.core.context_processors.tools",
                "cairn.notifications.context_processors.inbox",
            ],
            "builtins": ["cairn.core.templatetags.govuk"],
        },
    }
]
# Form fields render through GOV.UK Design System templates (cairn/templates/django/forms/).
FORM_RENDERER = "cairn.core.forms.GovukFormRenderer"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "cairn" / "static"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Sessions: idle timeout (every request renews the cookie), cleared on browser close.
SESSION_COOKIE_AGE = env.int("CAIRN_SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# django-axes: lock an account+address after repeated failures.
AXES_FAILURE_LIMIT = env.int("CAIRN_LOCKOUT_FAILURES", default=5)
AXES_COOLOFF_TIME = env.float("CAIRN_LOCKOUT_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# Content Security Policy (django-csp 4): no inline script without the per-request nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        # Print views carry their stylesheet inline (shared with the PDF renderer): nonce only.
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Cairn's own settings.
CAIRN_SERVICE_NAME = "Cairn"
CAIRN_HUB_NAME = env.str("CAIRN_HUB_NAME", default="Exploitation Hub")
CAIRN_PAGE_SIZE = 25
# Two-step verification (TOTP): required in production unless explicitly turned off.
CAIRN_REQUIRE_2FA = env.bool("CAIRN_REQUIRE_2FA", default=False)
# Batch identity linkage (manage.py link_people): Splink on embedded DuckDB, or on Spark
# for data beyond one machine (`uv sync --extra spark`, Java 17+; docs/deployment.md).
CAIRN_SPLINK_BACKEND = env.str("CAIRN_SPLINK_BACKEND", default="duckdb")
CAIRN_SPARK_MASTER = env.str("CAIRN_SPARK_MASTER", default="local[*]")
CAIRN_SPARK_PARTITIONS = env.int("CAIRN_SPARK_PARTITIONS", default=16)
CAIRN_SPARK_CHECKPOINT_DIR = env.str("CAIRN_SPARK_CHECKPOINT_DIR", default="")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("CAIRN_LOG_LEVEL", default="WARNING")},
}


def sqlite_database(path: Path) -> dict[str, object]:
    """SQLite tuned for a small concurrent server: WAL, IMMEDIATE writes, busy timeout."""
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        },
    }
