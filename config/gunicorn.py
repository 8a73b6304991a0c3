"""gunicorn's settings for a web node: `gunicorn --config python:config.gunicorn
config.wsgi:application`. Every value can be changed from the environment.

The Prometheus metrics of the node's workers are added up from files in
PROMETHEUS_MULTIPROC_DIR (config/metrics.py; a fresh temporary folder when unset): the
folder is emptied when the node starts, and the files of a worker that dies are marked
as such, so that a restarted node counts from zero and a dead worker's gauges go.

Once a worker has loaded the portal, every object it imported (Django, the apps, the
URLs, the templates) lives as long as the worker: `gc.freeze()` moves them out of the
garbage collector's sight, so that the collections a big page triggers (the 2,000-row
order table allocates hundreds of thousands of objects) scan what the request made and
not the whole of Django each time. Measured by `make bench`: the collector took about a
fifth of the big CESU pages before."""

import gc
import os
import shutil
import tempfile
from pathlib import Path

# Set before the workers start (and import prometheus_client): they inherit it.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="portail-metrics-"))

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# No access log of gunicorn's own: each request is already a JSON line of the portal's
# log, with its request id (config/logging.py).
accesslog = None
# No control socket (gunicorn 25's `gunicornc`): nothing here uses it, and two nodes on one
# host would share its default path ($HOME/.gunicorn/gunicorn.ctl).
control_socket_disable = True


def on_starting(server):
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(folder, ignore_errors=True)
    Path(folder).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker):
    gc.collect()
    gc.freeze()
