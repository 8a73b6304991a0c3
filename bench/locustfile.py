"""The simulated users of `make load` (bench/load.py runs locust on this file).

Managers order CESU: the order table, « Commander », the recap and « Valider la
commande » (clicked twice now and then), then the order placed; they also save their
cart and read their history. Domiciliataires instruct cases: the S1 queue, a case, its
« Justificatifs » and « Mettre à jour ». Each user takes its own account from the file
LOAD_ACCOUNTS names; what each one tried and saw succeed is appended to LOAD_JOURNAL,
which load.py checks against the database and the SMTP sink, and the figures of each
request type are written to LOAD_STATS at the end. LOAD_MAX_REQUESTS stops the run
after that many requests, whatever its time limit.
"""

import itertools
import json
import os
import random
import sys
import uuid
from pathlib import Path

import gevent
from locust import HttpUser, between, events, task
from locust.exception import StopUser

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness  # noqa: E402

ACCOUNTS = json.loads(Path(os.environ["LOAD_ACCOUNTS"]).read_text(encoding="utf-8"))
JOURNAL = Path(os.environ["LOAD_JOURNAL"])
MAX_REQUESTS = int(os.environ.get("LOAD_MAX_REQUESTS", "0"))
ORDER_TABLE = "/cesu/commandes/nouvelle/"
RECAP = "/cesu/commandes/recapitulatif/"
HISTORY = "/cesu/commandes/"
# Share of validations clicked a second time (double click, back button and resubmit).
DOUBLE_CLICK = 0.25
# Share of proofs a domiciliataire finds wrong.
INVALID_PROOF = 0.2

_accounts = {kind: itertools.count() for kind in ("managers", "providers")}
_users = itertools.count()
_requests = itertools.count(1)


def record(**entry) -> None:
    with JOURNAL.open("a", encoding="utf-8") as journal:
        journal.write(json.dumps(entry) + "\n")


_environment = None


@events.init.add_listener
def _keep_environment(environment, **kwargs) -> None:
    global _environment
    _environment = environment


@events.quitting.add_listener
def _write_stats(environment, **kwargs) -> None:
    """Every request type's figures once the users have stopped (locust's own CSV is
    written every few seconds and misses the last ones)."""
    stats = environment.runner.stats

    def figures(entry) -> dict:
        return {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "rps": entry.total_rps,
            "median": entry.median_response_time,
            "p95": entry.get_response_time_percentile(0.95),
            "p99": entry.get_response_time_percentile(0.99),
            "max": entry.max_response_time,
        }

    summary = {
        "entries": [
            {"name": f"{entry.method} {entry.name}", **figures(entry)}
            for entry in sorted(stats.entries.values(), key=lambda e: (e.name, e.method))
        ],
        "total": figures(stats.total),
        "errors": [
            {
                "name": f"{error.method} {error.name}",
                "error": str(error.error),
                "occurrences": error.occurrences,
            }
            for error in stats.errors.values()
        ],
        # Exceptions raised in the users' own code (a page that did not parse).
        "exceptions": [
            {"error": row["msg"], "occurrences": row["count"]}
            for row in environment.runner.exceptions.values()
        ],
    }
    Path(os.environ["LOAD_STATS"]).write_text(json.dumps(summary), encoding="utf-8")


@events.request.add_listener
def _stop_after_max_requests(**kwargs) -> None:
    if MAX_REQUESTS and next(_requests) == MAX_REQUESTS and _environment.runner is not None:
        # Not from this user's greenlet: quitting waits for the users' current tasks.
        gevent.spawn(_environment.runner.quit)


class PortalUser(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    kind = ""

    def on_start(self) -> None:
        number = next(_users)
        # Each user comes from its own address, as the load balancer reports it
        # (DJANGO_TRUSTED_PROXY_COUNT=1): from one address, allauth would refuse the 31st
        # login within a minute.
        self.client.headers["X-Forwarded-For"] = f"10.0.{number // 250}.{number % 250 + 1}"
        accounts = ACCOUNTS[self.kind]
        self.username = accounts[next(_accounts[self.kind]) % len(accounts)]
        page = self.page("/compte/connexion/", name="login page")
        data = harness.login_form(page, username=self.username, password=ACCOUNTS["password"])
        if self.post("/compte/connexion/", data, name="login", expect=None) is None:
            raise StopUser  # Counted as a failed login; its pages would only redirect.

    def page(self, path: str, *, name: str) -> str | None:
        with self.client.get(
            path, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} instead of 200")
                return None
            return response.text

    def post(self, path: str, data: dict, *, name: str, expect: str | None) -> str | None:
        """POSTs a form; returns the redirect's target, or None (a failure) when the
        response is not a redirect to `expect` (any redirect when None)."""
        with self.client.post(
            path, data=data, name=name, allow_redirects=False, catch_response=True
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or (expect is not None and location != expect):
                response.failure(f"{response.status_code} to {location or '-'}")
                return None
            return location


class Manager(PortalUser):
    """A financeur's manager ordering CESU for its bénéficiaires."""

    kind = "managers"

    @task(4)
    def order(self) -> None:
        page = self.page(ORDER_TABLE, name="order table")
        if page is None:
            return
        # Every row at 0 to 2 booklets, the first one at least one.
        data, lines = harness.order_table_form(
            page, action="order", booklets=lambda index: random.randint(1 if index == 0 else 0, 2)
        )
        if self.post(ORDER_TABLE, data, name="order table: Commander", expect=RECAP) is None:
            return
        recap = self.page(RECAP, name="recap")
        if recap is None:
            return
        form = harness.recap_form(recap)
        attempt = uuid.uuid4().hex
        record(kind="validation", attempt=attempt, user=self.username, lines=lines)
        placed = self.post(RECAP, form, name="recap: Valider la commande", expect=None)
        if placed is None or placed == HISTORY:
            return
        record(kind="validated", attempt=attempt, user=self.username, order=placed.split("/")[-2])
        # Now and then the same form again: the cart is already ordered, nothing is placed.
        if random.random() < DOUBLE_CLICK and self.post(
            RECAP, form, name="recap: Valider la commande again", expect=HISTORY
        ):
            record(kind="double_click_refused", user=self.username)
        self.page(placed, name="order detail")

    @task(1)
    def save_cart(self) -> None:
        page = self.page(ORDER_TABLE, name="order table")
        if page is None:
            return
        data, _ = harness.order_table_form(
            page, action="save", booklets=lambda index: random.randint(0, 1)
        )
        self.post(ORDER_TABLE, data, name="order table: Sauvegarder", expect=ORDER_TABLE)

    @task(1)
    def history(self) -> None:
        self.page(HISTORY, name="order history")


class Domiciliataire(PortalUser):
    """A domiciliataire's admin instructing the cases it received."""

    kind = "providers"

    @task
    def instruct(self) -> None:
        queue = self.page("/domiciliataire/dossiers/?statut=S1", name="case list S1")
        cases = harness.case_ids(queue or "")
        if not cases:
            return
        base = f"/domiciliataire/dossiers/{random.choice(cases)}/"
        if self.page(base, name="case page") is None:
            return
        proofs = self.page(f"{base}justificatifs/", name="case proofs")
        if proofs is None:
            return
        data, _ = harness.proof_review_form(
            proofs, invalidate=lambda index: random.random() < INVALID_PROOF
        )
        attempt = uuid.uuid4().hex
        record(kind="review", attempt=attempt, user=self.username)
        url = f"{base}justificatifs/"
        if self.post(url, data, name="case proofs: Mettre à jour", expect=url):
            record(kind="reviewed", attempt=attempt, user=self.username)
