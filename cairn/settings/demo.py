"""Local demo: SQLite file under var/, DEBUG on, an insecure key that only this file knows."""

from .base import *  # noqa: F403
from .base import BASE_DIR, env, sqlite_database

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="demo-only-insecure-key-never-use-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    (BASE_DIR / "var").mkdir(exist_ok=True)
    DATABASES = {"default": sqlite_database(BASE_DIR / "var" / "cairn-demo.sqlite3")}

# Serve static files straight from the finders (no collectstatic needed locally).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
(BASE_DIR / "var" / "staticfiles").mkdir(parents=True, exist_ok=True)

# Notification emails go to the console in the demo (they carry only a link, never details).
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
CAIRN_BASE_URL = env.str("CAIRN_BASE_URL", default="http://127.0.0.1:8000")
