"""Test settings: SQLite by default, PostgreSQL when DATABASE_URL is set (CI runs both)."""

from .base import *  # noqa: F403
from .base import BASE_DIR, database_config, derived_checkpoint_key, env, sqlite_database

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
CAIRN_AUDIT_CHECKPOINT_KEY = env.str(
    "CAIRN_AUDIT_CHECKPOINT_KEY", default=derived_checkpoint_key(SECRET_KEY)
)
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": database_config(env.str("DATABASE_URL"))}
else:
    DATABASES = {"default": sqlite_database(BASE_DIR / "var" / "test.sqlite3")}
    # The test database itself is in memory (shared cache): fast, and parallel runs
    # on one machine never collide on a file.
# Fast hashing in tests only; production uses argon2.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Serve static files straight from the finders (no collectstatic needed locally).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
(BASE_DIR / "var" / "staticfiles").mkdir(parents=True, exist_ok=True)
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Never GOV.UK Notify from a developer's environment: its tests start a local one.
CAIRN_NOTIFY_API_KEY = ""
CAIRN_BASE_URL = "http://testserver"
# Rate limits off, so a test never depends on how many requests came before it; the
# throttle tests turn them on with low limits (tests/core/test_throttling.py).
CAIRN_THROTTLE_ENABLED = False
