"""WSGI entry point. Production must set DJANGO_SETTINGS_MODULE=cairn.settings.production."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cairn.settings.production")
application = get_wsgi_application()
