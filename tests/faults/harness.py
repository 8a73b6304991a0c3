"""An SMTP sink that counts what it accepts, on a free loopback port: the fault tests
break it on purpose. Redis and the Celery workers they break are in
tests/support/processes.py."""

import asyncio
import threading
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller

from tests.support.processes import LOOPBACK, free_port


class SmtpSink:
    """An SMTP server on loopback that keeps every message it accepts. `hold_next()`
    makes it sit on the next message without accepting it, like a slow provider, until
    `release()`; that message is then refused (451) and not kept."""

    def __init__(self):
        self.port = free_port()
        self.messages = []
        self.holding = threading.Event()
        self._hold_next = threading.Event()
        self._released = threading.Event()
        self._controller = Controller(self, hostname=LOOPBACK, port=self.port)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self.release()
        self._controller.stop()

    def hold_next(self) -> None:
        self._hold_next.set()

    def release(self) -> None:
        self._released.set()

    @property
    def received(self) -> list[tuple[str, str]]:
        """(recipient, subject) of each accepted message, in arrival order."""
        return [(message["To"], str(message["Subject"])) for message in self.messages]

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook
        if self._hold_next.is_set():
            self._hold_next.clear()
            self.holding.set()
            while not self._released.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Try again later"
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 2.0.0 OK"
