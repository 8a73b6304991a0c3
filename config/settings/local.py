"""Embedded default for `make run`: SQLite, eager tasks, console e-mail and SMS."""

from .base import *  # noqa: F403
from .base import LOG_LEVEL, env, logging_settings

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-development-key-not-for-production")

DEMO_DATA_ALLOWED = True

# Static files from the app directories as they are edited, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Log lines a person reads.
LOGGING = logging_settings(level=LOG_LEVEL, output=env("DJANGO_LOG_FORMAT", default="console"))
