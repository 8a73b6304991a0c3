import logging.config
import os

from celery import Celery
from celery.signals import setup_logging, task_failure
from django_structlog.celery.steps import DjangoStructLogInitStep

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("portail")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Each task's log lines carry the id of the request that queued it (config/logging.py).
app.steps["worker"].add(DjangoStructLogInitStep)


@setup_logging.connect
def use_the_portals_logging(**kwargs):
    """The worker logs as the web nodes do (LOGGING), not with Celery's own format."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


@task_failure.connect
def count_the_failure(sender=None, **kwargs):
    """The operator's metric of task failures, shared by every worker (config/metrics.py)."""
    from config.metrics import task_failure_count

    task_failure_count(getattr(sender, "name", "unknown"))
