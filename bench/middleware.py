"""The bench's probe: each response says how long the server took and how many SQL
queries it ran, in a `Server-Timing` header that `make bench` reads. Installed only by
bench.settings, first in the middleware stack so that it measures all of it."""

import time

from django.db import connection


class QueryCounter:
    """A `connection.execute_wrapper`: counts the queries and the time they take."""

    def __init__(self):
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.seconds += time.perf_counter() - start


class ServerTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counter = QueryCounter()
        start = time.perf_counter()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        elapsed = (time.perf_counter() - start) * 1000
        response["Server-Timing"] = (
            f'app;dur={elapsed:.2f}, sql;dur={counter.seconds * 1000:.2f};desc="{counter.count} '
            'queries"'
        )
        return response
