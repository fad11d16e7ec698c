"""Mail goes through an outbox table: requests only enqueue, a worker delivers (see deliver_due)."""

import base64
import re
import signal
import smtplib
import ssl
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import default as email_policy
from email.utils import format_datetime, make_msgid, parseaddr
from typing import NamedTuple

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, String, Text, and_, case, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, load_only, mapped_column

from core.db import UTCDateTime, db, utcnow
from core.text import one_line

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"


class OutboxMessage(db.Model):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The Message-ID header, fixed when the message is queued, so a receiver can drop a rare re-delivery.
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    recipient: Mapped[str] = mapped_column(String(254))
    # The meeting the message is about (an invitation, a registration): its team reads it on the outbox page.
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"), index=True)
    subject: Mapped[str] = mapped_column(String(400))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(5), default="en")
    # [{"filename": ..., "content_type": ..., "content": base64}]
    attachments: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def retrying(self) -> bool:
        """Waiting for another attempt after a failed one."""
        return self.status == PENDING and self.attempts > 0


# Statuses as organisers read them on the outbox page.
STATUS_LABELS = {
    PENDING: _l("Waiting"),
    SENDING: _l("Being sent"),
    SENT: _l("Sent"),
    FAILED: _l("Failed"),
}

SMTP_TIMEOUT = 30
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)
# Longer than any send can take with SMTP_TIMEOUT, so only a worker that died leaves a claim this old.
CLAIM_TIMEOUT = timedelta(minutes=10)


class Attachment(NamedTuple):
    filename: str
    content_type: str
    content: bytes


def enqueue(
    recipient: str,
    subject: str,
    body_text: str,
    *,
    body_html: str | None = None,
    language: str = "en",
    attachments: Iterable[tuple[str, str, bytes]] = (),
    event_id: int | None = None,
) -> OutboxMessage:
    """Queues a message in the caller's transaction, uncommitted: the change that causes the mail and the mail are
    committed together, so neither happens without the other."""
    message = OutboxMessage(
        message_id=make_msgid(domain=_sender_domain()),
        recipient=recipient,
        event_id=event_id,
        subject=one_line(subject),
        body_text=body_text,
        body_html=body_html,
        language=language,
        attachments=[
            {"filename": filename, "content_type": content_type, "content": base64.b64encode(content).decode("ascii")}
            for filename, content_type, content in attachments
        ],
    )
    db.session.add(message)
    return message


def _sender_domain() -> str:
    """The domain of MAIL_SENDER ('Meetings <meetings@example.org>' gives example.org), which owns the Message-IDs."""
    return parseaddr(current_app.config["MAIL_SENDER"])[1].rpartition("@")[2] or "localhost"


def decoded_attachments(message: OutboxMessage) -> list[Attachment]:
    return [
        Attachment(item["filename"], item["content_type"], base64.b64decode(item["content"]))
        for item in message.attachments
    ]


def latest_messages(readable, limit: int = 200) -> list[OutboxMessage]:
    """The newest messages the reader may read (`readable`, a WHERE clause), without their bodies and attachments,
    which may be large."""
    query = (
        select(OutboxMessage)
        .where(readable)
        .options(
            load_only(
                OutboxMessage.created_at,
                OutboxMessage.status,
                OutboxMessage.recipient,
                OutboxMessage.subject,
                OutboxMessage.attempts,
                OutboxMessage.next_attempt_at,
                OutboxMessage.last_error,
                OutboxMessage.sent_at,
            )
        )
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        return self.sent + self.retried + self.failed

    def add(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def __str__(self) -> str:
        return f"{self.sent} sent, {self.retried} to retry, {self.failed} failed"


def deliver_due(limit: int = 50, now: datetime | None = None) -> DeliveryReport:
    """Sends up to `limit` messages that are due, each claimed first so that concurrent workers never send one twice.

    Commits as it goes (one short transaction per claim and per outcome, none open while SMTP is spoken). Without
    MAIL_SERVER nothing is sent: the messages wait, readable on the outbox page.
    """
    now = now or utcnow()
    report = DeliveryReport()
    if not current_app.config["MAIL_SERVER"]:
        return report
    _release_stale_claims(now)
    db.session.commit()
    with _Relay(current_app.config) as relay:
        while report.total < limit and not relay.unreachable and (message := _claim_next(now)) is not None:
            report.add(_deliver(relay, message, now))
    return report


def _release_stale_claims(now: datetime) -> None:
    """A worker that died while sending leaves its message in 'sending'; it goes back to the queue, or fails once it
    has had all its attempts (the claim counted one).

    The guarantee is at-least-once delivery with one identity: a message goes out twice only when its worker died
    after the server accepted it and before the row was marked sent, and then both copies carry the same
    Message-ID (and Date), fixed when the message was queued, so the receiving side keeps one. Losing an
    invitation would be worse than a copy its reader's mail program drops.
    """
    stale = and_(OutboxMessage.status == SENDING, OutboxMessage.claimed_at < now - CLAIM_TIMEOUT)
    interrupted = "The worker stopped while sending; sent again with the same Message-ID."
    db.session.execute(
        update(OutboxMessage)
        .where(stale)
        .values(
            status=case((OutboxMessage.attempts >= MAX_ATTEMPTS, FAILED), else_=PENDING),
            claimed_at=None,
            last_error=interrupted,
        )
        .execution_options(synchronize_session=False)
    )


def _due_ids(now: datetime, limit: int) -> list[int]:
    query = (
        select(OutboxMessage.id)
        .where(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def _claim_next(now: datetime) -> OutboxMessage | None:
    """The next due message, moved from pending to sending by this worker alone, or None when nothing is due.

    Workers never wait for one another nor claim the same message: on PostgreSQL the row is picked with FOR
    UPDATE SKIP LOCKED, so a second worker takes the next row instead of queueing behind the first; SQLite applies
    one write at a time, and the status condition is checked again by the UPDATE itself. The claim is committed
    before SMTP is touched, and the message is detached so that no transaction stays open while it is sent.
    """
    due = and_(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now)
    oldest = (
        select(OutboxMessage.id)
        .where(due)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    message_id = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == oldest.scalar_subquery(), due)
        # The claim counts the attempt, so that a message whose sending kills its worker cannot come back for ever.
        # Stamped when claimed, not when the round began: a long round must not make its last claims look stale.
        .values(status=SENDING, claimed_at=max(now, utcnow()), attempts=OutboxMessage.attempts + 1)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ).scalar()
    message = db.session.get(OutboxMessage, message_id, populate_existing=True) if message_id else None
    if message is not None:
        db.session.expunge(message)
    db.session.commit()
    return message


def _deliver(relay: "_Relay", message: OutboxMessage, now: datetime) -> str:
    """Sends one claimed message and records the outcome: "sent", "retried" or "failed"."""
    try:
        relay.send(_compose(message))
    except (OSError, ValueError) as error:  # smtplib raises OSErrors; a malformed message, ValueError
        permanent = not relay.unreachable and _is_permanent(error)
        return _record_failure(message, error, now, permanent)
    _record(
        message,
        status=SENT,
        sent_at=now,
        last_error="",
        body_text=without_personal_links(message.body_text),
        body_html=message.body_html and without_personal_links(message.body_html),
    )
    return "sent"


_LINK = re.compile(r"https?://[^\s<>\"]+")
# A token in a link: a long run of URL-safe characters in both cases (slugs and words are lower-case).
_TOKEN = re.compile(r"[A-Za-z0-9_.\-]{24,}")


def without_personal_links(text: str) -> str:
    """The mail as the outbox keeps it once delivered: each link's token is replaced by "…", so that the table holds
    no working invitation, registration, calendar or password link (the recipient's copy has them)."""

    def blunt(link: re.Match) -> str:
        return _TOKEN.sub(lambda run: "…" if _is_token(run.group()) else run.group(), link.group())

    return _LINK.sub(blunt, text)


def _is_token(run: str) -> bool:
    return any(c.isupper() for c in run) and any(c.islower() for c in run)


def headers(message: OutboxMessage) -> list[tuple[str, str]]:
    """The headers the message goes out with, as the outbox page shows them too."""
    return [
        ("From", current_app.config["MAIL_SENDER"]),
        # An address with a line break is no address: the message fails to build rather than go elsewhere.
        ("To", message.recipient),
        # A subject stored with a line break (before single lines were enforced) goes out as one line.
        ("Subject", one_line(message.subject)),
        # When the message was ready to go (RFC 5322), the same on every attempt.
        ("Date", format_datetime(message.created_at)),
        ("Message-ID", message.message_id),
        ("Content-Language", message.language),
    ]


def _compose(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage()
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    for attachment in decoded_attachments(message):
        content_type = email_policy.header_factory("content-type", attachment.content_type)
        email.add_attachment(
            attachment.content,
            maintype=content_type.maintype,
            subtype=content_type.subtype,
            filename=attachment.filename,
            params=dict(content_type.params),
        )
    # Only now: turning the message into a multipart moves every Content-* header (Content-Language too) to its
    # first part.
    for name, value in headers(message):
        email[name] = value
    return email


def _is_permanent(error: Exception) -> bool:
    """A 5xx reply is the server's last word on this message; a 4xx reply or a broken connection may pass later."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _reply in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return False
    # Other refusals by smtplib concern the message itself (e.g. an international address the server cannot take),
    # as does a ValueError while building it; any other OSError is the network's.
    return isinstance(error, smtplib.SMTPException | ValueError)


def _record_failure(message: OutboxMessage, error: Exception, now: datetime, permanent: bool) -> str:
    attempts = message.attempts  # this one included, counted by the claim
    if permanent or attempts >= MAX_ATTEMPTS:
        _record(message, status=FAILED, attempts=attempts, last_error=_describe(error))
        return "failed"
    _record(
        message,
        status=PENDING,
        attempts=attempts,
        last_error=_describe(error),
        next_attempt_at=now + _retry_delay(attempts),
    )
    return "retried"


def _retry_delay(attempts: int) -> timedelta:
    """30 s after the first failure, doubling each time, never more than an hour."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)


def _record(message: OutboxMessage, **values) -> None:
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id)
        .values(claimed_at=None, **values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _describe(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{code} {reply.decode(errors='replace')}" for code, reply in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        reply = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) else error.smtp_error
        return f"{error.smtp_code} {reply}"
    return f"{type(error).__name__}: {error}"


class _Relay:
    """The SMTP server for one round: one connection for all its messages, opened for the first one and dropped
    after any failure (the next message opens a fresh one).

    When the server cannot be reached at all the round stops, rather than each remaining message waiting for the
    same timeout.
    """

    def __init__(self, config: Mapping) -> None:
        self.config = config
        self.smtp: smtplib.SMTP | None = None
        self.unreachable = False

    def __enter__(self) -> "_Relay":
        return self

    def __exit__(self, *exc_info) -> None:
        self._close()

    def send(self, email: EmailMessage) -> None:
        if self.smtp is None:
            try:
                self.smtp = self._connect()
            except OSError:
                self.unreachable = True
                raise
        try:
            self.smtp.send_message(email)
        except OSError:
            self._close()
            raise

    def _connect(self) -> smtplib.SMTP:
        """Login failures count as the server's, not the message's: a wrong password must not fail the queue."""
        smtp = smtplib.SMTP(self.config["MAIL_SERVER"], self.config["MAIL_PORT"], timeout=SMTP_TIMEOUT)
        try:
            if self.config["MAIL_USE_TLS"]:
                # smtplib verifies no certificate unless given a context that does.
                smtp.starttls(context=ssl.create_default_context())
            if self.config["MAIL_USERNAME"]:
                smtp.login(self.config["MAIL_USERNAME"], self.config["MAIL_PASSWORD"])
        except OSError:
            smtp.close()
            raise
        return smtp

    def _close(self) -> None:
        if self.smtp is None:
            return
        try:
            self.smtp.quit()
        except OSError:
            self.smtp.close()
        self.smtp = None


outbox_cli = AppGroup("outbox", help="The mail outbox.")


@outbox_cli.command("send")
@click.option("--worker", is_flag=True, help="Keep running, a round every --interval seconds, until SIGTERM or Ctrl-C.")
@click.option(
    "--interval",
    default=10.0,
    show_default=True,
    type=click.FloatRange(min=1),
    help="Seconds to pause between two rounds.",
)
@click.option("--limit", default=50, show_default=True, type=click.IntRange(min=1), help="Messages per round at most.")
def send(worker: bool, interval: float, limit: int) -> None:
    """Deliver the mail that is due, once or as a worker."""
    if not current_app.config["MAIL_SERVER"]:
        click.echo("MAIL_SERVER is not set: nothing is sent, the messages wait in the outbox (/outbox).")
    if not worker:
        click.echo(deliver_due(limit=limit))
        return
    stop = threading.Event()
    with _stopping_on_signals(stop):
        while not stop.is_set():
            report = _worker_round(limit)
            # While anything is due the next round starts at once: with several workers each round gets only part of
            # what is due, which says nothing about what is left.
            if report is None or not _anything_due():
                stop.wait(interval)
    click.echo("Outbox worker stopped.")


def _anything_due() -> bool:
    try:
        due = bool(_due_ids(utcnow(), 1))
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        return False
    return due


def _worker_round(limit: int) -> DeliveryReport | None:
    """One round; a database that is briefly away costs a round, not the worker."""
    try:
        report = deliver_due(limit=limit)
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("Outbox round failed; trying again at the next round")
        return None
    if report.total:
        click.echo(f"{utcnow():%Y-%m-%d %H:%M:%S}Z {report}")
    return report


@contextmanager
def _stopping_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGTERM (systemd, docker stop) and SIGINT (Ctrl-C) end the worker once the current round is over."""
    previous = {number: signal.signal(number, lambda *_: stop.set()) for number in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
