"""Production: everything from the environment; `manage.py check --deploy` is clean."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import REDIS_URL, STORAGES, env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")

# Several web nodes and workers share the rate limits, the import claims and the task
# queue through Redis; without it each process would count alone (2 gunicorn workers let
# twice the login attempts through). Refuse to start rather than run half-configured.
if not REDIS_URL:
    raise ImproperlyConfigured(
        "REDIS_URL is required in production: the cache (rate limits) and the Celery "
        "broker must be shared by every web process and worker."
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
# The health and metrics endpoints are probed over plain HTTP by the load balancer and
# the metrics scraper.
SECURE_REDIRECT_EXEMPT = [r"^sante/$", r"^metriques/$"]

# Static files straight from the web nodes (WhiteNoise, in the base middleware),
# compressed and cached forever under their hashed names.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Real money and real signatures: Stripe and the platform's own certificate, never the
# simulated provider nor a development seal, unless an operator says so explicitly.
PAYMENT_PROVIDER = env("PAYMENT_PROVIDER", default="stripe")
CONTRACT_SEAL_DEVELOPMENT_FALLBACK = env.bool("CONTRACT_SEAL_DEVELOPMENT_FALLBACK", default=False)
