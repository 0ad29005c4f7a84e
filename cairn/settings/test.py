"""Test settings: SQLite by default, PostgreSQL when DATABASE_URL is set (CI runs both)."""

from .base import *  # noqa: F403
from .base import BASE_DIR, env, sqlite_database

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
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
CAIRN_BASE_URL = "http://testserver"
