"""gunicorn's settings for the web nodes (`gunicorn config.wsgi -c config/gunicorn.py`);
the command line still chooses the address and the number of workers.

Once a worker has loaded the portal, every object it imported (Django, the apps, the
URLs, the templates) lives as long as the worker: `gc.freeze()` moves them out of the
garbage collector's sight, so that the collections a big page triggers (the 2,000-row
order table allocates hundreds of thousands of objects) scan what the request made and
not the whole of Django each time. Measured by `make bench`: the collector took about a
fifth of the big CESU pages before."""

import gc


def post_worker_init(worker):
    gc.collect()
    gc.freeze()
