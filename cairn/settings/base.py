"""Settings shared by every environment. Values come from the environment (django-environ);
only `demo` supplies defaults, and `production` refuses to start without the essentials."""

import hashlib
import ipaddress
import math
from pathlib import Path
from typing import Any

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

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
    # The form renderer (TemplatesSetting) finds Django's own form templates through the
    # app: without it the admin site's forms cannot render their error lists at all.
    "django.forms",
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
    "cairn.missing",
    "cairn.rights",
    "cairn.retention",
    "cairn.sharing",
    "cairn.governance",
    "cairn.api_auth",
    "cairn.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cairn.core.middleware.RequestIdMiddleware",
    # Outside everything that can fail on the database: API errors are JSON whoever made them.
    "cairn.core.errors.ApiJsonErrorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "cairn.accounts.middleware.TwoStepMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # After single sign-on, lets the sign-out form go on to the provider (form-action).
    "cairn.accounts.middleware.SsoSignOutCspMiddleware",
    "cairn.core.middleware.NoStoreMiddleware",
    "cairn.audit.middleware.RefusedAccessMiddleware",
    "cairn.core.middleware.BadIdMiddleware",
    "cairn.core.middleware.ConflictMiddleware",
    "cairn.core.middleware.GoInsteadMiddleware",
    # API POSTs with an Idempotency-Key run in one transaction with their key (ADR 0015).
    "cairn.api_auth.idempotency.IdempotencyMiddleware",
    # Web form POSTs with a submit key run in one transaction with their key (ADR 0015).
    "cairn.core.submit_keys.SubmitKeyMiddleware",
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
        "BACKEND": "cairn.core.templating.SafeTextTemplates",
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
    # Password sign-in; permissions come from the role map alone (cairn/accounts/backends.py).
    "cairn.accounts.backends.AccountBackend",
    # Single sign-on with an agency's OpenID Connect provider (ADR 0020); acts only on the
    # provider's callback.
    "cairn.accounts.sso.OIDCBackend",
]
# Seconds of clock difference allowed when checking an ID token's exp and iat.
CAIRN_SSO_CLOCK_LEEWAY = env.int("CAIRN_SSO_CLOCK_LEEWAY", default=60)

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
# Stored in the database; a renewal that a read-only database refuses is skipped
# (cairn/core/sessions.py).
SESSION_ENGINE = "cairn.core.sessions"
SESSION_COOKIE_AGE = env.int("CAIRN_SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "cairn.core.errors.csrf_failure"
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
# Reverse proxies (IPs or CIDRs, comma-separated) whose X-Request-ID header is kept as the
# audit request id; from anyone else the header is ignored and a new id is generated.
CAIRN_TRUSTED_PROXIES = env.list("CAIRN_TRUSTED_PROXIES", default=[])
for _proxy in CAIRN_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy.strip(), strict=False)
    except ValueError as _exc:
        raise ImproperlyConfigured(f"CAIRN_TRUSTED_PROXIES: {_exc}") from _exc
# Signs audit chain checkpoints (cairn/audit/checkpoint.py). Kept outside the database;
# required in production; demo and test derive one from SECRET_KEY when it is unset.
CAIRN_AUDIT_CHECKPOINT_KEY = env.str("CAIRN_AUDIT_CHECKPOINT_KEY", default="")


def derived_checkpoint_key(secret_key: str) -> str:
    return hashlib.sha256(f"cairn-audit-checkpoint|{secret_key}".encode()).hexdigest()


# Email and text messages telling users of a notification (cairn/notifications/delivery.py):
# Django's email backend (SMTP in production, EMAIL_URL) unless a GOV.UK Notify API key is
# set. Notify needs the id of its email template, and of a text message template to send
# texts as well (to users with a phone number); docs/deployment.md lists their fields.
CAIRN_NOTIFY_API_KEY = env.str("CAIRN_NOTIFY_API_KEY", default="")
CAIRN_NOTIFY_BASE_URL = env.str(
    "CAIRN_NOTIFY_BASE_URL", default="https://api.notifications.service.gov.uk"
)
CAIRN_NOTIFY_EMAIL_TEMPLATE_ID = env.str("CAIRN_NOTIFY_EMAIL_TEMPLATE_ID", default="")
CAIRN_NOTIFY_SMS_TEMPLATE_ID = env.str("CAIRN_NOTIFY_SMS_TEMPLATE_ID", default="")
if CAIRN_NOTIFY_API_KEY and not CAIRN_NOTIFY_EMAIL_TEMPLATE_ID:
    raise ImproperlyConfigured(
        "CAIRN_NOTIFY_EMAIL_TEMPLATE_ID must be set when CAIRN_NOTIFY_API_KEY is."
    )

# Two-step verification (TOTP): required in production unless explicitly turned off.
CAIRN_REQUIRE_2FA = env.bool("CAIRN_REQUIRE_2FA", default=False)
# Batch identity linkage (manage.py link_people): Splink on embedded DuckDB, or on Spark
# for data beyond one machine (`uv sync --extra spark`, Java 17+; docs/deployment.md).
CAIRN_SPLINK_BACKEND = env.str("CAIRN_SPLINK_BACKEND", default="duckdb")
CAIRN_SPARK_MASTER = env.str("CAIRN_SPARK_MASTER", default="local[*]")
CAIRN_SPARK_PARTITIONS = env.int("CAIRN_SPARK_PARTITIONS", default=16)
CAIRN_SPARK_CHECKPOINT_DIR = env.str("CAIRN_SPARK_CHECKPOINT_DIR", default="")

# Django's cache: rate-limit counters live here. The default is per process; a server
# running several processes should share one (CAIRN_CACHE_URL, e.g. dbcache://cairn_cache
# after `manage.py createcachetable`; docs/deployment.md).
CACHES = {"default": env.cache("CAIRN_CACHE_URL", default="locmemcache://")}
# Rate limits (cairn/core/throttling.py), per user: "requests/period" (s, min, hour, day);
# an empty value turns that limit off. Searches, exports and identity matching share their
# limit between the web pages and the API.
CAIRN_THROTTLE_ENABLED = env.bool("CAIRN_THROTTLE_ENABLED", default=True)
CAIRN_THROTTLE_RATES = {
    "api": env.str("CAIRN_THROTTLE_API", default="300/min"),
    "search": env.str("CAIRN_THROTTLE_SEARCH", default="30/min"),
    "export": env.str("CAIRN_THROTTLE_EXPORT", default="60/hour"),
    "match": env.str("CAIRN_THROTTLE_MATCH", default="60/min"),
}

# Logs go to stderr (the journal under systemd). CAIRN_LOG_FORMAT=json (production's
# default) writes one JSON object per line with the request id (cairn/core/logs.py);
# CAIRN_REQUEST_LOG=true adds one line per request (view, status, time, user id).
# The bearer token Prometheus sends to GET /metrics (cairn/core/metrics.py); unset: 404.
CAIRN_METRICS_TOKEN = env.str("CAIRN_METRICS_TOKEN", default="")
CAIRN_LOG_FORMAT = env.str("CAIRN_LOG_FORMAT", default="text")
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "cairn.core.logs.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            **({"formatter": "json"} if CAIRN_LOG_FORMAT == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": env.str("CAIRN_LOG_LEVEL", default="WARNING")},
    "loggers": {
        "cairn.request": {
            "level": "INFO" if env.bool("CAIRN_REQUEST_LOG", default=False) else "WARNING"
        },
        # Its warnings quote Notify's error messages, which can name an address; Cairn
        # keeps the error's type and code on the Delivery row instead.
        "notifications_python_client": {"level": "ERROR"},
    },
}


# Database timeouts (PostgreSQL; docs/deployment.md, ADR 0018), in seconds, so a database
# that hangs gives a quick "cannot reach its database" page instead of holding every
# worker until the WSGI server kills it. 0 turns a timeout off.
# - connect: giving up on connecting (libpq's minimum is 2); it also bounds how long data
#   sent to the server may go unacknowledged (tcp_user_timeout), so a database host that
#   vanishes mid-request is noticed rather than waited on for ever.
# - statement: the longest one SQL statement may run. Management commands (manage.py:
#   migrations, linkage, bulk jobs) use CAIRN_DB_COMMAND_STATEMENT_TIMEOUT instead.
# - lock: the longest a statement waits for a row or table lock held by someone else.
def _seconds(name: str, default: float) -> float:
    value = env.float(name, default=default)
    if value < 0:
        raise ImproperlyConfigured(f"{name} must be 0 (off) or a number of seconds.")
    return value


CAIRN_DB_CONNECT_TIMEOUT = _seconds("CAIRN_DB_CONNECT_TIMEOUT", 5)
CAIRN_DB_STATEMENT_TIMEOUT = _seconds("CAIRN_DB_STATEMENT_TIMEOUT", 20)
CAIRN_DB_LOCK_TIMEOUT = _seconds("CAIRN_DB_LOCK_TIMEOUT", 10)
CAIRN_DB_COMMAND_STATEMENT_TIMEOUT = _seconds("CAIRN_DB_COMMAND_STATEMENT_TIMEOUT", 0)
# manage.py sets this for every command except runserver.
CAIRN_MANAGEMENT_COMMAND = env.bool("CAIRN_MANAGEMENT_COMMAND", default=False)


def database_config(url: str) -> dict[str, Any]:
    """DATABASES["default"] from a DATABASE_URL, with the timeouts above on PostgreSQL.
    Values given in the URL itself (`?connect_timeout=3`, `?options=...`) are kept."""
    config: dict[str, Any] = env.db_url_config(url)
    if "postgresql" not in str(config.get("ENGINE", "")):
        return config
    # Django's backend, plus audit rows chained at commit (ADR 0029).
    config["ENGINE"] = "cairn.core.db.postgresql"
    statement = (
        CAIRN_DB_COMMAND_STATEMENT_TIMEOUT
        if CAIRN_MANAGEMENT_COMMAND
        else CAIRN_DB_STATEMENT_TIMEOUT
    )
    options = dict(config.get("OPTIONS") or {})
    if CAIRN_DB_CONNECT_TIMEOUT:
        options.setdefault("connect_timeout", max(2, math.ceil(CAIRN_DB_CONNECT_TIMEOUT)))
        options.setdefault("tcp_user_timeout", math.ceil(CAIRN_DB_CONNECT_TIMEOUT * 1000))
    server = (
        f"-c statement_timeout={round(statement * 1000)} "
        f"-c lock_timeout={round(CAIRN_DB_LOCK_TIMEOUT * 1000)}"
    )
    # Options from the URL come last, so they win.
    options["options"] = f"{server} {options.get('options', '')}".strip()
    config["OPTIONS"] = options
    return config


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
