"""Local demo: SQLite file under var/, an insecure key that only this file knows.

DEBUG stays off unless asked for (DJANGO_DEBUG=1): a newcomer sees the GOV.UK error pages a
user would, never Django's debug 404 listing every URL pattern."""

from .base import *  # noqa: F403
from .base import BASE_DIR, database_config, derived_checkpoint_key, env, sqlite_database

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="demo-only-insecure-key-never-use-in-production")
CAIRN_AUDIT_CHECKPOINT_KEY = env.str(
    "CAIRN_AUDIT_CHECKPOINT_KEY", default=derived_checkpoint_key(SECRET_KEY)
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": database_config(env.str("DATABASE_URL"))}
else:
    (BASE_DIR / "var").mkdir(exist_ok=True)
    DATABASES = {"default": sqlite_database(BASE_DIR / "var" / "cairn-demo.sqlite3")}

# Serve static files straight from the finders (no collectstatic needed locally).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
(BASE_DIR / "var" / "staticfiles").mkdir(parents=True, exist_ok=True)

# Notification emails go to the console in the demo (they carry only a link, never details).
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# The demo runs no task worker: jobs (sending those emails) run at once, after commit.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CAIRN_BASE_URL = env.str("CAIRN_BASE_URL", default="http://127.0.0.1:8000")
