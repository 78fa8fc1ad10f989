"""Email: stable Message-IDs, header checks, SMTP delivery, and delivery exactly once.

`deliver` is the only way visitplan sends mail. It works with the state store in two steps:

1. every header is checked (no CR, LF or other control character; every address valid)
   before anything else happens;
2. the message is marked "sending" (`State.begin_send`) before the server is contacted;
3. it is marked "sent" (`State.finish_send`) as soon as the server accepted it, or the mark
   is removed (`State.abandon_send`) when the server could not be reached or refused it,
   so a later run sends it.

A "sending" mark that a later run finds was left by a run that died between steps 2 and 3:
the server may or may not have accepted the message. The later run sends it again with
the same Message-ID. At worst the recipients get one duplicate, which their mail programs
recognise as the same message by its Message-ID; a message is never lost.

Runs on one machine that overlap (cron and a person at the keyboard) take turns through a
lock file beside the state store, so a "sending" mark seen while holding the lock really
is a leftover, never another run still talking to the server.
"""
from __future__ import annotations

import contextlib
import fcntl
import re
from dataclasses import dataclass, field
from email import policy as email_policy
from email.headerregistry import Address, UnstructuredHeader
from email.header import Header
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import parseaddr
from pathlib import Path

from visitplan.errors import InputError, StateError, VisitplanError
from visitplan.mail.ids import content_id, id_domain, message_id  # noqa: F401  (the API)
from visitplan.mail.transport import Outbox, ServerUnavailable, send_message  # noqa: F401
from visitplan.visit.fields import check_email

# Many servers refuse messages over 10 MB (counted after base64), so stay below that.
MAX_MESSAGE_BYTES = 10_000_000

ADDRESS_HEADERS = ("From", "Sender", "Reply-To", "To", "Cc", "Bcc")
RECIPIENT_HEADERS = ("To", "Cc", "Bcc")

_MESSAGE_ID = re.compile(r"<[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+>")
# CR, LF and every other character Python or a mail server could take as a line break,
# and the control characters other than tab: none may reach a header
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\x85\u2028\u2029]")
_FOLD = re.compile(r"\r?\n(?=[ \t])")


def _smtp_policy():
    """policy.SMTP, except that a plain-ASCII Subject too long for one line is folded between
    words (the standard library moves such a value whole to the next line, and many
    readers, Python's own parser among them, then see it with a leading space), and a
    Subject with other letters is encoded whole (see Policy._encoded)."""
    class Policy(EmailPolicy):
        def fold(self, name, value):
            return (self._between_words(name, value) or self._encoded(name, value)
                    or super().fold(name, value))

        def fold_binary(self, name, value):
            folded = self._between_words(name, value) or self._encoded(name, value)
            return folded.encode("ascii") if folded else super().fold_binary(name, value)

        def _encoded(self, name, value) -> str | None:
            """A Subject with letters outside ASCII as whole encoded words: the standard
            library's own folding drops the space between two encoded words and doubles
            the one before a fold ("16. März– Mittwoch" in German)."""
            text = str(value)
            if name.lower() != "subject" or text.isascii():
                return None
            encoded = Header(text, "utf-8", header_name=name).encode(
                linesep=self.linesep, maxlinelen=self.max_line_length or 78)
            return f"{name}: {encoded}{self.linesep}"

        def _between_words(self, name, value) -> str | None:
            text = str(value)
            limit = self.max_line_length or 78
            if (not isinstance(value, UnstructuredHeader) or not text.isascii()
                    or "=?" in text or text != " ".join(text.split())
                    or len(name) + 2 + len(text) <= limit
                    or any(len(word) + 1 > limit for word in text.split())):
                return None
            lines = [f"{name}:"]
            for word in text.split(" "):
                if len(lines[-1]) + 1 + len(word) > limit and lines[-1] != f"{name}:":
                    lines.append("")
                lines[-1] += " " + word
            return self.linesep.join(lines) + self.linesep

    return Policy(linesep="\r\n")


@dataclass
class DeliveryResult:
    """What `deliver` did with a message."""

    message_id: str
    sent: bool                    # True: the server accepted it during this call
    recipients: list[str]         # the envelope recipients (To, Cc and Bcc)
    sent_at: str | None           # ISO 8601 (UTC): when it was sent, now or before
    forced: bool = False          # sent again although it had been sent before
    resumed: bool = False         # an earlier attempt had not finished; sent again
    previous_attempt: str | None = None   # when that unfinished attempt started
    refused: dict[str, str] = field(default_factory=dict)   # recipient -> server's words
    copy: Path | None = None      # where the copy of the message as sent was kept
    copy_error: str | None = None # why that copy could not be kept (the message was sent)


POLICY = _smtp_policy()


def new_message() -> EmailMessage:
    """An empty message with the policy visitplan sends with (policy.SMTP, Subject folded
    between words)."""
    return EmailMessage(policy=POLICY)


def sender(config):
    """The configured sender (smtp.from) as an Address, or None when none is configured."""
    text = (config.smtp or {}).get("from")
    if not text:
        return None
    name, addr = parseaddr(text)
    return address(name, addr, "smtp.from")


def address(display_name: str | None, addr_spec: str, what: str):
    """An Address for a header, refusing line breaks and invalid addresses (InputError
    naming `what`, the field the value came from)."""
    for value in (display_name or "", addr_spec or ""):
        if _CONTROL.search(value):
            raise InputError(f"{what}: {value!r} contains a line break or control character, "
                             "which may not reach a mail header")
    try:
        check_email(addr_spec or "")
    except ValueError as exc:
        raise InputError(f"{what}: {exc}") from None
    return Address(display_name=display_name or "", addr_spec=addr_spec)


def check_message(msg: EmailMessage) -> list[str]:
    """Check every header of a message before it is sent; return the envelope recipients.

    Refuses (InputError) any control character (CR, LF and their kin) in a header name or
    value, an invalid or malformed address, a missing From or Message-ID, and a message
    with no recipient."""
    for name, value in msg.raw_items():
        if _CONTROL.search(name) or not name.isascii() or ":" in name or " " in name:
            raise InputError(f"header {name!r}: invalid header name; nothing was sent")
        # a value read from a file keeps its folding (a line break before a space or tab),
        # which is no line break in the value; any other is
        text = value if hasattr(value, "name") else _FOLD.sub("", str(value))
        if _CONTROL.search(str(text)):
            raise InputError(f"{name} header: {str(value)!r} contains a line break or control "
                             "character; nothing was sent")
    for name in ("From", "Message-ID", "Subject", "Date"):
        values = msg.get_all(name) or []
        if len(values) != 1:
            raise InputError(f"the message has {len(values)} {name} headers; it needs exactly "
                             "one; nothing was sent")
    if not _MESSAGE_ID.fullmatch(str(msg["Message-ID"])):
        raise InputError(f"Message-ID header: {str(msg['Message-ID'])!r} is not like "
                         "<id@domain>; nothing was sent")
    recipients: list[str] = []
    for name in ADDRESS_HEADERS:
        for value in msg.get_all(name) or []:
            for addr in _addresses(name, value):
                if name in RECIPIENT_HEADERS and addr not in recipients:
                    recipients.append(addr)
    if len(_addresses("From", msg["From"])) != 1:
        raise InputError("From header: give exactly one sender address; nothing was sent")
    if not recipients:
        raise InputError("the message has no recipient (To, Cc or Bcc); nothing was sent")
    return recipients


def _addresses(name: str, value) -> list[str]:
    header = value if hasattr(value, "addresses") else \
        email_policy.default.header_factory(name, str(value))
    if header.defects:
        raise InputError(f"{name} header: {str(value)!r} is not a valid list of addresses "
                         f"({header.defects[0]}); nothing was sent")
    specs = []
    for addr in header.addresses:
        try:
            specs.append(check_email(addr.addr_spec))
        except ValueError as exc:
            raise InputError(f"{name} header: {exc}; nothing was sent") from None
    return specs


# ---------------------------------------------------------------- exactly once


def deliver(msg: EmailMessage, config, state, *, kind: str, visit: str | None = None,
            department: str | None = None, day: str | None = None, force: bool = False,
            environ=None, outbox: Outbox | None = None) -> DeliveryResult:
    """Send a message at most once under normal operation and never lose it (see the module
    docstring). Headers are checked before anything is recorded or sent. A message already
    sent is not sent again unless `force` (which sends it with the same Message-ID).
    `outbox`: a connection kept open for the messages of a pass (see Outbox)."""
    recipients = check_message(msg)
    mid = str(msg["Message-ID"])
    with _send_lock(state):
        before = state.mail(mid)
        if not state.begin_send(mid, kind, recipients, visit=visit, department=department,
                                day=day, force=force):
            return DeliveryResult(mid, False, before.recipients, before.sent_at)
        try:
            refused = send_message(msg, config, environ, outbox)
        except VisitplanError:
            state.abandon_send(mid)
            raise
        state.finish_send(mid)
    record = state.mail(mid)
    resumed = before is not None and before.status == "sending"
    return DeliveryResult(mid, True, recipients, record.sent_at,
                          forced=before is not None and before.sent_at is not None,
                          resumed=resumed,
                          previous_attempt=before.started_at if resumed else None,
                          refused=refused)


@contextlib.contextmanager
def _send_lock(state):
    """Hold an exclusive lock beside the state store while a message is being sent."""
    path = getattr(state, "path", None)
    if path is None:
        yield
        return
    lock = Path(f"{path}.send-lock")
    try:
        fh = open(lock, "a")
    except OSError as exc:
        raise StateError(f"cannot open the send lock {lock}: {exc.strerror or exc}; the "
                         "folder of the state store must be writable") from None
    with fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
