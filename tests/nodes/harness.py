"""Web nodes for the several-nodes test: gunicorn with the portal's own gunicorn
settings (config/gunicorn.py: metrics added up across its workers), on a free
loopback port, logging JSON lines to a file; and an HTTP client that behaves as a browser
behind the load balancer (one Host for every node, the session cookie, CSRF tokens)."""

import json
import os
import re
import sys
from pathlib import Path

import requests

from tests.support.processes import LOOPBACK, LoggedServer, free_port

GUNICORN = Path(sys.executable).with_name("gunicorn")
HOST = "portail.example"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class WebNode(LoggedServer):
    # A worker imports the whole portal before its first answer: on a loaded two-core
    # machine, with the other node, the S3 server and the worker booting alongside, that
    # took over a minute.
    READY_TIMEOUT = 180

    def __init__(self, name: str, *, directory: Path, env: dict[str, str], workers: int = 1):
        self.name = name
        self.port = free_port()
        directory.mkdir(parents=True, exist_ok=True)
        self.log_path = directory / f"{name}.log"
        self.env = {
            **os.environ,
            **env,
            "GUNICORN_BIND": f"{LOOPBACK}:{self.port}",
            "GUNICORN_WORKERS": str(workers),
            "PROMETHEUS_MULTIPROC_DIR": str(directory / f"{name}-metrics"),
        }

    def url(self, path: str) -> str:
        return f"http://{LOOPBACK}:{self.port}{path}"

    def command(self) -> list[str]:
        return [GUNICORN, "--config", "python:config.gunicorn", "config.wsgi:application"]

    def is_ready(self) -> bool:
        try:
            # The first request of a worker imports the views: a few seconds.
            requests.get(self.url("/sante/"), headers={"Host": HOST}, timeout=10)
        except requests.RequestException:
            return False
        return True

    def log_lines(self) -> list[dict]:
        """The JSON lines of the log (gunicorn's own start-up lines are not JSON)."""
        return json_lines(self.log_path)


def json_lines(path: Path) -> list[dict]:
    lines = []
    for raw in path.read_text(errors="replace").splitlines():
        if raw.startswith("{"):
            try:
                lines.append(json.loads(raw))
            except json.JSONDecodeError:
                continue
    return lines


class Browser:
    """A person's browser: one cookie jar, whichever node the load balancer picks."""

    def __init__(self):
        self.session = requests.Session()
        self.session.headers["Host"] = HOST

    def get(self, node: WebNode, path: str, **kwargs) -> requests.Response:
        return self.session.get(node.url(path), allow_redirects=False, timeout=30, **kwargs)

    def post(self, node: WebNode, path: str, data: dict, *, form_path=None, **kwargs):
        """Posts `data` with the CSRF token of the page `form_path` (default `path`),
        read from node `node`."""
        page = self.get(node, form_path or path)
        token = CSRF_FIELD.search(page.text)
        assert token, f"No CSRF token on {form_path or path} ({page.status_code})"
        return self.session.post(
            node.url(path),
            data={**data, "csrfmiddlewaretoken": token.group(1)},
            allow_redirects=False,
            timeout=60,
            **kwargs,
        )

    def log_in(self, node: WebNode, login: str, password: str) -> requests.Response:
        return self.post(node, "/compte/connexion/", {"login": login, "password": password})
