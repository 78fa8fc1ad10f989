"""The SMTP transport: one connection for the messages of a pass, and every failure of
smtplib or ssl said in plain words, telling apart what stops every message (the server is
down, refuses the login, TLS fails: ServerUnavailable) from what concerns one message (a
refused recipient or message), and a failure after the message was handed over (it may
have been delivered) from one before (nothing was sent)."""
from __future__ import annotations

import contextlib
import os
import smtplib
import ssl
from email.message import EmailMessage

from visitplan.errors import InputError, SendError

DEFAULT_PASSWORD_ENV = "VISITPLAN_SMTP_PASSWORD"
DEFAULT_PORTS = {"none": 25, "starttls": 587, "ssl": 465}
DEFAULT_TIMEOUT = 30


class ServerUnavailable(SendError):
    """Raised when no message can go through the server now: it cannot be reached, does not
    answer, refuses the login, or TLS fails. One cause for every message of a run, so a run
    reports it once and stops contacting the server."""


class _Tracking:
    """An SMTP client that notes when the whole message has been handed to the server (the
    end-of-data mark sent): a failure after that may follow a delivery."""

    handed_over = False

    def send(self, s):
        super().send(s)
        if isinstance(s, (bytes, bytearray)) and s.endswith(b"\r\n.\r\n"):
            self.handed_over = True


class _Client(_Tracking, smtplib.SMTP):
    pass


class _ClientSSL(_Tracking, smtplib.SMTP_SSL):
    pass


def send_message(msg: EmailMessage, config, environ=None, outbox=None) -> dict[str, str]:
    """Hand a message to the configured SMTP server (smtp.host, port, security none |
    starttls | ssl, username, the password from the environment variable smtp.password_env,
    timeout), through `outbox` (an Outbox kept open for several messages) or a connection
    of its own.

    Raises ServerUnavailable when no message can go through now (unreachable, no answer,
    login or TLS refused), SendError with the server's own words when it refuses the sender,
    every recipient or the message, and SendError saying the message may have been
    delivered when the connection failed after the message was handed over. Returns the
    recipients the server refused while accepting the others (recipient -> the server's
    words); empty when all were accepted. TLS certificates are checked against the system's
    trusted CAs; a private CA is trusted by pointing SSL_CERT_FILE at its certificate."""
    if outbox is not None:
        return outbox.send(msg)
    with Outbox(config, environ) as own:
        return own.send(msg)


class Outbox:
    """One connection to the SMTP server for the messages of one pass (opened at the first
    message, closed at the end); a connection the server dropped between two messages is
    opened again once."""

    def __init__(self, config, environ=None):
        environ = os.environ if environ is None else environ
        smtp = config.smtp or {}
        self.security = smtp.get("security") or "none"
        self.host = smtp.get("host") or "localhost"
        self.port = smtp.get("port") or DEFAULT_PORTS[self.security]
        self.timeout = smtp.get("timeout") or DEFAULT_TIMEOUT
        self.username = smtp.get("username")
        self.password_env = smtp.get("password_env") or DEFAULT_PASSWORD_ENV
        self.password = environ.get(self.password_env) if self.username else None
        self.where = f"{self.host}:{self.port}"
        self.client = None

    def send(self, msg: EmailMessage) -> dict[str, str]:
        """Send one message (see send_message)."""
        if self.username and not self.password:
            raise InputError(f"smtp.username is {self.username!r} but the environment "
                             f"variable {self.password_env} (smtp.password_env) holding the "
                             "password is not set")
        with _said(self):
            if self.client is not None and not self._alive():
                self.close()                 # dropped while idle: connect anew
            if self.client is None:
                self._connect()
            self.client.handed_over = False
            return self._refused(self.client.send_message(msg))

    def _alive(self) -> bool:
        try:
            return self.client.noop()[0] == 250
        except (smtplib.SMTPException, OSError):
            return False

    def _connect(self) -> None:
        if self.security == "ssl":
            self.client = _ClientSSL(self.host, self.port, timeout=self.timeout,
                                     context=ssl.create_default_context())
        else:
            self.client = _Client(self.host, self.port, timeout=self.timeout)
        self.client.ehlo_or_helo_if_needed()
        if self.security == "starttls":
            self.client.starttls(context=ssl.create_default_context())
            self.client.ehlo()
        if self.username:
            self.client.login(self.username, self.password)

    @staticmethod
    def _refused(refused) -> dict[str, str]:
        return {rcpt: _words(code, text) for rcpt, (code, text) in refused.items()}

    def close(self) -> None:
        if self.client is not None:
            _close(self.client)
            self.client = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


@contextlib.contextmanager
def _said(server: Outbox):
    """Turn what smtplib and ssl raise into SendError / ServerUnavailable in plain words;
    the connection is closed after any failure (the next message opens a new one)."""
    try:
        yield
    except (smtplib.SMTPException, OSError) as exc:
        handed_over = server.client is not None and server.client.handed_over
        server.close()
        raise _plain(exc, server, handed_over) from None


def _plain(exc: Exception, server: Outbox, handed_over: bool) -> SendError:
    where, timeout = server.where, server.timeout
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return ServerUnavailable(f"the SMTP server {where} refused the login of "
                                 f"{server.username!r}: {_words(exc)}; check smtp.username "
                                 f"and the password in ${server.password_env}")
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        each = "; ".join(f"{rcpt}: {_words(code, text)}"
                         for rcpt, (code, text) in exc.recipients.items())
        return SendError(f"the SMTP server {where} refused every recipient ({each}); nothing "
                         "was sent")
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return SendError(f"the SMTP server {where} refused the sender {exc.sender}: "
                         f"{_words(exc)}; nothing was sent")
    if isinstance(exc, smtplib.SMTPResponseException):
        return SendError(f"the SMTP server {where} refused the message: {_words(exc)}; "
                         "nothing was sent")
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return ServerUnavailable(f"the SMTP server {where} cannot do what smtp.security or "
                                 f"smtp.username asks: {exc}")
    if isinstance(exc, ssl.SSLCertVerificationError):
        return ServerUnavailable(f"the TLS certificate of the SMTP server {where} cannot be "
                                 f"trusted ({exc.verify_message}); if your own CA signed it, "
                                 "set SSL_CERT_FILE to that CA's certificate file")
    if isinstance(exc, ssl.SSLError):
        return ServerUnavailable(f"TLS with the SMTP server {where} failed "
                                 f"({exc.reason or exc}); check smtp.security and smtp.port")
    if isinstance(exc, (smtplib.SMTPServerDisconnected, OSError)):
        timed_out = isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError)
        if handed_over:
            what = (f"did not confirm it within {timeout} seconds" if timed_out
                    else "closed the connection before confirming it")
            return SendError(f"the SMTP server {where} took the message but {what}: it may "
                             "have been delivered; the next run resends it with the same "
                             "Message-ID, which mail programs recognise")
        if timed_out:
            return ServerUnavailable(f"the SMTP server {where} did not answer within "
                                     f"{timeout} seconds; nothing was sent, try again later")
        if isinstance(exc, smtplib.SMTPServerDisconnected):
            return ServerUnavailable(f"the SMTP server {where} closed the connection "
                                     f"({exc or 'no reason given'}); nothing was sent, try "
                                     "again later")
        return ServerUnavailable(f"cannot reach the SMTP server {where} "
                                 f"({exc.strerror or exc}); nothing was sent, try again later")
    return SendError(f"the SMTP server {where} failed: {exc}; nothing was sent")


def _words(exc_or_code, text=None) -> str:
    """'550 5.1.1 No such user' from an SMTP exception or a (code, bytes) pair."""
    if text is None:
        code, text = exc_or_code.smtp_code, exc_or_code.smtp_error
    else:
        code = exc_or_code
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return " ".join(f"{code} {text}".split())


def _close(client) -> None:
    """Say goodbye; the message was already accepted or refused, so a failing QUIT is no
    reason to report a failure."""
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        pass
    finally:
        client.close()
