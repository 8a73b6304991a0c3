"""Settings of `make bench`: the embedded default (config.settings.local, read from the
same environment variables), plus the Server-Timing probe in front of every middleware
and the floor page."""

from config.settings.local import *  # noqa: F403
from config.settings.local import MIDDLEWARE

MIDDLEWARE = ["bench.middleware.ServerTimingMiddleware", *MIDDLEWARE]
ROOT_URLCONF = "bench.urls"
