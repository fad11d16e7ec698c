"""A real SMTP server on loopback (aiosmtpd) for the tests that deliver mail."""

import asyncio
import threading
from contextlib import contextmanager
from email import message_from_bytes
from email.policy import default as email_policy

import pytest
from aiosmtpd.controller import Controller

from tests.servers import free_port


class Recorder:
    """An SMTP server's handler that keeps what it accepts; told to, it refuses recipients or the next messages."""

    def __init__(self):
        self.received = []  # (envelope recipients, the message's bytes as they came over the wire)
        self.refusals = []
        self.refused_recipients = {}  # address: reply to RCPT TO
        # Told to hold, the server keeps each message it has read without answering until `release` is set, as a
        # slow server would; `arrived` is set once it holds one.
        self.hold = False
        self.arrived = threading.Event()
        self.release = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused_recipients:
            return self.refused_recipients[address]
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refusals:
            return self.refusals.pop(0)
        self.received.append((envelope.rcpt_tos, envelope.original_content))
        if self.hold:
            self.arrived.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 60)
        return "250 2.0.0 OK"

    @property
    def messages(self):
        return [message_from_bytes(raw, policy=email_policy) for _recipients, raw in self.received]


@contextmanager
def smtp_server(port: int):
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield recorder
    finally:
        controller.stop()


@contextmanager
def configured(app, **config):
    saved = {key: app.config[key] for key in config}
    app.config.update(config)
    try:
        yield
    finally:
        app.config.update(saved)


@pytest.fixture
def port(app):
    """A loopback port the app sends to; nothing listens on it until a test starts a server there."""
    number = free_port()
    with configured(app, MAIL_SERVER="127.0.0.1", MAIL_PORT=number, MAIL_SENDER="Meetings <meetings@example.org>"):
        yield number


@pytest.fixture
def smtp(port):
    with smtp_server(port) as recorder:
        yield recorder
