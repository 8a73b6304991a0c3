"""gunicorn's settings for a web node: `gunicorn --config python:config.gunicorn
config.wsgi:application`. Every value can be changed from the environment.

The Prometheus metrics of the node's workers are added up from files in
PROMETHEUS_MULTIPROC_DIR (config/metrics.py): the folder is emptied when the node
starts, and the files of a worker that dies are marked as such, so that a restarted
node counts from zero and a dead worker's gauges go."""

import os
import shutil
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
accesslog = "-"
# The client's address for the access log and the rate limits: the load balancer's
# X-Forwarded-For (DJANGO_TRUSTED_PROXY_COUNT reads it in Django).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server):
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        Path(folder).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
