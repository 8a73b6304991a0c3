"""Test settings: PostgreSQL when DATABASE_URL is set, fast hashing, captured e-mail and SMS."""

from .base import *  # noqa: F403
from .base import LOG_LEVEL, TEMPLATES, env, logging_settings

DEBUG = False
SECRET_KEY = "test-key-not-secret"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
SMS_BACKEND = "locmem"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
PORTAL_BASE_URL = "http://testserver"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "private": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# An unknown template variable is a bug: visible here, and failing the test in pytest
# (tests/conftest.py, unknown_template_variable_fails).
TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = "«INVALID {%s}»"

DEMO_DATA_ALLOWED = True

# Static files from the app directories as they are edited, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Log lines a person reads.
LOGGING = logging_settings(level=LOG_LEVEL, output=env("DJANGO_LOG_FORMAT", default="console"))
