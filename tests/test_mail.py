"""The outbox against a real SMTP server on loopback: what arrives, and that it arrives exactly once.

Time is passed to deliver_due explicitly, so retries are tested without waiting.
"""

import signal
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from core import mail
from core.db import db
from core.mail import FAILED, PENDING, SENDING, SENT, OutboxMessage, deliver_due, enqueue, outbox_cli
from tests.smtp import configured, smtp_server

ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"


@pytest.fixture
def now():
    """The instant each round is told it is: just ahead of the clock, so that what the test queues is due."""
    return datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=1)


def queue(count=1):
    """Messages queued and committed, as the business change that causes them would commit them."""
    messages = [enqueue(f"delegate{n}@example.org", f"Message {n}", f"Body {n}") for n in range(count)]
    db.session.commit()
    return [message.id for message in messages]


def row(message_id) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id)


# What arrives


def test_a_message_arrives_with_its_headers_html_alternative_and_attachment(app_context, smtp, now):
    message = enqueue(
        "delegate@example.org",
        "Приглашение на конференцию в Бишкеке",
        "Добро пожаловать в Бишкек.",
        body_html="<p>Добро пожаловать в <b>Бишкек</b></p>",
        language="ru",
        attachments=[("bishkek-2001.ics", "text/calendar; method=REQUEST", ICS)],
    )
    db.session.commit()

    assert deliver_due(now=now) == mail.DeliveryReport(sent=1)

    [(recipients, _raw)] = smtp.received
    [received] = smtp.messages
    assert recipients == ["delegate@example.org"]
    assert received["From"] == "Meetings <meetings@example.org>"
    assert received["To"] == "delegate@example.org"
    assert received["Subject"] == "Приглашение на конференцию в Бишкеке"
    assert received["Content-Language"] == "ru"
    assert received["Message-ID"] == message.message_id
    assert message.message_id.endswith("@example.org>")
    assert received["Date"].datetime == message.created_at.replace(microsecond=0)
    assert received.get_body(("plain",)).get_content().strip() == "Добро пожаловать в Бишкек."
    assert received.get_body(("html",)).get_content().strip() == "<p>Добро пожаловать в <b>Бишкек</b></p>"
    [attachment] = received.iter_attachments()
    assert attachment.get_filename() == "bishkek-2001.ics"
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "REQUEST"
    assert attachment.get_payload(decode=True) == ICS
    stored = row(message.id)
    assert (stored.status, stored.sent_at, stored.attempts, stored.claimed_at) == (SENT, now, 1, None)


def test_non_ascii_headers_are_encoded_for_a_server_without_smtputf8(app_context, smtp, now):
    enqueue("delegate@example.org", "Итоги совещания", "Текст")
    db.session.commit()
    deliver_due(now=now)
    [(_recipients, raw)] = smtp.received
    raw_headers = raw.split(b"\r\n\r\n")[0]
    assert raw_headers.isascii() and b"Subject: =?utf-8?" in raw_headers


def test_enqueue_does_not_commit(app_context):
    enqueue("delegate@example.org", "Confirmation", "You are registered.")
    db.session.rollback()
    assert db.session.scalar(select(OutboxMessage.id)) is None


# Exactly once, nothing lost


def test_a_refusal_then_an_acceptance_delivers_once(app_context, smtp, now):
    [message_id] = queue()
    smtp.refusals.append("451 4.3.0 Try again later")

    assert deliver_due(now=now) == mail.DeliveryReport(retried=1)
    stored = row(message_id)
    assert (stored.status, stored.attempts, stored.next_attempt_at) == (PENDING, 1, now + timedelta(seconds=30))
    assert stored.last_error.startswith("451")
    assert smtp.received == []

    assert deliver_due(now=now + timedelta(seconds=29)) == mail.DeliveryReport()
    assert deliver_due(now=now + timedelta(seconds=30)) == mail.DeliveryReport(sent=1)
    assert deliver_due(now=now + timedelta(hours=1)) == mail.DeliveryReport()
    assert len(smtp.received) == 1
    assert row(message_id).status == SENT


def test_a_server_that_is_down_keeps_the_message_until_it_is_up(app, app_context, port, now):
    message_id, _second = queue(2)

    report = deliver_due(now=now)

    # The round stops at the first unreachable attempt instead of trying every message.
    assert report == mail.DeliveryReport(retried=1)
    stored = row(message_id)
    assert (stored.status, stored.attempts) == (PENDING, 1)
    assert stored.next_attempt_at == now + timedelta(seconds=30)
    assert "ConnectionRefusedError" in stored.last_error
    with smtp_server(port) as smtp:
        assert deliver_due(now=now + timedelta(minutes=1)) == mail.DeliveryReport(sent=2)
        assert deliver_due(now=now + timedelta(minutes=2)) == mail.DeliveryReport()
    assert sorted(message["Subject"] for message in smtp.messages) == ["Message 0", "Message 1"]


def test_two_workers_at_once_send_each_message_exactly_once(app, app_context, smtp, now):
    ids = queue(20)
    start = threading.Barrier(2)
    reports = []

    def worker():
        with app.app_context():
            start.wait()
            reports.append(deliver_due(now=now))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(report.sent for report in reports) == 20
    assert sum(report.total for report in reports) == 20
    message_ids = [message["Message-ID"] for message in smtp.messages]
    assert len(message_ids) == len(set(message_ids)) == 20
    assert {row(message_id).status for message_id in ids} == {SENT}


def test_a_permanent_refusal_fails_at_once_and_is_not_retried(app_context, smtp, now):
    [message_id] = queue()
    smtp.refusals.append("550 5.1.1 No such user here")

    assert deliver_due(now=now) == mail.DeliveryReport(failed=1)
    assert deliver_due(now=now + timedelta(days=1)) == mail.DeliveryReport()
    stored = row(message_id)
    assert (stored.status, stored.attempts) == (FAILED, 1)
    assert stored.last_error == "550 5.1.1 No such user here"
    assert smtp.received == []


def test_a_recipient_refused_for_good_fails_and_one_refused_for_now_is_retried(app_context, smtp, now):
    unknown, full = queue(2)
    smtp.refused_recipients = {
        "delegate0@example.org": "550 5.1.1 Unknown user",
        "delegate1@example.org": "452 4.2.2 Mailbox full",
    }

    assert deliver_due(now=now) == mail.DeliveryReport(retried=1, failed=1)
    assert (row(unknown).status, row(unknown).last_error) == (FAILED, "550 5.1.1 Unknown user")
    assert (row(full).status, row(full).last_error) == (PENDING, "452 4.2.2 Mailbox full")
    smtp.refused_recipients = {}
    assert deliver_due(now=now + timedelta(minutes=1)) == mail.DeliveryReport(sent=1)
    assert [message["To"] for message in smtp.messages] == ["delegate1@example.org"]


def test_a_message_that_cannot_be_built_fails_without_stopping_the_round(app_context, smtp, now):
    broken, fine = queue(2)
    row(broken).recipient = "delegate@example.org\r\nBcc: everyone@example.org"
    db.session.commit()

    assert deliver_due(now=now) == mail.DeliveryReport(sent=1, failed=1)
    assert row(broken).status == FAILED
    assert [message["Subject"] for message in smtp.messages] == ["Message 1"]


def test_eight_temporary_failures_fail_the_message(app_context, smtp, now):
    [message_id] = queue()
    smtp.refusals.extend(["421 4.7.0 Too busy"] * 9)
    when = now
    for attempt in range(1, 8):
        assert deliver_due(now=when) == mail.DeliveryReport(retried=1)
        stored = row(message_id)
        assert stored.next_attempt_at - when == min(timedelta(seconds=30 * 2 ** (attempt - 1)), timedelta(hours=1))
        when = stored.next_attempt_at

    assert deliver_due(now=when) == mail.DeliveryReport(failed=1)
    assert deliver_due(now=when + timedelta(days=1)) == mail.DeliveryReport()
    stored = row(message_id)
    assert (stored.status, stored.attempts) == (FAILED, 8)
    assert smtp.received == []


def test_a_claim_left_by_a_crashed_worker_is_taken_back_after_ten_minutes(app_context, smtp, now):
    stale, recent = queue(2)
    for message_id, claimed in ((stale, now - timedelta(minutes=11)), (recent, now - timedelta(minutes=9))):
        message = row(message_id)
        message.status, message.claimed_at = SENDING, claimed
    db.session.commit()

    assert deliver_due(now=now) == mail.DeliveryReport(sent=1)
    assert [message["Subject"] for message in smtp.messages] == ["Message 0"]
    assert (row(stale).status, row(recent).status) == (SENT, SENDING)


def test_without_a_mail_server_nothing_is_sent_and_mail_waits(app, app_context, smtp, now):
    [message_id] = queue()
    with configured(app, MAIL_SERVER=""):
        assert deliver_due(now=now) == mail.DeliveryReport()
    assert smtp.received == []
    assert (row(message_id).status, row(message_id).attempts) == (PENDING, 0)


# The command


def cli(app):
    app.cli.add_command(outbox_cli)
    return app.test_cli_runner()


def test_send_command_delivers_what_is_due_and_prints_the_counts(app, app_context, smtp):
    queue(3)
    smtp.refusals.append("550 5.7.1 Refused")

    result = cli(app).invoke(args=["outbox", "send", "--limit", "2"])

    assert result.exit_code == 0, result.output
    assert "1 sent, 0 to retry, 1 failed" in result.output
    assert "1 sent, 0 to retry, 0 failed" in cli(app).invoke(args=["outbox", "send"]).output


def test_send_command_says_when_no_mail_server_is_set(app, app_context):
    queue()
    with configured(app, MAIL_SERVER=""):
        result = cli(app).invoke(args=["outbox", "send"])
    assert "MAIL_SERVER is not set" in result.output
    assert "0 sent, 0 to retry, 0 failed" in result.output


def _then_signal(monkeypatch, number, error=None):
    """deliver_due runs for real, then the process receives the signal, as from systemd or Ctrl-C."""
    real = mail.deliver_due

    def deliver_then_signal(**kwargs):
        report = real(**kwargs)
        signal.raise_signal(number)
        if error:
            raise error
        return report

    monkeypatch.setattr(mail, "deliver_due", deliver_then_signal)


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT])
def test_worker_stops_cleanly_on_a_signal(app, app_context, smtp, monkeypatch, number):
    queue()
    before = signal.getsignal(number)
    _then_signal(monkeypatch, number)

    result = cli(app).invoke(args=["outbox", "send", "--worker", "--interval", "3600"])

    assert result.exit_code == 0, result.output
    assert "1 sent, 0 to retry, 0 failed" in result.output
    assert "Outbox worker stopped." in result.output
    assert signal.getsignal(number) is before
    assert len(smtp.received) == 1


def test_worker_survives_a_database_error(app, app_context, smtp, monkeypatch, caplog):
    _then_signal(monkeypatch, signal.SIGTERM, OperationalError("SELECT", {}, Exception("server closed the connection")))

    result = cli(app).invoke(args=["outbox", "send", "--worker"])

    assert result.exit_code == 0, result.output
    assert "Outbox round failed" in caplog.text


# The outbox page


def test_outbox_pages_are_for_organisers_only(app, browser, make_user):
    with app.app_context():
        [message_id] = queue()
    for url in ("/outbox", f"/outbox/{message_id}"):
        response = browser.get(url)
        assert response.status_code == 302 and "/login" in response.location
    make_user("participant")
    browser.login("participant@example.org", "correct horse battery")
    for url in ("/outbox", f"/outbox/{message_id}"):
        assert browser.get(url).status_code == 403


def test_organisers_read_the_queued_mail_escaped(app, organiser):
    from tests.agenda_helpers import make_event

    event_id = make_event(app)  # the organiser is on its team, and so reads its mail
    with app.app_context(), configured(app, MAIL_SERVER=""):
        message = enqueue(
            "delegate@example.org",
            "Confirmation <script>alert(1)</script>",
            "Hello <script>alert(2)</script>",
            body_html='<p onclick="x()">Hello</p><script>alert(3)</script>',
            attachments=[("invitation.ics", "text/calendar", ICS)],
            event_id=event_id,
        )
        db.session.commit()
        message_id, message_header = message.id, message.message_id

    with configured(app, MAIL_SERVER=""):
        listing = organiser.get("/outbox?lang=en")
    assert listing.status_code == 200
    page = listing.get_data(as_text=True)
    assert "Confirmation &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "No mail server is configured" in page
    assert "delegate@example.org" in page and "Waiting" in page

    page = organiser.get(f"/outbox/{message_id}").get_data(as_text=True)
    assert "<script>" not in page
    assert '<pre lang="en">Hello &lt;script&gt;alert(2)&lt;/script&gt;</pre>' in page
    assert "&lt;p onclick=&#34;x()&#34;&gt;Hello&lt;/p&gt;&lt;script&gt;alert(3)&lt;/script&gt;" in page
    assert "invitation.ics" in page and f"{len(ICS)} bytes" in page
    assert message_header.replace("<", "&lt;").replace(">", "&gt;") in page


def test_an_unknown_message_is_not_found(organiser):
    assert organiser.get("/outbox/999999").status_code == 404


def test_a_worker_killed_while_sending_costs_a_copy_with_the_same_message_id_never_a_lost_message(app, smtp):
    """The chosen guarantee, at-least-once with one identity: the worker process is killed (SIGKILL, no clean-up)
    after the server has read the message and before it could mark it sent. Ten minutes later the message goes out
    again with the same Message-ID, so the receiving side keeps one; the claim counted the lost attempt."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    with app.app_context():
        [message_id] = queue()
    smtp.hold = True
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "MAIL_SERVER": app.config["MAIL_SERVER"],
        "MAIL_PORT": str(app.config["MAIL_PORT"]),
    }
    flask = str(Path(sys.executable).with_name("flask"))
    worker = subprocess.Popen(
        [flask, "--app", "app", "outbox", "send", "--worker"], env=env, cwd=Path(__file__).parents[1]
    )
    try:
        assert smtp.arrived.wait(timeout=60)
        worker.kill()
        worker.wait()  # SIGKILL cannot be ignored; a timed wait fails under libfaketime
    finally:
        smtp.release.set()
        smtp.hold = False
    with app.app_context():
        claimed = row(message_id)
        assert (claimed.status, claimed.attempts) == (SENDING, 1)
        assert deliver_due(now=claimed.claimed_at + mail.CLAIM_TIMEOUT) == mail.DeliveryReport()
        assert deliver_due(now=claimed.claimed_at + mail.CLAIM_TIMEOUT + timedelta(seconds=1)) == mail.DeliveryReport(
            sent=1
        )
        stored = row(message_id)
        assert (stored.status, stored.attempts) == (SENT, 2)
    first, second = smtp.messages
    assert first["Message-ID"] == second["Message-ID"] == stored.message_id
    assert first["Date"] == second["Date"]


def test_a_claim_is_stamped_when_it_is_made_not_when_its_round_began(app_context):
    """A round of 50 slow messages can last longer than CLAIM_TIMEOUT: its last claims must not look stale to
    another worker, which would send them again while they are being sent."""
    [message_id] = queue()
    row(message_id).next_attempt_at = datetime.now(UTC) - timedelta(hours=1)
    db.session.commit()
    round_began = datetime.now(UTC) - timedelta(minutes=20)
    claimed = mail._claim_next(round_began)
    assert claimed is not None and claimed.claimed_at > datetime.now(UTC) - timedelta(minutes=1)
