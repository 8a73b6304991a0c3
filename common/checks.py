"""Deployment checks (`manage.py check --deploy`) of what several web nodes must share:
the cache that holds the rate limits, and the private files."""

from django.conf import settings
from django.core import checks
from django.core.files.storage import storages

# Cache backends whose content lives in one process or on one machine.
LOCAL_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
    "django.core.cache.backends.filebased.FileBasedCache",
}
LOCAL_STORAGES = {
    "django.core.files.storage.FileSystemStorage",
    "django.core.files.storage.filesystem.FileSystemStorage",
    "django.core.files.storage.InMemoryStorage",
    "django.core.files.storage.memory.InMemoryStorage",
}


@checks.register(checks.Tags.security, deploy=True)
def shared_cache_and_files(app_configs, **kwargs):
    problems = []
    if settings.CACHES["default"]["BACKEND"] in LOCAL_CACHES:
        problems.append(
            checks.Error(
                "The cache is not shared: each process keeps its own login and password-reset "
                "rate limits (with 2 gunicorn workers, twice the attempts; with N nodes, N "
                "times) and its own import claims.",
                hint="Set REDIS_URL: the cache and the Celery broker then use Redis.",
                id="common.E001",
            )
        )
    backend = settings.STORAGES["private"]["BACKEND"]
    if backend in LOCAL_STORAGES:
        location = getattr(storages["private"], "location", "")
        problems.append(
            checks.Warning(
                f"Private files (proofs, contracts, invoices) are on this machine's disk "
                f"({location}): a second web node or a worker on another machine cannot read "
                f"them, and they go with the machine.",
                hint="Set S3_BUCKET, S3_ENDPOINT_URL, S3_REGION, S3_ACCESS_KEY_ID and "
                "S3_SECRET_ACCESS_KEY (an S3-compatible bucket).",
                id="common.W001",
            )
        )
    return problems
